/* tests/integration/client.c — HTTP over civetweb's client API, and access to
 * the stack's run folder. One connection per request (Connection: close),
 * which is what a test wants: no state carried between requests. */
#include "tests/integration/client.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>
#include <postgresql/libpq-fe.h>

#include "common/buf.h"
#include "common/time.h"

#include "services/gateway/token.h"
#include "tests/support/proc.h"

struct stack st;
const char *const test_roles[6] = {"admin",   "store_manager", "buyer",
                                   "analyst", "fraud_analyst", "viewer"};

int
http_raw(int port, const char *method, const char *path, const char *body, const char *extra,
         struct resp *out)
{
    char ebuf[256] = "";
    struct mg_connection *c;
    const struct mg_response_info *ri;
    struct tm_buf b;
    char chunk[8192];
    int n;
    size_t blen = body ? strlen(body) : 0;

    memset(out, 0, sizeof *out);
    c = mg_download("127.0.0.1", port ? port : st.http_port, 0, ebuf, sizeof ebuf,
                    "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    "%s%sContent-Length: %zu\r\n\r\n%s",
                    method, path,
                    body && !(extra && strstr(extra, "Content-Type"))
                        ? "Content-Type: application/json\r\n"
                        : "",
                    extra ? extra : "", blen, body ? body : "");
    if (!c)
        return -1;
    ri = mg_get_response_info(c);
    out->status = ri->status_code;
    out->retry_after = out->rl_limit = out->rl_remaining = -1;
    for (int i = 0; i < ri->num_headers; i++) {
        const char *k = ri->http_headers[i].name, *v = ri->http_headers[i].value;
        if (strcasecmp(k, "X-Request-Id") == 0)
            snprintf(out->rid, sizeof out->rid, "%s", v);
        else if (strcasecmp(k, "X-Process-Time") == 0)
            snprintf(out->ptime, sizeof out->ptime, "%s", v);
        else if (strcasecmp(k, "Content-Encoding") == 0)
            snprintf(out->encoding, sizeof out->encoding, "%s", v);
        else if (strcasecmp(k, "Access-Control-Allow-Origin") == 0)
            snprintf(out->acao, sizeof out->acao, "%s", v);
        else if (strcasecmp(k, "Retry-After") == 0)
            out->retry_after = atoi(v);
        else if (strcasecmp(k, "X-RateLimit-Limit") == 0)
            out->rl_limit = atoi(v);
        else if (strcasecmp(k, "X-RateLimit-Remaining") == 0)
            out->rl_remaining = atoi(v);
        else if (strcasecmp(k, "Content-Type") == 0)
            snprintf(out->ctype, sizeof out->ctype, "%s", v);
        else if (strcasecmp(k, "X-Next-Cursor") == 0)
            snprintf(out->next_cursor, sizeof out->next_cursor, "%s", v);
        else if (strcasecmp(k, "Transfer-Encoding") == 0)
            snprintf(out->transfer_encoding, sizeof out->transfer_encoding, "%s", v);
    }
    tm_buf_init(&b, 64 << 20);
    while ((n = mg_read(c, chunk, sizeof chunk)) > 0)
        if (tm_buf_add(&b, chunk, (size_t)n) != TM_OK)
            break;
    mg_close_connection(c);
    out->len = b.len;
    out->body = tm_buf_steal(&b);
    if (!out->encoding[0])
        out->json = cJSON_Parse(out->body);
    return 0;
}

int
http_port(int port, const char *method, const char *path, const char *body, const char *extra,
          struct resp *out)
{
    char headers[4096];

    if (extra && (strstr(extra, "Authorization:") || strstr(extra, "X-API-Key:")))
        return http_raw(port, method, path, body, extra, out);
    snprintf(headers, sizeof headers, "Authorization: Bearer %s\r\n%s", st.token[0],
             extra ? extra : "");
    return http_raw(port, method, path, body, headers, out);
}

