/* services/supplier-mock/fault.c — the fault drawn for each request of
 * tm-supplier-mock. Called once per /v1/ request under the mock's lock, so
 * it must be cheap: one or two generator steps and a few comparisons.
 * splitmix64 is small, fast and good enough for test traffic; what matters
 * is that a seed replays the same faults. */
#include "services/supplier-mock/fault.h"

#include <stddef.h>
#include <string.h>

static const char *const fault_names[MOCK_FAULT_KINDS] = {"none", "error",     "timeout",
                                                          "drop", "malformed", "rate_limit"};

void
mock_faults_default(struct mock_faults *f)
{
    memset(f, 0, sizeof *f);
    f->hang_ms = 30000;
    f->retry_after_s = 1;
    f->after_ppm = MOCK_PPM / 2;
}

const char *
mock_fault_name(enum mock_fault_kind kind)
{
    return (int)kind >= 0 && kind < MOCK_FAULT_KINDS ? fault_names[kind] : "none";
}

enum tm_code
mock_faults_check(const struct mock_faults *f, struct tm_err *err)
{
    int64_t sum = 0;

    if (f->latency_ms < 0 || f->latency_ms > MOCK_WAIT_MS_MAX)
        return tm_err_set(err, TM_INVALID, "latency_ms", "latency_ms must be 0 to %d",
                          MOCK_WAIT_MS_MAX);
    if (f->hang_ms < 0 || f->hang_ms > MOCK_WAIT_MS_MAX)
        return tm_err_set(err, TM_INVALID, "hang_ms", "hang_ms must be 0 to %d", MOCK_WAIT_MS_MAX);
    if (f->retry_after_s < 0 || f->retry_after_s > MOCK_RETRY_AFTER_MAX)
        return tm_err_set(err, TM_INVALID, "retry_after_s", "retry_after_s must be 0 to %d",
                          MOCK_RETRY_AFTER_MAX);
    if (f->after_ppm < 0 || f->after_ppm > MOCK_PPM)
        return tm_err_set(err, TM_INVALID, "after_share", "after_share must be 0 to 1");
    for (int k = MOCK_FAULT_NONE + 1; k < MOCK_FAULT_KINDS; k++) {
        if (f->rate_ppm[k] < 0 || f->rate_ppm[k] > MOCK_PPM)
            return tm_err_set(err, TM_INVALID, "faults", "%s_rate must be 0 to 1", fault_names[k]);
        sum += f->rate_ppm[k];
    }
    if (sum > MOCK_PPM)
        return tm_err_set(err, TM_INVALID, "faults",
                          "the fault rates add up to more than 1 (each is a share of requests)");
    return TM_OK;
}

enum tm_code
mock_share_parse(const char *s, const char *field, int32_t *ppm, struct tm_err *err)
{
    int32_t whole, frac = 0, scale = MOCK_PPM;
    const char *p = s;

    if (*p != '0' && *p != '1')
        goto bad;
    whole = *p++ - '0';
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9') {
            if (scale == 1)
                goto bad; /* a seventh digit */
            scale /= 10;
            frac += (*p++ - '0') * scale;
        }
    }
    if (*p != '\0' || (whole == 1 && frac != 0))
        goto bad;
    *ppm = whole * MOCK_PPM + frac;
    return TM_OK;
bad:
    return tm_err_set(err, TM_INVALID, field,
                      "%s must be a share from 0 to 1 with at most 6 decimals", field);
}

uint64_t
mock_rng_next(uint64_t *rng)
{
    uint64_t z = (*rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct mock_fault
mock_fault_draw(const struct mock_faults *f, uint64_t *rng, int is_order)
{
    struct mock_fault out = {MOCK_FAULT_NONE, 0};
    int64_t u = (int64_t)(mock_rng_next(rng) % MOCK_PPM), edge = 0;

    for (int k = MOCK_FAULT_NONE + 1; k < MOCK_FAULT_KINDS; k++) {
        edge += f->rate_ppm[k];
        if (u < edge) {
            out.kind = (enum mock_fault_kind)k;
            break;
        }
    }
    if (out.kind != MOCK_FAULT_NONE && is_order)
        out.after = (int64_t)(mock_rng_next(rng) % MOCK_PPM) < f->after_ppm;
    return out;
}
