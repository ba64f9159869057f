/* services/gateway/audit.h — the audit log's API and upkeep: the log and
 * the anonymous refusal counters for admins (JSON pages, or NDJSON/CSV
 * pages for export), and the gateway's scheduled jobs (audit retention,
 * expired revocations) run by common/jobs. Handlers of the gateway's own
 * router; ctx->app is the struct gw_app. */
#ifndef TM_GATEWAY_AUDIT_H
#define TM_GATEWAY_AUDIT_H

#include "common/jobs.h"
#include "common/router.h"

#include "services/gateway/app.h"

#define GW_JOBS_N 2
#define GW_AUDIT_PRUNE_BATCH 100000 /* audit rows one retention run deletes, at most */

/* GET /api/v1/audit: filters principal, path_prefix, status, from, to;
 * format json (default; csv when Accept names text/csv), ndjson or csv; cursor paging
 * (X-Next-Cursor for ndjson and csv). */
TM_MUSTCHECK enum tm_code gw_h_audit_list(struct tm_ctx *ctx, struct tm_reply *rep,
                                          struct tm_err *err);
/* GET /api/v1/audit/refusals: filters source_addr, status, from, to;
 * formats and paging as gw_h_audit_list. */
TM_MUSTCHECK enum tm_code gw_h_audit_refusals(struct tm_ctx *ctx, struct tm_reply *rep,
                                              struct tm_err *err);
/* Fills jobs[GW_JOBS_N] from cfg: "audit-retention" (every
 * audit_retention_interval_s; deletes what is older than
 * audit_retention_days, nothing when 0) and "revocations-cleanup" (hourly). */
void gw_jobs_init(const struct gw_cfg *cfg, struct tm_job jobs[GW_JOBS_N]);

#endif