int
http(const char *method, const char *path, const char *body, struct resp *out)
{
    return http_port(0, method, path, body, "", out);
}

int
job_run(const char *path, struct resp *out)
{
    int rc = -1;

    for (int i = 0; i < 50; i++) {
        if (i > 0) {
            resp_free(out);
            tm_sleep_ms(200);
        }
        if ((rc = http("POST", path, NULL, out)) != 0 || out->status != 409)
            break;
    }
    return rc;
}

int
http_as(const char *token, const char *method, const char *path, const char *body, struct resp *out)
{
    char headers[2200];

    if (!token)
        return http_raw(0, method, path, body, "", out);
    snprintf(headers, sizeof headers, "Authorization: Bearer %s\r\n", token);
    return http_raw(0, method, path, body, headers, out);
}

int
login_at(const char *addr, const char *email, const char *password, char *access, size_t asize,
         char *refresh, size_t rsize)
{
    char body[512], hdr[128] = "";
    struct resp r;
    int rc = -1;

    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    if (addr)
        snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n", addr);
    if (http_raw(addr ? st.gw_ports[0] : 0, "POST", "/api/v1/auth/login", body, hdr, &r) != 0)
        return -1;
    if (r.status == 200) {
        snprintf(access, asize, "%s", jstr(&r, "access_token"));
        if (refresh)
            snprintf(refresh, rsize, "%s", jstr(&r, "refresh_token"));
        rc = 0;
    }
    resp_free(&r);
    return rc;
}

int
login(const char *email, const char *password, char *access, size_t asize, char *refresh,
      size_t rsize)
{
    return login_at(NULL, email, password, access, asize, refresh, rsize);
}

void
resp_free(struct resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

static const char *
err_member(const struct resp *r, const char *name)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r->json, "error");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

const char *
err_code(const struct resp *r)
{
    return err_member(r, "code");
}

const char *
err_field(const struct resp *r)
{
    return err_member(r, "field");
}

long long
jint(const struct resp *r, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, name);

    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

const char *
jstr(const struct resp *r, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

int
sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    rc = system(cmd);
    return rc == -1 ? -1 : (rc >> 8) & 0xff;
}

