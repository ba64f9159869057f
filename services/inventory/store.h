/* services/inventory/store.h — tm-inventory's SQL, and the only code that
 * touches the `inventory` schema. Functions take a connection the caller
 * holds (inside the router's transaction for writes), fill plain structs from
 * catalog.h, and translate database errors into codes naming the client's
 * field: a duplicate sku or store code is TM_CONFLICT, an unknown category or
 * time zone TM_INVALID, a missing row TM_NOTFOUND. Prefix inv_db_. */
#ifndef TM_INVENTORY_STORE_H
#define TM_INVENTORY_STORE_H

#include <postgresql/libpq-fe.h>

#include "common/err.h"
#include "common/jobs.h"
#include "common/outbox.h"
#include "common/page.h"

#include "services/inventory/catalog.h"

struct inv_filter {
    int64_t category_id; /* products: 0 = any */
    const char *q;       /* text search on name (and sku/code); NULL = any */
    int active;          /* -1 any, 0 inactive, 1 active */
};

/* Creates c; on TM_OK c->id and the timestamps are set. */
TM_MUSTCHECK enum tm_code inv_db_category_create(PGconn *db, struct inv_category *c,
                                                 struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_category_get(PGconn *db, int64_t id, struct inv_category *out,
                                              struct tm_err *err);
/* Sets the fields of `in` named in `set` on category id; *out is the result. */
TM_MUSTCHECK enum tm_code inv_db_category_update(PGconn *db, int64_t id,
                                                 const struct inv_category *in, unsigned set,
                                                 struct inv_category *out, struct tm_err *err);
/* Up to pg->limit + 1 rows after pg->after_id into out[] (room for limit + 1);
 * *n is how many; one more than limit means there is a next page. */
TM_MUSTCHECK enum tm_code inv_db_category_list(PGconn *db, const struct inv_filter *f,
                                               const struct tm_page *pg, struct inv_category *out,
                                               int *n, struct tm_err *err);

TM_MUSTCHECK enum tm_code inv_db_product_create(PGconn *db, struct inv_product *p,
                                                struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_product_get(PGconn *db, int64_t id, struct inv_product *out,
                                             struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_product_update(PGconn *db, int64_t id,
                                                const struct inv_product *in, unsigned set,
                                                struct inv_product *out, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_product_list(PGconn *db, const struct inv_filter *f,
                                              const struct tm_page *pg, struct inv_product *out,
                                              int *n, struct tm_err *err);

TM_MUSTCHECK enum tm_code inv_db_store_create(PGconn *db, struct inv_store *s, struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_store_get(PGconn *db, int64_t id, struct inv_store *out,
                                           struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_store_update(PGconn *db, int64_t id, const struct inv_store *in,
                                              unsigned set, struct inv_store *out,
                                              struct tm_err *err);
TM_MUSTCHECK enum tm_code inv_db_store_list(PGconn *db, const struct inv_filter *f,
                                            const struct tm_page *pg, struct inv_store *out, int *n,
                                            struct tm_err *err);

/* tm-inventory's outbox (sql/plumbing/outbox.sql in the inventory schema). */
extern const struct tm_outbox inv_outbox;

/* Counts rows, for the seeder's "already loaded" check. */
TM_MUSTCHECK enum tm_code inv_db_count_products(PGconn *db, int64_t *out, struct tm_err *err);

#endif
