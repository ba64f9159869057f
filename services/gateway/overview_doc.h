/* services/gateway/overview_doc.h — the dashboard overview's document: the
 * four daemons' answers (tm-analytics' summary, tm-inventory's stock
 * summary, tm-txn's review queue, tm-alerts' summary) decoded and merged into the one answer of
 * GET /api/v1/dashboard/overview, the cache key of a caller's store scope,
 * the cache's value format and which event topics change an overview.
 * No I/O, no clock, no state: time comes in as arguments; thread-safe.
 * tests/fuzz/gateway_fuzz.c runs gw_ov_merge on its inputs. */
#ifndef TM_GATEWAY_OVERVIEW_DOC_H
#define TM_GATEWAY_OVERVIEW_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/perm.h"

#include "proto/limits.h"

/* The daemons asked, in this order (gw_ov_part_names). */
enum gw_ov_part { GW_OV_ANALYTICS, GW_OV_INVENTORY, GW_OV_TXN, GW_OV_ALERTS, GW_OV_PARTS };
extern const char *const gw_ov_part_names[GW_OV_PARTS];

/* A part's answer as the fan-out got it. */
enum gw_ov_outcome {
    GW_OV_OK,            /* answered 200: body holds its JSON */
    GW_OV_TIMEOUT,       /* no answer before its deadline */
    GW_OV_DOWN,          /* no instance took the request */
    GW_OV_ERROR,         /* answered, but not 200 */
    GW_OV_NOT_PERMITTED, /* not asked: the caller's role lacks the permission its
                          * route needs; null, but not missing (not partial) */
};

struct gw_ov_reply {
    enum gw_ov_outcome outcome;
    const char *body; /* borrowed; GW_OV_OK only */
    size_t len;
};

/* What the merge tells the cache: whether the answer is partial, and
 * what tm-analytics had applied of each source when it answered (the
 * summary's "applied"), for the race rule. */
#define GW_OV_SOURCES_MAX 8
#define GW_OV_SOURCE_MAX 32
struct gw_ov_facts {
    int partial; /* 1: a daemon's numbers are missing */
    int n;       /* sources in applied */
    char source[GW_OV_SOURCES_MAX][GW_OV_SOURCE_MAX];
    int64_t seq[GW_OV_SOURCES_MAX];
};

/* A scope key: "all", or "s:" and the sorted store ids ("s:3,11"), then
 * "@<store_id>" when the request names one, then "#" and the parts the
 * caller may see (gw_ov_permitted, in decimal: "all@4#7"). */
#define GW_OV_SCOPE_MAX (TM_STORES_TEXT_MAX + 32)
#define GW_OV_STORES_MAX 64 /* ids in a scope: a principal's stores (TM_STORES_TEXT_MAX's 64) */

/* The parts a caller of role `role` (its wire name) may see: bit p set
 * when the role holds need[p], the permission the gateway's route table
 * (routes.h) requires of part p's route. 0 for an unknown role. The
 * overview asks only these parts; the others are GW_OV_NOT_PERMITTED. */
unsigned gw_ov_permitted(const char *role, const enum tm_perm need[GW_OV_PARTS]);

/* The key of a caller's scope: scope is NULL for a role that sees every
 * store, else the PostgreSQL array literal of its stores ("{11,3}",
 * tm_ctx_store_scope's); store_id 0 when the request names none; permitted
 * the caller's gw_ov_permitted (the document differs with it). Callers with
 * the same stores and the same permitted parts share a key, whoever they
 * are. TM_INVALID (field "stores") for a literal that is not one of ids;
 * TM_TOOBIG for more than GW_OV_STORES_MAX ids or when out is short. */
TM_MUSTCHECK enum tm_code gw_ov_scope_key(const char *scope, int64_t store_id, unsigned permitted,
                                          char *out, size_t size, struct tm_err *err);

/* Merges the parts into the overview document, appended to out:
 * {"store_id", "today", "last_24h", "top_products", "hourly" (the
 * summary's, as they are), "low_stock", "out_of_stock" (inventory's),
 * "waiting_review" (txn's), "open_alerts" (alerts': its summary's "open"),
 * "partial", "missing" (the daemons whose numbers are null for want of
 * an answer), "sources" (each daemon's outcome: "not_permitted" for a part
 * the caller may not see, whose numbers are null but which is neither
 * missing nor makes the answer partial), "generated_at"}. A part that answered with a
 * body that does not decode counts as missing ("bad_reply"). *facts has
 * partial and the summary's "applied" (n = 0 when the summary is missing). TM_TOOBIG
 * when out is full; nothing else fails. */
TM_MUSTCHECK enum tm_code gw_ov_merge(const struct gw_ov_reply r[GW_OV_PARTS], int64_t store_id,
                                      const char *generated_at, struct tm_buf *out,
                                      struct gw_ov_facts *facts, struct tm_err *err);

/* 1 when an event of this topic may change an overview number: sales
 * (txn.created, .voided, .reviewed, .declined), stock (stock.changed, .low,
 * .out), alerts (alert.fired, .acknowledged, .resolved), the catalogue
 * and stores the summary names or counts in local time (product.*,
 * category.*, store.*). */
int gw_ov_topic_drops(const char *topic);

/* The cache's value: the minute it was made and the summary's applied
 * seqs ("<minute> txn:42,inventory:17\n"), then the document. The
 * summary's windows (today, the last 24 h) move with the clock, so a value
 * is served only in the minute it was made; events drop it sooner. The
 * seqs tell a gateway whether the value already counts every event it has
 * heard (overview.c keeps such values in memory). */
TM_MUSTCHECK enum tm_code gw_ov_pack(int64_t minute, const struct gw_ov_facts *facts,
                                     const char *doc, size_t len, struct tm_buf *out);
/* The document of val[len] when it was made in `minute` (*doc points into
 * val) and its applied seqs into *facts; 0 when it is from another minute
 * or malformed. */
int gw_ov_unpack(const char *val, size_t len, int64_t minute, struct gw_ov_facts *facts,
                 const char **doc, size_t *doc_len);

#endif
