/* services/alerts/notify_handlers.c — the delivery log route
 * (notify_handlers.h). */
#include "services/alerts/notify_handlers.h"

#include "services/alerts/alert_store.h"
#include "services/alerts/notify_store.h"

enum tm_code
al_h_alert_notifications(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    char scope[8];
    int64_t id, store_id = 0;
    enum tm_code rc;

    if ((rc = tm_ctx_param_id(ctx, "id", &id, err)) != TM_OK ||
        (rc = al_db_alert_store(ctx->db, id, AL_FIND_DELETED, &store_id, err)) != TM_OK)
        return rc;
    /* as the alert itself: another store's, or a store-less one for a
     * store-scoped role, is an alert that does not exist */
    if (store_id > 0)
        rc = tm_ctx_may_see(ctx, &store_id, 1, "id", "alert", err);
    else if (tm_ctx_store_scope(ctx, scope, sizeof scope))
        rc = tm_err_set(err, TM_NOTFOUND, "id", "no alert with this id");
    return rc == TM_OK ? al_ns_list(ctx->db, id, &rep->body, err) : rc;
}
