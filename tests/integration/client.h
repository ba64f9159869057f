/* tests/integration/client.h — what the integration tests share: the stack's
 * addresses (from the environment deploy/run-tests.sh sets) and a small HTTP
 * client over civetweb's, speaking to nginx like any API user. */
#ifndef TM_TESTS_INTEGRATION_CLIENT_H
#define TM_TESTS_INTEGRATION_CLIENT_H

#include <stddef.h>

#include <check.h>
#include <cjson/cJSON.h>
#include <postgresql/libpq-fe.h>

struct stack {
    int http_port;    /* nginx */
    int gw_ops_port;  /* gateway #1 ops port */
    int inv_ops_port; /* inventory #1 ops port */
    const char *run_dir;
    const char *root; /* repository */
    const char *bin;  /* our binaries */
    const char *db_url;
    const char *redis_url;
    int n_inventory;
    int gw_ports[2];        /* the two gateways, for direct requests */
    const char *jwt_secret; /* the stack's signing key, to forge test tokens */
    char token[8][2048];    /* access tokens by role index (see client.c), [0] admin */
};

/* Roles of the sample users, in st.token order. */
extern const char *const test_roles[6];

extern struct stack st;

struct resp {
    int status;
    char *body; /* NUL-terminated, owned */
    size_t len;
    cJSON *json;                /* parsed body or NULL, owned */
    char rid[128];              /* X-Request-Id */
    char ptime[64];             /* X-Process-Time */
    char encoding[32];          /* Content-Encoding */
    char acao[128];             /* Access-Control-Allow-Origin */
    int retry_after;            /* Retry-After, -1 when absent */
    int rl_limit, rl_remaining; /* X-RateLimit-Limit / -Remaining, -1 when absent */
    char ctype[64];             /* Content-Type */
    char next_cursor[64];       /* X-Next-Cursor */
    char transfer_encoding[32]; /* Transfer-Encoding ("chunked": the body is decoded) */
};

/* Sends method path [body] to nginx (or to port when not 0); extra is ""
 * or header lines ending in \r\n. Returns 0 on a complete response.
 * http_raw sends exactly that; http_port adds the admin's token unless
 * extra carries credentials; http is http_port to nginx with no extra. */
int http_raw(int port, const char *method, const char *path, const char *body, const char *extra,
             struct resp *out);
int http_port(int port, const char *method, const char *path, const char *body, const char *extra,
              struct resp *out);
int http(const char *method, const char *path, const char *body, struct resp *out);
/* POST path (a job's /run, as the admin) now, asked again every 200 ms for
 * up to 10 s while another run holds the job (409: a scheduled run, on any
 * instance, may have begun before what the test just wrote). Returns as
 * http; *out is the last answer. */
int job_run(const char *path, struct resp *out);
/* As http, with token (NULL: no credentials). */
int http_as(const char *token, const char *method, const char *path, const char *body,
            struct resp *out);
/* Logs in; returns 0 and the access and refresh tokens on 200. */
int login(const char *email, const char *password, char *access, size_t asize, char *refresh,
          size_t rsize);
/* The same straight to gateway #1 as from address addr (X-Forwarded-For):
 * logins from an address of their own do not spend loopback's login limit.
 * addr NULL: login(). */
int login_at(const char *addr, const char *email, const char *password, char *access, size_t asize,
             char *refresh, size_t rsize);
void resp_free(struct resp *r);

/* error.code and error.field of an error body ("" when absent or null). */
const char *err_code(const struct resp *r);
const char *err_field(const struct resp *r);
/* Integer member of the JSON body; -1 when absent. */
long long jint(const struct resp *r, const char *name);
const char *jstr(const struct resp *r, const char *name);

/* Runs a shell command with the stack's environment; returns its exit status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value of a line of gateway #g's (0, 1) /metrics that begins with
 * `series` (a name and its labels, "tm_x_total{outcome=\"hit\"}"); 0 when
 * it has none. */
long long gw_metric(int g, const char *series);
/* Waits (15 s at most, asserted) until gateway #1's /health has every
 * instance of svc ready, then 1.1 s more: the gateways skip an instance
 * that failed for a second. */
void wait_instances_ready(const char *svc, int n);
/* pid of instance N of svc from the run folder, or -1. */
int pid_of(const char *svc, int n);
/* test_signal (tests/support/proc.h) as a test assertion. */
void signal_pid(int pid, int sig);
/* signal_pid for every instance of svc. */
void signal_all(const char *svc, int sig);
/* A store manager's access token for store only, signed in as sub
 * ("user:1"), signed with the stack's key. */
