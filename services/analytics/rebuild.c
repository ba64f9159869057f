/* services/analytics/rebuild.c — the `rebuild` job: the sales read models
 * emptied and tm-txn's events replayed from its outbox. Replaying from the
 * first event is only right while tm-txn still keeps it: an outbox trimmed
 * by retention (TM_OUTBOX_RETENTION_S) would leave the subscriber stuck at
 * the hole and the read models short of the trimmed sales, so the job asks
 * tm-txn first and refuses rather than lose them. The catalogue and stores
 * copy is not emptied: it holds current state, not history, and replaying
 * inventory from 0 would stall at any hole its retention left. */
#include <inttypes.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/call.h"
#include "common/json.h"
#include "common/outbox.h"

#include "services/analytics/handlers.h"
#include "services/analytics/sales_store.h"

/* The first event tm-txn's outbox holds, into *first (0: none yet). */
static enum tm_code
txn_first_kept(struct tm_bus_client *txn, int64_t *first, struct tm_err *err)
{
    struct tm_request req;
    struct tm_buf body;
    cJSON *root = NULL;
    const cJSON *events;
    int status = 0;
    enum tm_code rc;

    *first = 0;
    tm_call_request(&req, "tm-analytics-rebuild", TM_REPLAY_METHOD, "/_events", "/_events", NULL,
                    NULL);
    req.query[0] = (struct tm_kv){"after", "0"};
    req.query[1] = (struct tm_kv){"limit", "1"};
    req.n_query = 2;
    tm_buf_init(&body, 1 << 20);
    rc = tm_call(txn, &req, &status, &body, err);
    if (rc == TM_OK && status != 200)
        rc = tm_err_set(err, TM_UNAVAIL, NULL, "tm-txn answered the replay with %d", status);
    if (rc == TM_OK &&
        (rc = tm_json_parse_object(body.p, body.len, "replay", &root, err)) == TM_OK) {
        events = cJSON_GetObjectItem(root, "events");
        if (!cJSON_IsArray(events))
            rc = tm_err_set(err, TM_UNAVAIL, NULL, "tm-txn's replay has no events array");
        else if (cJSON_GetArraySize(events) > 0)
            rc = tm_json_i64(cJSON_GetArrayItem(events, 0), "seq", 1, INT64_MAX, first, err);
    }
    cJSON_Delete(root);
    tm_buf_fini(&body);
    return rc;
}

enum tm_code
an_job_rebuild(void *app, PGconn *db, int64_t *rows, struct tm_err *err)
{
    const struct an_app *a = app;
    int64_t first = 0;
    enum tm_code rc;

    if (!a->env || !a->env->peers[0])
        return tm_err_set(err, TM_UNAVAIL, NULL, "not started yet");
    if ((rc = txn_first_kept(a->env->peers[0], &first, err)) != TM_OK)
        return rc;
    if (first > 1)
        return tm_err_set(err, TM_CONFLICT, NULL,
                          "tm-txn keeps its events from seq %" PRId64
                          " on (retention): a replay would lose the sales before it",
                          first);
    return an_db_rebuild(db, "txn", rows, err);
}
