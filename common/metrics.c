/* common/metrics.c — the registry. Series are only ever added (routes ×
 * methods × statuses, up to TM_METRICS_MAX), so a lookup reads a hash index
 * of (name, labels) without a lock: a request costs the same with 20 series
 * as with a thousand. Adding takes the mutex. */
#include "common/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"

/* Request durations in seconds, Prometheus' convention; upper bounds in µs. */
static const int64_t bucket_us[] = {500,    1000,   2500,   5000,    10000,   25000,  50000,
                                    100000, 250000, 500000, 1000000, 2500000, 5000000};
#define N_BUCKETS (sizeof bucket_us / sizeof bucket_us[0])

struct tm_metric {
    enum tm_metric_kind kind;
    char name[TM_METRIC_NAME_MAX];
    char labels[TM_METRIC_LABELS_MAX];
    const char *help;
    _Atomic int64_t value;              /* counter, gauge; histogram: count */
    _Atomic int64_t sum_us;             /* histogram */
    _Atomic int64_t buckets[N_BUCKETS]; /* histogram, not cumulative */
};

static struct {
    pthread_mutex_t mu;
    struct tm_metric series[TM_METRICS_MAX];
    _Atomic int n; /* published after the series is filled in */
    /* open addressing, twice as many slots as series (a probe always meets
     * an empty one): series index + 1, 0 for empty; set once, after the
     * series is filled in */
    _Atomic int index[2 * TM_METRICS_MAX];
} reg = {PTHREAD_MUTEX_INITIALIZER, {{0}}, 0, {0}};
#define INDEX_MASK (2 * TM_METRICS_MAX - 1)
_Static_assert((TM_METRICS_MAX & (TM_METRICS_MAX - 1)) == 0,
               "TM_METRICS_MAX must be a power of two: the index wraps with a mask");

static uint32_t
key_hash(const char *name, const char *labels)
{
    /* the name's hash, a separator byte, then the labels' */
    return tm_fnv32((tm_fnv32(TM_FNV32_INIT, name) ^ 0xffu) * 16777619u, labels);
}

/* The series (name, labels), or NULL with *slot the empty index slot where
 * it would go. */
static struct tm_metric *
find(uint32_t h, const char *name, const char *labels, uint32_t *slot)
{
    for (uint32_t i = h & INDEX_MASK;; i = (i + 1) & INDEX_MASK) {
        int v = atomic_load_explicit(&reg.index[i], memory_order_acquire);
        struct tm_metric *m;

        if (v == 0) {
            *slot = i;
            return NULL;
        }
        m = &reg.series[v - 1];
        if (strcmp(m->name, name) == 0 && strcmp(m->labels, labels) == 0)
            return m;
    }
}

struct tm_metric *
tm_metric(enum tm_metric_kind kind, const char *name, const char *help, const char *labels)
{
    uint32_t h = key_hash(name, labels), slot;
    struct tm_metric *m = find(h, name, labels, &slot);
    int n;

    if (m)
        return m;
    if (strlen(name) >= TM_METRIC_NAME_MAX || strlen(labels) >= TM_METRIC_LABELS_MAX)
        return NULL;
    pthread_mutex_lock(&reg.mu);
    n = atomic_load(&reg.n);
    if (!(m = find(h, name, labels, &slot)) && n < TM_METRICS_MAX) {
        m = &reg.series[n];
        m->kind = kind;
        snprintf(m->name, sizeof m->name, "%s", name);
        snprintf(m->labels, sizeof m->labels, "%s", labels);
        m->help = help;
        atomic_store(&reg.n, n + 1);
        atomic_store_explicit(&reg.index[slot], n + 1, memory_order_release);
    }
    pthread_mutex_unlock(&reg.mu);
    return m;
}

void
tm_metric_add(struct tm_metric *m, uint64_t n)
{
    if (m)
        atomic_fetch_add(&m->value, (int64_t)n);
}

void
tm_metric_set(struct tm_metric *m, int64_t v)
{
    if (m)
        atomic_store(&m->value, v);
}

void
tm_metric_observe_us(struct tm_metric *m, int64_t us)
{
    if (!m)
        return;
    atomic_fetch_add(&m->value, 1);
    atomic_fetch_add(&m->sum_us, us);
    for (size_t b = 0; b < N_BUCKETS; b++) {
        if (us <= bucket_us[b]) {
            atomic_fetch_add(&m->buckets[b], 1);
            break;
        }
    }
}

static enum tm_code
render_histogram(struct tm_buf *out, const struct tm_metric *m)
{
    const char *sep = m->labels[0] ? "," : "";
    int64_t cum = 0;
    enum tm_code rc = TM_OK;

    for (size_t b = 0; b < N_BUCKETS && rc == TM_OK; b++) {
        cum += atomic_load(&m->buckets[b]);
        rc = tm_buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %lld\n", m->name, m->labels, sep,
                           (double)bucket_us[b] / 1e6, (long long)cum);
    }
    if (rc == TM_OK)
        rc = tm_buf_printf(out,
                           "%s_bucket{%s%sle=\"+Inf\"} %lld\n%s_sum{%s} %.6f\n%s_count{%s} %lld\n",
                           m->name, m->labels, sep, (long long)atomic_load(&m->value), m->name,
                           m->labels, (double)atomic_load(&m->sum_us) / 1e6, m->name, m->labels,
                           (long long)atomic_load(&m->value));
    return rc;
}

enum tm_code
tm_metrics_render(struct tm_buf *out)
{
    static const char *const type_name[] = {"counter", "gauge", "histogram"};
    int n = atomic_load(&reg.n);
    enum tm_code rc = TM_OK;

    for (int i = 0; i < n && rc == TM_OK; i++) {
        const struct tm_metric *m = &reg.series[i];
        int first = 1;

        for (int j = 0; j < i; j++)
            if (strcmp(reg.series[j].name, m->name) == 0)
                first = 0;
        if (!first)
            continue; /* written with the first series of its name */
        rc = tm_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name,
                           type_name[m->kind]);
        for (int j = i; j < n && rc == TM_OK; j++) {
            const struct tm_metric *s = &reg.series[j];
            if (strcmp(s->name, m->name) != 0)
                continue;
            if (s->kind == TM_METRIC_HISTOGRAM)
                rc = render_histogram(out, s);
            else if (s->labels[0])
                rc = tm_buf_printf(out, "%s{%s} %lld\n", s->name, s->labels,
                                   (long long)atomic_load(&s->value));
            else
                rc = tm_buf_printf(out, "%s %lld\n", s->name, (long long)atomic_load(&s->value));
        }
    }
    return rc;
}
