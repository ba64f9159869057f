/* common/ops.h — the small ops HTTP port every daemon serves on loopback:
 * GET /health (live, ready, each dependency's state and detail; 200 when
 * ready, 503 when not), GET /health/summary (the same verdicts without the
 * instance's name or any detail: what may leave the host, as nginx's public
 * GET /health) and GET /metrics (Prometheus text). The daemon supplies a
 * health function that fills a struct tm_health; it is called on each
 * health request from civetweb's threads, so it must be thread-safe. */
#ifndef TM_COMMON_OPS_H
#define TM_COMMON_OPS_H

#include "common/buf.h"
#include "common/err.h"

#define TM_HEALTH_DEPS_MAX 16

#define TM_HEALTH_DOWN 0
#define TM_HEALTH_UP 1
#define TM_HEALTH_DEGRADED 2 /* working without it, in a documented reduced way */

struct tm_health_dep {
    char name[48];    /* "postgres", "inventory" */
    int up;           /* TM_HEALTH_DOWN, _UP or _DEGRADED */
    char detail[160]; /* "2/2 instances", an error text */
};

struct tm_health {
    int n;
    struct tm_health_dep deps[TM_HEALTH_DEPS_MAX];
};

typedef void (*tm_health_fn)(void *app, struct tm_health *h);

/* Adds a dependency line; ignored past TM_HEALTH_DEPS_MAX. */
void tm_health_add(struct tm_health *h, const char *name, int up, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Ready when no dependency is down (degraded ones do not count). */
int tm_health_ready(const struct tm_health *h);

/* Appends the /health JSON document for h. */
TM_MUSTCHECK enum tm_code tm_health_json(const struct tm_health *h, const char *svc,
                                         const char *instance, struct tm_buf *out);
/* Appends the /health/summary document: service, live, ready, status and
 * each dependency's state, nothing else (no instance, no detail: details
 * hold error texts with socket paths and addresses). */
TM_MUSTCHECK enum tm_code tm_health_json_summary(const struct tm_health *h, const char *svc,
                                                 struct tm_buf *out);

struct tm_ops;

/* Starts the ops port on 127.0.0.1:port. port 0 starts nothing (*out NULL).
 * The strings and app are borrowed for the life of the ops server. */
TM_MUSTCHECK enum tm_code tm_ops_start(int port, const char *svc, const char *instance,
                                       tm_health_fn fn, void *app, struct tm_ops **out,
                                       struct tm_err *err);
/* Stops and frees. NULL-safe. */
void tm_ops_stop(struct tm_ops *ops);

#endif