void manager_token_as(const char *sub, long long store, char *out, size_t size);
/* Sleeps while the next boundary offset_ms + k * period_ms (since the
 * epoch, UTC) is less than need_ms away: a test that reads "today" (or
 * this minute) once and compares later starts clear of its turn. UTC
 * midnight: (86400000, 0, N); a minute: (60000, 0, N). */
void wait_clear_of_boundary(int64_t period_ms, int64_t offset_ms, int64_t need_ms);
#define DAY_CLEAR_MS 240000 /* what a day-bound test asks to be clear of midnight */
/* The UTC date days_ago days before now, "2026-11-01", into out. */
void utc_day_text(int days_ago, char *out, size_t size);
/* A token unique to this test run, for names that must not collide. */
const char *run_tag(void);

/* Runs sql on db, which must succeed. */
void exec_ok(PGconn *db, const char *sql);
/* The first column of the first row of sql (run on the stack's database). */
long long sql_int(const char *sql);
/* sql_int over a statement formatted from fmt (values are the test's own). */
long long sql_intf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Waits (up to 20 s) until schema's publisher has numbered every event
 * written so far (common/outbox: writers leave them in <schema>.outbox_pending
 * and the publisher moves them to <schema>.outbox with their seq). */
void events_numbered(const char *schema);
/* An address of its own for call site n (0..150) of this test run, for
 * X-Forwarded-For straight to a gateway: its limits are nobody else's. */
const char *test_addr(int n);
/* POSTs body to path as the admin, expects 201, returns the new id. */
long long create(const char *path, const char *body);
/* A new store / product (unit price 5.00) unique to this run. */
long long new_store(void);
long long new_product(void);
/* A completed cash sale of one unit at 5.00 of product p at store, under
 * Idempotency-Key <run tag>-key; asserts 201 and returns the sale's id. */
long long cash_sale(const char *key, long long store, long long p);
/* POSTs sale body to /api/v1/transactions as the admin under
 * Idempotency-Key <run tag>-key; returns 0 on a complete response. */
int post_sale(const char *key, const char *body, struct resp *r);
/* Publishes a fraud rule set (admin, expects 201); returns its version. */
long long set_rules(const char *doc);
/* Publishes the plain rule set the fraud and txn tests leave behind them
 * (one amount rule; the seed's defaults are version 1). */
void restore_rules(void);
/* Receives qty units of product at store. */
void receive(long long store, long long product, int qty);
/* Waits until tm-txn's copy of the catalogue (fed by inventory's events)
 * holds this store and product. */
void wait_known(long long store, long long product);

/* Asserts the ledger invariant of every level: on hand and reserved equal
 * the sums of its movements (our own SQL: the oracle). */
void assert_stock_ledger(void);
/* Member what ("on_hand", "reserved", ...) of the level (store, product)
 * as GET /api/v1/inventory/{store}/{product} answers it (asserted 200). */
long long stock_level_api(long long store, long long product, const char *what);
/* Column col of the level (store, product), -1 when there is none. */
long long stock_level(const char *col, long long store, long long product);
/* Waits until tm-inventory shows want in col (events are applied within ms). */
void wait_stock_level(const char *col, long long store, long long product, long long want);
Suite *txn_suite(void);
Suite *fraud_suite(void);
Suite *fraud_void_suite(void);
Suite *forecast_suite(void);
Suite *calendar_suite(void);
Suite *catalogue_suite(void);
Suite *input_suite(void);
Suite *edge_suite(void);
Suite *platform_suite(void);
Suite *migrate_suite(void);
Suite *scaling_suite(void);
Suite *auth_suite(void);
Suite *session_suite(void);
Suite *audit_suite(void);
Suite *access_suite(void);
Suite *events_suite(void);
Suite *outbox_suite(void);
Suite *subscriber_suite(void);
Suite *stock_suite(void);
Suite *stock_commit_suite(void);
Suite *query_suite(void);
Suite *analytics_routes_suite(void);
Suite *csv_stream_suite(void);
Suite *overview_suite(void);
Suite *rfm_suite(void);
Suite *supplier_suite(void);
Suite *po_suite(void);
Suite *reorder_suite(void);
Suite *mock_suite(void);
Suite *analytics_models_suite(void);
Suite *ws_suite(void);
Suite *report_suite(void);
Suite *alerts_life_suite(void);
Suite *alerts_cond_suite(void);
Suite *alerts_notify_suite(void);
Suite *alerts_deliver_suite(void);
Suite *alerts_config_suite(void);

#endif
