/* proto/limits.h — sizes that cross a process boundary. Part of the written
 * contract (proto/envelope.md); a peer may refuse anything larger. */
#ifndef TM_PROTO_LIMITS_H
#define TM_PROTO_LIMITS_H

#define TM_ENVELOPE_VERSION 1
#define TM_RID_MAX 64           /* request id bytes: [A-Za-z0-9._-] */
#define TM_METHOD_MAX 8         /* "DELETE" */
#define TM_ROUTE_MAX 128        /* route template, "/api/v1/products/{id}" */
#define TM_PATH_MAX 512         /* request path as received */
#define TM_PARAMS_MAX 8         /* path parameters per route */
#define TM_QUERY_MAX 32         /* query parameters per request */
#define TM_QUERY_VALUE_MAX 256  /* bytes of one decoded query value */
#define TM_PRINCIPAL_ID_MAX 64  /* user or API key id */
#define TM_ROLE_MAX 32          /* role name */
#define TM_STORES_TEXT_MAX 1400 /* a principal's store ids, comma-separated (64 ids) */
#define TM_TOKEN_ID_MAX 32      /* an access token's jti */
#define TM_SESSION_ID_MAX 64    /* an access token's session (refresh family) */
#define TM_CONTENT_TYPE_MAX 63  /* a reply's media type, when not JSON */
#define TM_CURSOR_MAX 31        /* a reply's next page cursor, sent as a header */
/* A streamed export (proto/envelope.md `more`): rows a page holds at most,
 * and rows the whole export may hold (a service refuses more with 413). */
#define TM_STREAM_PAGE_ROWS 2000
#define TM_STREAM_ROWS_MAX 1000000
#define TM_TARGET_MAX 127  /* a reply's audit target */
#define TM_IDEM_KEY_MAX 64 /* Idempotency-Key header bytes: [A-Za-z0-9._:-] */
#define TM_SEARCH_MAX 100  /* bytes of a list's ?q= text search (matched literally) */
/* The supplier choice's policies by name (GET /api/v1/supplier-choice
 * ?policy=): tm-supplier's sup_policy_names, and what tm-inventory's
 * reorder-supplier-policy setting is checked against at start. */
#define TM_SUPPLIER_POLICY_NAMES "cheapest", "fastest", "most_reliable", "preferred", "weighted"
/* Deepest nesting of arrays and objects any JSON decoder accepts (bodies,
 * envelopes, events, replies), checked on the raw bytes before the recursive
 * parser runs: cJSON recurses once per level, and a civetweb worker thread
 * has TM_HTTP_STACK_SIZE bytes of stack (common/http.h), which ~16 levels
 * use a few KiB of. Deeper input is 400 invalid. */
#define TM_JSON_DEPTH_MAX 16
/* Stock-commit sale ids of tm-txn's sales ("txn-<sale id>"): tm-inventory
 * takes and reverses them only for a principal of kind "service". */
#define TM_TXN_SALE_PREFIX "txn-"
/* Demand forecasts (docs/forecasting.md): horizon_days is 1..this, and a
 * series is read from this many whole UTC days of the stock ledger. They
 * bound what a forecast request holds (tm-inventory's struct fc_work). */
#define TM_FORECAST_HORIZON_MAX 90
#define TM_FORECAST_HISTORY_DAYS 730
#define TM_BODY_MAX (1 << 20)    /* request body bytes accepted by the gateway */
#define TM_MESSAGE_MAX (4 << 20) /* largest envelope on the bus, either way */

#endif
