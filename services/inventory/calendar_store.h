/* services/inventory/calendar_store.h — the SQL of what is known in advance
 * (sql/inventory/0012_calendar_promotions.sql): calendar events and
 * promotions written, listed, deleted and ended, and what a store ×
 * product forecast reads of them. Functions run on the caller's connection
 * (in its transaction when it has one). Events and promotions are answered
 * as JSON documents built by the database (CalendarEvent and Promotion in
 * proto/openapi.json). One that is not there is TM_NOTFOUND naming "id".
 * Every write marks the levels it touches due for a forecast refresh when
 * its days fall within the forecasts' window (the history and the longest
 * horizon), in the same transaction. Prefix inv_db_cal_ / inv_db_promo_. */
#ifndef TM_INVENTORY_CALENDAR_STORE_H
#define TM_INVENTORY_CALENDAR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#include "services/inventory/calendar_decode.h"
#include "services/inventory/forecast_known.h"

#define INV_CAL_SCOPE_MAX 4096 /* a scoped role's stores as an array literal */

/* A list's filters: days overlapping first_day..last_day (0: open), one
 * store's (store_id: its own and every store's; 0: any), a product's
 * (promotions), and a scoped role's stores (store_scope: an array literal,
 * NULL for every store; every-store rows are always in it). */
struct inv_cal_filter {
    int64_t store_id, product_id;
    int64_t first_day, last_day;
    const char *store_scope;
};

/* Records e by `by` (a principal); *id and out get its id and document. */
TM_MUSTCHECK enum tm_code inv_db_cal_add(PGconn *db, const struct inv_cal_event *e, const char *by,
                                         int64_t *id, struct tm_buf *out, struct tm_err *err);
/* A page of events, by id, as {"items","next_cursor"} into out. */
TM_MUSTCHECK enum tm_code inv_db_cal_list(PGconn *db, const struct inv_cal_filter *f,
                                          const struct tm_page *pg, struct tm_buf *out,
                                          struct tm_err *err);
/* Event id's store (0: every store), its row locked for the caller's
 * transaction. */
TM_MUSTCHECK enum tm_code inv_db_cal_store_of(PGconn *db, int64_t id, int64_t *store_id,
                                              struct tm_err *err);
/* Deletes event id; out gets the document it had. */
TM_MUSTCHECK enum tm_code inv_db_cal_delete(PGconn *db, int64_t id, struct tm_buf *out,
                                            struct tm_err *err);

/* Records p, whose product's regular price is regular_price_cents; *id
 * and out get its id and document. */
TM_MUSTCHECK enum tm_code inv_db_promo_add(PGconn *db, const struct inv_promo *p,
                                           int64_t regular_price_cents, const char *by, int64_t *id,
                                           struct tm_buf *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_promo_list(PGconn *db, const struct inv_cal_filter *f,
                                            const struct tm_page *pg, struct tm_buf *out,
                                            struct tm_err *err);
/* Promotion id's document into out and its store (0: every store). */
TM_MUSTCHECK enum tm_code inv_db_promo_get(PGconn *db, int64_t id, int64_t *store_id,
                                           struct tm_buf *out, struct tm_err *err);
/* Ends promotion id: one that has begun (UTC) runs through yesterday, one
 * that has not is cancelled. TM_CONFLICT (field "id") when it has already
 * ended or been cancelled; out gets its document after. */
TM_MUSTCHECK enum tm_code inv_db_promo_end(PGconn *db, int64_t id, struct tm_buf *out,
                                           struct tm_err *err);

/* What the series of product_id at store_id knows of days
 * first_day..last_day: the store's holiday country (enum fc_country's
 * code, "" none) into country[size], its events (its own and every
 * store's) into ev[0..FC_KNOWN_EVENTS_MAX) and the product's promotions
 * there (its own and every store's, not cancelled) into
 * pr[0..FC_KNOWN_PROMOS_MAX), the latest first when there are more. */
TM_MUSTCHECK enum tm_code inv_db_known(PGconn *db, int64_t store_id, int64_t product_id,
                                       int64_t first_day, int64_t last_day, char *country,
                                       size_t size, struct fc_known_event *ev, int *n_ev,
                                       struct fc_known_promo *pr, int *n_pr, struct tm_err *err);

#endif
