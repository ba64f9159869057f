/* tests/fuzz/forecast_fuzz.c — libFuzzer over the forecasting library's
 * entry points: the bytes are read as options and a series of doubles (any
 * bit pattern: NaN, inf, negative, huge); a series with a finite value must
 * forecast, one without must be refused as too little history, and every
 * forecast, interval and cumulative value must come back finite and
 * non-negative, in order (fc_result_check and the checks here). The same
 * series with two regressors made from the bytes (fc_run_x) must answer as
 * fc_run did, pass fc_result_check, and be fc_run's forecast whenever it
 * says it did not use them; the public holidays of a day made from the
 * bytes must be named or NULL, in both countries. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/inventory/forecast.h"
#include "services/inventory/holidays.h"

static void
check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    struct fc_options o = {
        .horizon = 1 + data[0] % 60, .origins = 1 + data[1] % 8, .season = 1 + data[2] % 14};
    int as_small = data[3] & 1; /* small counts read better than raw doubles */
    data += 4;
    size -= 4;
    int n = as_small ? (int)size : (int)(size / sizeof(double));
    double *y = malloc(sizeof *y * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        if (as_small)
            y[i] = data[i] == 255 ? NAN : data[i] > 200 ? -(double)data[i] : data[i] % 23;
        else
            memcpy(&y[i], data + (size_t)i * sizeof(double), sizeof(double));
    }
    static struct fc_result r;
    int observed = 0;
    for (int i = 0; i < n; i++)
        observed += isfinite(y[i]);
    enum tm_code rc = fc_run(y, n, &o, &r, NULL);
    /* no finite value is too little history; anything else forecasts */
    check(n > FC_MAX_HISTORY ? rc == TM_INVALID : rc == (observed ? TM_OK : TM_UNPROCESSABLE));
    if (rc != TM_OK) {
        free(y);
        return 0;
    }
    check(fc_result_check(&r, NULL) == TM_OK);
    for (int h = 0; h < o.horizon; h++) {
        check(isfinite(r.forecast[h]) && r.lo95[h] >= 0 && r.lo95[h] <= r.lo80[h] &&
              r.lo80[h] <= r.forecast[h] && r.forecast[h] <= r.hi80[h] && r.hi80[h] <= r.hi95[h] &&
              isfinite(r.hi95[h]));
        check(isfinite(r.cum_hi95[h]) && r.cum_lo95[h] >= 0 && r.cum_lo95[h] <= r.cum[h] &&
              r.cum[h] <= r.cum_hi95[h]);
    }
    /* regressors over n + H periods: a flag on every 9th, one from the bytes
     * (NaN, inf and huge values included when read as doubles) */
    double *x = malloc(sizeof *x * (size_t)(2 * (n + o.horizon)));
    for (int t = 0; t < n + o.horizon; t++) {
        x[t] = t % 9 == 4;
        x[n + o.horizon + t] = y[t % n];
    }
    struct fc_regressors xr = {.k = 2, .x = {x, x + n + o.horizon}, .name = {"flag", "bytes"}};
    static struct fc_result rx;
    check(fc_run_x(y, n, &xr, &o, &rx, NULL) == TM_OK);
    check(fc_result_check(&rx, NULL) == TM_OK);
    check(rx.regressors_used == 0 || rx.regressors_used == 1);
    check(rx.regressors_used || memcmp(rx.forecast, r.forecast, sizeof r.forecast) == 0);
    check(rx.regressors_used == (rx.regressors_mode != FC_X_NONE));
    check(rx.regressors_mode != FC_X_OVERLAY || (rx.model == r.model && rx.origins == r.origins));
    free(x);
    int64_t day = 0;
    memcpy(&day, data, size < sizeof day ? size : sizeof day);
    for (int c = FC_COUNTRY_NONE; c < FC_COUNTRIES; c++) {
        const char *name = fc_holiday_on((enum fc_country)c, day);
        check(!name || name[0] != '\0');
        name = fc_holiday_on((enum fc_country)c, day % 100000);
        check(!name || name[0] != '\0');
    }
    double f[60];
    check(fc_model_forecast((enum fc_model)(n % FC_MODEL_COUNT), y, n, &o, f, NULL, NULL) == TM_OK);
    for (int h = 0; h < o.horizon; h++)
        check(isfinite(f[h]) && f[h] >= 0);
    struct fc_patterns p;
    fc_patterns(y, n, 19000, &p);
    check(isfinite(p.weekday_strength) && isfinite(p.trend_strength) && isfinite(p.trend_per_week));
    free(y);
    return 0;
}
