/* services/inventory/incoming_store.c — see incoming_store.h. */
#include "services/inventory/incoming_store.h"

#include "common/db.h"

enum tm_code
inv_db_incoming_po_add(PGconn *db, int64_t po_id, int64_t store_id, int64_t product_id,
                       int64_t delta, struct tm_err *err)
{
    struct tm_db_int o, s, p, d;
    const char *params[4] = {tm_db_int(&o, po_id), tm_db_int(&s, store_id),
                             tm_db_int(&p, product_id), tm_db_int(&d, delta)};
    enum tm_code rc =
        tm_db_exec(db,
                   "INSERT INTO inventory.incoming_po (po_id, store_id, product_id, units)"
                   " VALUES ($1::bigint, $2::bigint, $3::bigint, GREATEST(0, $4::bigint))"
                   " ON CONFLICT (po_id, product_id)"
                   " DO UPDATE SET units = GREATEST(0, inventory.incoming_po.units + $4::bigint)",
                   4, params, NULL, err);

    if (rc == TM_OK)
        rc = tm_db_exec(db,
                        "DELETE FROM inventory.incoming_po"
                        " WHERE po_id = $1::bigint AND product_id = $2::bigint AND units = 0",
                        2, (const char *const[]){params[0], params[2]}, NULL, err);
    return rc;
}

enum tm_code
inv_db_incoming_po_expected(PGconn *db, int64_t po_id, const char *expected_delivery,
                            struct tm_err *err)
{
    struct tm_db_int o;
    const char *params[2] = {tm_db_int(&o, po_id), expected_delivery};

    return tm_db_exec(db,
                      "UPDATE inventory.incoming_po SET expected_delivery = $2::date"
                      " WHERE po_id = $1::bigint",
                      2, params, NULL, err);
}

enum tm_code
inv_db_incoming_due(PGconn *db, int64_t store_id, int64_t product_id, int64_t by_day, int64_t *out,
                    struct tm_err *err)
{
    struct tm_db_int s, p, d;
    const char *params[3] = {tm_db_int(&s, store_id), tm_db_int(&p, product_id),
                             tm_db_int(&d, by_day)};

    return tm_db_i64_one(db,
                         "SELECT GREATEST(0, coalesce((SELECT incoming FROM inventory.stock"
                         "   WHERE store_id = $1::bigint AND product_id = $2::bigint), 0)"
                         " - coalesce((SELECT sum(units) FROM inventory.incoming_po"
                         "   WHERE store_id = $1::bigint AND product_id = $2::bigint"
                         "   AND expected_delivery > DATE '1970-01-01' + $3::int), 0))::bigint",
                         3, params, out, err);
}