long long
gw_metric(int g, const char *series)
{
    struct resp r;
    const char *m;
    size_t n = strlen(series);
    long long v = 0;

    ck_assert_int_eq(http_port(st.gw_ops_port + g, "GET", "/metrics", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    /* at a line's start and followed by the value (not its # HELP line, nor
     * a longer name) */
    for (m = r.body; m && (m = strstr(m, series)) != NULL; m += n)
        if ((m == r.body || m[-1] == '\n') && m[n] == ' ') {
            v = atoll(m + n + 1);
            break;
        }
    resp_free(&r);
    return v;
}

void
wait_instances_ready(const char *svc, int n)
{
    char want[96];
    int ready = 0;

    snprintf(want, sizeof want, "\"%s\":{\"state\":\"up\",\"detail\":\"%d/%d instances ready\"",
             svc, n, n);
    for (int64_t t0 = tm_mono_ms(); !ready && tm_mono_ms() - t0 < 15000;) {
        struct resp r;

        ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/health", NULL, "", &r), 0);
        ready = r.body && strstr(r.body, want) != NULL;
        resp_free(&r);
        if (!ready)
            tm_sleep_ms(100);
    }
    ck_assert_msg(ready, "%s: not %d/%d instances ready after 15 s", svc, n, n);
    tm_sleep_ms(1100);
}

int
pid_of(const char *svc, int n)
{
    char path[1024];
    FILE *f;
    int pid = -1;

    snprintf(path, sizeof path, "%s/pid/%s-%d.pid", st.run_dir, svc, n);
    f = fopen(path, "r");
    if (!f)
        return -1;
    if (fscanf(f, "%d", &pid) != 1)
        pid = -1;
    fclose(f);
    return pid;
}

void
signal_pid(int pid, int sig)
{
    ck_assert_msg(test_signal(pid, sig) == 0, "signal %d to process %d: %s", sig, pid,
                  strerror(errno));
}

void
signal_all(const char *svc, int sig)
{
    for (int n = 1; n <= 9; n++) {
        int pid = pid_of(svc, n);

        if (pid <= 0)
            break;
        signal_pid(pid, sig);
    }
}

const char *
run_tag(void)
{
    static char tag[32];

    if (!tag[0])
        snprintf(tag, sizeof tag, "T%ld%ld", (long)getpid() % 100000, (long)time(NULL) % 100000);
    return tag;
}

/* ------------------------------------------------ shared test fixtures */

void
exec_ok(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);

    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", sql, PQerrorMessage(db));
    PQclear(r);
}

long long
sql_int(const char *sql)
{
    PGconn *db = PQconnectdb(st.db_url);
    PGresult *r = PQexec(db, sql);
    long long v;

    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(db);
    return v;
}

long long
sql_intf(const char *fmt, ...)
{
    char q[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    return sql_int(q);
}

void
events_numbered(const char *schema)
{
    for (int i = 0; i < 200; i++) {
        if (sql_intf("SELECT count(*) FROM %s.outbox_pending", schema) == 0)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("%s's publisher left events unnumbered for 20 s", schema);
}

const char *
test_addr(int n)
{
    static char a[8][32];

    snprintf(a[n & 7], sizeof a[0], "10.%d.%d.%d", 100 + n, getpid() % 250, rand() % 250 + 1);
    return a[n & 7];
}

void
wait_clear_of_boundary(int64_t period_ms, int64_t offset_ms, int64_t need_ms)
{
    for (;;) {
        int64_t into = ((tm_now_ms() - offset_ms) % period_ms + period_ms) % period_ms;

        if (period_ms - into >= need_ms)
            return;
        tm_sleep_ms(200);
    }
}

long long
create(const char *path, const char *body)
{
    struct resp r;
    long long id;

    ck_assert_int_eq(http("POST", path, body, &r), 0);
    ck_assert_msg(r.status == 201, "POST %s %s: %d %s", path, body, r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

static int n_made; /* names made so far */

void
utc_day_text(int days_ago, char *out, size_t size)
{
    time_t t = time(NULL) - (time_t)days_ago * 86400;
    struct tm g;

    gmtime_r(&t, &g);
    strftime(out, size, "%Y-%m-%d", &g);
}

long long
new_store(void)
{
    char body[256], code[32]; /* at most 15 characters: codes are 2..16 */

    /* this process's pid, not run_tag()'s: Check forks each test from a
     * parent that may have made the tag, and each child starts n_made from
     * the parent's count, so two tests would make the same code */
    snprintf(code, sizeof code, "S%05ld%05ld%d", (long)getpid() % 100000, (long)time(NULL) % 100000,
             n_made++ % 10000);
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"name\":\"stock test\",\"city\":\"Leeds\","
             "\"time_zone\":\"Europe/London\"}",
             code);
    return create("/api/v1/stores", body);
}

long long
new_product(void)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"sku\":\"%s-ST%d\",\"name\":\"stock test\",\"category_id\":1,"
             "\"unit_price_cents\":500,\"unit_cost_cents\":300}",
             run_tag(), n_made++);
    return create("/api/v1/products", body);
}

void
receive(long long store, long long product, int qty)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"product_id\":%lld,\"type\":\"receipt\",\"quantity\":%d}", store,
             product, qty);
    create("/api/v1/stock-movements", body);
}

void
wait_known(long long store, long long product)
{
    char q[200];

    snprintf(q, sizeof q,
             "SELECT (SELECT count(*) FROM txn.stores WHERE id = %lld)"
             " + (SELECT count(*) FROM txn.products WHERE id = %lld)",
             store, product);
    for (int i = 0; i < 100; i++) {
        if (sql_int(q) == 2)
            return;
        tm_sleep_ms(100);
    }
    ck_abort_msg("store %lld or product %lld never reached tm-txn", store, product);
}

