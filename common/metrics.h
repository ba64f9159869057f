/* common/metrics.h — Prometheus text-format metrics.
 * One process-wide registry (one of the three mutable globals the style
 * allows). A series is (name, labels); tm_metric finds or creates it and the
 * pointer stays valid for the life of the process, so hot paths may keep it.
 * Updates, and finding a series that exists, are lock-free (a hash index);
 * creating one takes the registry mutex.
 * Label text is written by the caller as `key="value",...` from trusted
 * values (route templates, status numbers), never from client input. */
#ifndef TM_COMMON_METRICS_H
#define TM_COMMON_METRICS_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define TM_METRICS_MAX 1024 /* series per process */
#define TM_METRIC_NAME_MAX 64
#define TM_METRIC_LABELS_MAX 160

enum tm_metric_kind { TM_METRIC_COUNTER, TM_METRIC_GAUGE, TM_METRIC_HISTOGRAM };

struct tm_metric;

/* The series (kind, name, labels), created on first use. NULL when the
 * registry is full or name/labels are too long (updates on NULL are no-ops). */
struct tm_metric *tm_metric(enum tm_metric_kind kind, const char *name, const char *help,
                            const char *labels);

void tm_metric_add(struct tm_metric *m, uint64_t n);        /* counter */
void tm_metric_set(struct tm_metric *m, int64_t v);         /* gauge */
void tm_metric_observe_us(struct tm_metric *m, int64_t us); /* histogram, in microseconds */

/* Appends every series in the text exposition format (version 0.0.4). */
TM_MUSTCHECK enum tm_code tm_metrics_render(struct tm_buf *out);

#endif
