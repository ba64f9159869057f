/* services/alerts/notify_handlers.c — the delivery log route
 * (notify_handlers.h). */
#include "services/alerts/notify_handlers.h"

#include "services/alerts/alert_handlers.h"
#include "services/alerts/alert_store.h"
#include "services/alerts/notify_store.h"

enum tm_code
al_h_alert_notifications(struct tm_ctx *ctx, struct tm_reply *rep, struct tm_err *err)
{
    int64_t id;
    /* judged as the alert itself; a deleted alert's log stays readable */
    enum tm_code rc = al_alert_of(ctx, AL_FIND_DELETED, &id, err);

    return rc == TM_OK ? al_ns_list(ctx->db, id, &rep->body, err) : rc;
}