void
assert_stock_ledger(void)
{
    ck_assert_int_eq(
        sql_int("SELECT count(*) FROM inventory.stock s LEFT JOIN"
                " (SELECT store_id, product_id, sum(quantity) q, sum(reserved_delta) r"
                " FROM inventory.movements GROUP BY 1, 2) m USING (store_id, product_id)"
                " WHERE s.on_hand <> COALESCE(m.q, 0) OR s.reserved <> COALESCE(m.r, 0)"),
        0);
}

long long
stock_level_api(long long store, long long product, const char *what)
{
    char path[128];
    struct resp r;
    long long v;

    snprintf(path, sizeof path, "/api/v1/inventory/%lld/%lld", store, product);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    v = jint(&r, what);
    resp_free(&r);
    return v;
}

long long
stock_level(const char *col, long long store, long long product)
{
    return sql_intf("SELECT COALESCE((SELECT %s FROM inventory.stock WHERE store_id = %lld"
                    " AND product_id = %lld), -1)",
                    col, store, product);
}

void
wait_stock_level(const char *col, long long store, long long product, long long want)
{
    for (int i = 0; i < 100 && stock_level(col, store, product) != want; i++)
        tm_sleep_ms(50);
    ck_assert_msg(stock_level(col, store, product) == want, "%s of %lld/%lld is %lld, want %lld",
                  col, store, product, stock_level(col, store, product), want);
}

int
post_sale(const char *key, const char *body, struct resp *r)
{
    char extra[160];

    snprintf(extra, sizeof extra, "Idempotency-Key: %s-%s\r\n", run_tag(), key);
    return http_port(0, "POST", "/api/v1/transactions", body, extra, r);
}

long long
set_rules(const char *doc)
{
    struct resp r;
    long long version;

    ck_assert_int_eq(http("POST", "/api/v1/fraud/rules", doc, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    version = jint(&r, "version");
    resp_free(&r);
    ck_assert_int_gt(version, 0);
    return version;
}

void
restore_rules(void)
{
    set_rules("{\"note\":\"back to the defaults for other tests\",\"review_threshold\":60,"
              "\"decline_threshold\":85,\"rules\":[{\"code\":\"amount_over_5000\",\"kind\":"
              "\"amount_over\",\"threshold\":500000,\"weight\":25}]}");
}

long long
cash_sale(const char *key, long long store, long long p)
{
    char body[512];
    struct resp r;
    long long id;

    snprintf(body, sizeof body,
             "{\"store_id\":%lld,\"lines\":[{\"product_id\":%lld,\"quantity\":1,"
             "\"unit_price\":5.00}],\"channel\":\"pos\",\"payment_method\":\"cash\"}",
             store, p);
    ck_assert_int_eq(post_sale(key, body, &r), 0);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    id = jint(&r, "id");
    resp_free(&r);
    return id;
}

void
manager_token_as(const char *sub, long long store, char *out, size_t size)
{
    static int n;
    struct gw_claims cl;
    int64_t now = tm_now_ms() / 1000;

    memset(&cl, 0, sizeof cl);
    snprintf(cl.sub, sizeof cl.sub, "%s", sub);
    snprintf(cl.role, sizeof cl.role, "store_manager");
    snprintf(cl.jti, sizeof cl.jti, "mt%d%.20s", n++, run_tag());
    cl.stores[0] = store;
    cl.n_stores = 1;
    cl.iat = now - 10;
    cl.exp = now + 600;
    ck_assert_int_eq(gw_token_sign(&cl, (const unsigned char *)st.jwt_secret, strlen(st.jwt_secret),
                                   out, size, NULL),
                     TM_OK);
}
