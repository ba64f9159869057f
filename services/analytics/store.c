/* services/analytics/store.c — SQL for the catalogue read copy. Upserts
 * take every field as text parameters; the event's data is the entity as
 * inventory's API shows it. */
#include "services/analytics/store.h"

#include <stdio.h>

#include "common/db.h"

enum tm_code
an_db_upsert_category(PGconn *db, const char *const *f, struct tm_err *err)
{
    return tm_db_exec(db,
                      "INSERT INTO analytics.categories (id, name, parent_id, active, updated_at)"
                      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET"
                      " name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,"
                      " active = EXCLUDED.active, updated_at = EXCLUDED.updated_at",
                      5, f, NULL, err);
}

enum tm_code
an_db_upsert_product(PGconn *db, const char *const *f, struct tm_err *err)
{
    return tm_db_exec(db,
                      "INSERT INTO analytics.products (id, sku, name, category_id,"
                      " unit_price_cents, unit_cost_cents, active, updated_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET"
                      " sku = EXCLUDED.sku, name = EXCLUDED.name,"
                      " category_id = EXCLUDED.category_id,"
                      " unit_price_cents = EXCLUDED.unit_price_cents,"
                      " unit_cost_cents = EXCLUDED.unit_cost_cents, active = EXCLUDED.active,"
                      " updated_at = EXCLUDED.updated_at, applied_at = now()",
                      8, f, NULL, err);
}

enum tm_code
an_db_upsert_store(PGconn *db, const char *const *f, struct tm_err *err)
{
    return tm_db_exec(db,
                      "INSERT INTO analytics.stores (id, code, name, time_zone, active,"
                      " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                      " ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name,"
                      " time_zone = EXCLUDED.time_zone, active = EXCLUDED.active,"
                      " created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at",
                      7, f, NULL, err);
}

enum tm_code
an_db_applied(PGconn *db, const char *source, int64_t *seq, char *at, size_t at_size,
              struct tm_err *err)
{
    const char *params[1] = {source};
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT last_seq, to_char(applied_at AT TIME ZONE 'UTC', "
                                 "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                                 " FROM analytics.inbox WHERE source = $1",
                                 1, params, &r, err);

    *seq = 0;
    snprintf(at, at_size, "%s", "");
    if (rc == TM_OK && PQntuples(r) == 1) {
        *seq = tm_db_i64(r, 0, 0);
        tm_db_copy(at, at_size, r, 0, 1);
    }
    PQclear(r);
    return rc;
}

enum tm_code
an_db_counts(PGconn *db, int64_t *products, int64_t *categories, struct tm_err *err)
{
    PGresult *r = NULL;
    enum tm_code rc = tm_db_exec(db,
                                 "SELECT (SELECT count(*) FROM analytics.products),"
                                 " (SELECT count(*) FROM analytics.categories)",
                                 0, NULL, &r, err);

    if (rc == TM_OK) {
        *products = tm_db_i64(r, 0, 0);
        *categories = tm_db_i64(r, 0, 1);
    }
    PQclear(r);
    return rc;
}
