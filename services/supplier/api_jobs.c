/* services/supplier/api_jobs.c — the catalogue-refresh job and the breaker
 * events. The job runs every job-catalogue-refresh seconds on one instance
 * (the runner's advisory lock); a fetch is a few seconds at worst
 * (timeout_ms times attempts) per supplier, and a supplier behind an open
 * breaker costs nothing, so one run over every supplier is bounded. The
 * breaker event is written on a connection of its own: the listener runs
 * on whatever thread made the call, which may hold a transaction that
 * fails later, and the state change happened regardless. */
#include "services/supplier/api_jobs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/db.h"
#include "common/json.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/topic.h"
#include "common/url.h"

#include "services/supplier/api_decode.h"
#include "services/supplier/catalogue_store.h"
#include "services/supplier/decode.h"
#include "services/supplier/handlers.h"
#include "services/supplier/store.h"

#define SOURCES_PAGE 100
#define EVENT_DB_WAIT_MS 1000

/* Refreshes one supplier's cache; TM_OK unless the database failed. */
static enum tm_code
refresh_one(const struct sup_app *a, PGconn *db, const struct sup_cat_source *src, int64_t *rows,
            struct tm_err *err)
{
    const struct sup_api_target t = {src->supplier_id, src->api_url,
                                     src->api_key[0] ? src->api_key : NULL, 0};
    struct sup_api_catalogue c;
    struct tm_err e = {0};
    enum tm_code rc;

    if (!tm_url_allowed(src->api_url, a->cfg->api_hosts))
        return sup_cat_failed(db, src->supplier_id, "api_url not on the allow-list (api-hosts)",
                              err);
    if (sup_api_catalogue(a->api, &t, &c, &e) != TM_OK) {
        tm_log_warn(NULL, "catalogue.refresh_failed", "supplier=%" PRId64 " error=\"%s\"",
                    src->supplier_id, e.message);
        return sup_cat_failed(db, src->supplier_id, e.message, err);
    }
    if ((rc = sup_cat_store(db, src->supplier_id, &c, err)) == TM_OK)
        (*rows)++;
    sup_api_catalogue_fini(&c);
    return rc;
}

enum tm_code
sup_job_catalogue_refresh(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct sup_app *a = app;
    struct sup_cat_source *src = NULL;
    int64_t after = 0;
    int n = 0;
    enum tm_code rc = TM_OK;

    *rows = 0;
    if (!a->api)
        return tm_err_set(err, TM_UNAVAIL, NULL, "the supplier API client is not started");
    src = tm_xmalloc(SOURCES_PAGE * sizeof *src);
    do {
        if ((rc = sup_cat_sources(db, after, SOURCES_PAGE, src, &n, err)) != TM_OK)
            break;
        for (int i = 0; i < n && rc == TM_OK; i++)
            rc = refresh_one(a, db, &src[i], rows, err);
        if (n > 0)
            after = src[n - 1].supplier_id;
    } while (rc == TM_OK && n == SOURCES_PAGE);
    free(src);
    return rc;
}

void
sup_breaker_event(void *app, int64_t supplier_id, enum sup_breaker_state from,
                  enum sup_breaker_state to)
{
    const struct sup_app *a = app;
    struct tm_buf data;
    PGconn *db = NULL;
    struct tm_err err = {0};
    enum tm_code rc;

    tm_buf_init(&data, 256);
    if ((rc = tm_buf_printf(&data, "{\"supplier_id\":%" PRId64, supplier_id)) == TM_OK &&
        (rc = tm_json_kv_str(&data, "from", sup_breaker_state_name(from), 0)) == TM_OK &&
        (rc = tm_json_kv_str(&data, "to", sup_breaker_state_name(to), 0)) == TM_OK &&
        (rc = tm_json_kv_str(&data, "instance", a->instance ? a->instance : "", 0)) == TM_OK)
        rc = tm_buf_adds(&data, "}");
    if (rc != TM_OK || !a->db)
        goto out;
    if ((rc = tm_db_acquire(a->db, EVENT_DB_WAIT_MS, &db, &err)) != TM_OK)
        goto out;
    if ((rc = tm_db_begin(db, &err)) == TM_OK &&
        (rc = tm_outbox_add(db, &sup_outbox, tm_topic_name(TM_TOPIC_SUPPLIER_API_CIRCUIT), data.p,
                            &err)) == TM_OK)
        rc = tm_db_commit(db, &err);
    if (rc != TM_OK)
        tm_db_rollback(db);
    tm_db_release(a->db, db);
out:
    tm_buf_fini(&data);
    if (rc != TM_OK)
        tm_log_error(NULL, "supplier_api.circuit_event_lost",
                     "supplier=%" PRId64 " from=%s to=%s error=\"%s\"", supplier_id,
                     sup_breaker_state_name(from), sup_breaker_state_name(to), err.message);
}
