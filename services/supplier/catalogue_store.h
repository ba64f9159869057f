/* services/supplier/catalogue_store.h — the SQL of tm-supplier's catalogue
 * cache (sql/supplier/0003_catalogue.sql): the suppliers to refresh, a good
 * fetch replacing a supplier's cached items, a failed one recorded beside
 * them (the items are kept), and the cache as GET
 * /api/v1/suppliers/{id}/catalogue shows it. Writes run in the caller's
 * transaction. Stateless; thread-safe with one connection per thread. */
#ifndef TM_SUPPLIER_CATALOGUE_STORE_H
#define TM_SUPPLIER_CATALOGUE_STORE_H

#include <stdint.h>

#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/page.h"

#include "services/supplier/api_decode.h"
#include "services/supplier/decode.h"

#define SUP_CAT_ERROR_MAX 300 /* bytes of a failed refresh's error kept */

/* A supplier whose catalogue is refreshed: active, with an api_url. */
struct sup_cat_source {
    int64_t supplier_id;
    char api_url[SUP_URL_MAX + 1];
    char api_key[SUP_KEY_MAX + 1]; /* "" when it has none */
};

/* Up to max active suppliers with an api_url and an id above after_id, by
 * id, into out[0..*n). */
TM_MUSTCHECK enum tm_code sup_cat_sources(PGconn *db, int64_t after_id, int max,
                                          struct sup_cat_source *out, int *n, struct tm_err *err);

/* Replaces supplier sid's cached price list with c (fetched now; the last
 * error cleared). */
TM_MUSTCHECK enum tm_code sup_cat_store(PGconn *db, int64_t sid, const struct sup_api_catalogue *c,
                                        struct tm_err *err);

/* Records that refreshing sid's price list failed now with `error` (cut to
 * SUP_CAT_ERROR_MAX bytes); the cached items stay. */
TM_MUSTCHECK enum tm_code sup_cat_failed(PGconn *db, int64_t sid, const char *error,
                                         struct tm_err *err);

/* Appends {"supplier_id","currency","as_of","fetched_at","age_s","stale",
 * "last_error","attempted_at","n_items","items":[...],"next_cursor"} for a
 * page of sid's cached items (by product id) to out. stale is true when the
 * last refresh failed, nothing was ever fetched, or the fetch is older than
 * stale_after_s. TM_NOTFOUND (id) when there is no supplier sid. */
TM_MUSTCHECK enum tm_code sup_cat_get(PGconn *db, int64_t sid, int stale_after_s,
                                      const struct tm_page *pg, struct tm_buf *out,
                                      struct tm_err *err);

#endif
