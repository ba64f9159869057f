/* tests/integration/auth_test.c — credentials end to end: tokens that must
 * be refused (expired, tampered, wrong key, alg:none), refresh rotation and
 * reuse, logout, a disabled user, API keys for a POS, brute force against
 * one limit shared by two gateways, the audit log, CORS, and Redis down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/db.h"
#include "common/time.h"

#include "services/gateway/token.h"
#include "tests/integration/client.h"

/* Creates a user through the admin API; returns its id. */
static long long
make_user(const char *tag, const char *role, const char *stores, char *email, size_t esize)
{
    struct resp r;
    char body[512];
    long long id;

    snprintf(email, esize, "%s.%s@example.test", tag, run_tag());
    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"name\":\"T\",\"role\":\"%s\",\"password\":\"pw-%s-123456\"%s%s}",
             email, role, tag, stores ? ",\"stores\":" : "", stores ? stores : "");
    ck_assert_int_eq(http("POST", "/api/v1/users", body, &r), 0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    id = jint(&r, "id");
    ck_assert_ptr_null(strstr(r.body, "password"));
    resp_free(&r);
    return id;
}

static int
status_with(const char *token, const char *path)
{
    struct resp r;
    int s;

    ck_assert_int_eq(http_as(token, "GET", path, NULL, &r), 0);
    s = r.status;
    resp_free(&r);
    return s;
}

static void
forge(const struct gw_claims *c, const char *key, char *out, size_t size)
{
    ck_assert_int_eq(gw_token_sign(c, (const unsigned char *)key, strlen(key), out, size, NULL),
                     TM_OK);
}

START_TEST(test_bad_tokens_are_401)
{
    struct gw_claims c;
    char tok[GW_TOKEN_MAX], none[GW_TOKEN_MAX], h64[64];
    int64_t now = tm_now_ms() / 1000;
    const char *hdr = "{\"alg\":\"none\",\"typ\":\"JWT\"}", *payload;
    struct resp r;

    memset(&c, 0, sizeof c);
    snprintf(c.sub, sizeof c.sub, "user:1");
    snprintf(c.role, sizeof c.role, "admin");
    snprintf(c.jti, sizeof c.jti, "forged");
    c.iat = now - 100;
    c.exp = now + 600;
    forge(&c, st.jwt_secret, tok, sizeof tok);
    ck_assert_int_eq(status_with(tok, "/api/v1/auth/me"), 200); /* the forger holds the key */
    c.exp = now - 1;
    forge(&c, st.jwt_secret, tok, sizeof tok);
    ck_assert_int_eq(http_as(tok, "GET", "/api/v1/products/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(err_code(&r), "unauthenticated");
    ck_assert_ptr_nonnull(strstr(r.body, "expired"));
    resp_free(&r);
    c.exp = now + 600;
    forge(&c, "another-key-that-is-long-enough-000000", tok, sizeof tok);
    ck_assert_int_eq(status_with(tok, "/api/v1/products/1"), 401);
    forge(&c, st.jwt_secret, tok, sizeof tok);
    tok[strlen(tok) - 3] ^= 1; /* flip a bit of the signature */
    ck_assert_int_eq(status_with(tok, "/api/v1/products/1"), 401);
    forge(&c, st.jwt_secret, tok, sizeof tok);
    payload = strchr(tok, '.') + 1;
    ck_assert_int_eq(gw_b64url_encode(hdr, strlen(hdr), h64, sizeof h64), TM_OK);
    snprintf(none, sizeof none, "%s.%.*s.", h64, (int)(strrchr(tok, '.') - payload), payload);
    ck_assert_int_eq(status_with(none, "/api/v1/products/1"), 401);
    ck_assert_int_eq(status_with("garbage", "/api/v1/products/1"), 401);
    ck_assert_int_eq(status_with(NULL, "/api/v1/products/1"), 401);
    ck_assert_int_eq(
        http_raw(0, "GET", "/api/v1/products/1", NULL, "Authorization: Basic eDp5\r\n", &r), 0);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(err_field(&r), "Authorization");
    resp_free(&r);
}
END_TEST

START_TEST(test_refresh_rotates_and_reuse_revokes_the_session)
{
    char email[200], a1[GW_TOKEN_MAX], r1[128], body[256];
    struct resp r;
    char a2[GW_TOKEN_MAX], r2[128];

    make_user("refresh", "viewer", NULL, email, sizeof email);
    ck_assert_int_eq(login(email, "pw-refresh-123456", a1, sizeof a1, r1, sizeof r1), 0);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", r1);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/refresh", body, "", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    snprintf(a2, sizeof a2, "%s", jstr(&r, "access_token"));
    snprintf(r2, sizeof r2, "%s", jstr(&r, "refresh_token"));
    ck_assert_str_ne(r1, r2);
    /* the stack's setting (deploy/run-tests.sh), else the default */
    ck_assert_int_eq(jint(&r, "expires_in"),
                     getenv("TM_ACCESS_TTL_S") ? atoi(getenv("TM_ACCESS_TTL_S")) : 900);
    resp_free(&r);
    ck_assert_int_eq(status_with(a2, "/api/v1/auth/me"), 200);
    /* r1 again: somebody replays a spent token — the whole chain dies */
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/refresh", body, "", &r), 0);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(err_field(&r), "refresh_token");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", r2);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/refresh", body, "", &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
    ck_assert_int_eq(
        http_raw(0, "POST", "/api/v1/auth/refresh", "{\"refresh_token\":\"rt_x\"}", "", &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
}
END_TEST

START_TEST(test_logout_and_disable_take_effect_at_once)
{
    char email[200], a[GW_TOKEN_MAX], rt[128], body[256], path[64], hdr[2200];
    struct resp r;
    long long id = make_user("logout", "analyst", NULL, email, sizeof email);

    ck_assert_int_eq(login(email, "pw-logout-123456", a, sizeof a, rt, sizeof rt), 0);
    ck_assert_int_eq(status_with(a, "/api/v1/auth/me"), 200);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", rt);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", a);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/logout", body, hdr, &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    resp_free(&r);
    ck_assert_int_eq(status_with(a, "/api/v1/auth/me"), 401);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/refresh", body, "", &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
    /* disable: a still-valid token stops working on the next request */
    ck_assert_int_eq(login(email, "pw-logout-123456", a, sizeof a, rt, sizeof rt), 0);
    ck_assert_int_eq(status_with(a, "/api/v1/products/1"), 200);
    snprintf(path, sizeof path, "/api/v1/users/%lld", id);
    ck_assert_int_eq(http("PATCH", path, "{\"active\":false}", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r.json, "active")));
    resp_free(&r);
    ck_assert_int_eq(status_with(a, "/api/v1/products/1"), 401);
    ck_assert_int_ne(login(email, "pw-logout-123456", a, sizeof a, NULL, 0), 0);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", rt);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/refresh", body, "", &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
}
END_TEST

#define KEY_READS "tm_gateway_api_key_reads_total{from=\""

START_TEST(test_api_key_for_a_pos_is_scoped_and_disabled_for_good)
{
    struct resp r;
    char key[128], hdr[256], wrong[256], path[64];
    long long id;

    ck_assert_int_eq(http("POST", "/api/v1/api-keys", "{\"name\":\"till 1\",\"stores\":[1]}", &r),
                     0);
    ck_assert_msg(r.status == 201, "%s", r.body);
    snprintf(key, sizeof key, "%s", jstr(&r, "key"));
    id = jint(&r, "id");
    ck_assert(strncmp(key, "tmk_", 4) == 0);
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/api-keys?limit=200", NULL, &r), 0);
    ck_assert_ptr_null(strstr(r.body, key + 20)); /* the secret is never shown again */
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", key);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/products/1", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/stores/1", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/stores/2", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/users", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/auth/me", NULL, hdr, &r), 0);
    ck_assert_str_eq(jstr(&r, "role"), "pos");
    ck_assert_ptr_nonnull(strstr(r.body, "\"permissions\":[\"self\",\"catalog.read\","));
    ck_assert_ptr_nonnull(strstr(r.body, "\"stock.commit\""));
    ck_assert_ptr_null(strstr(r.body, "\"customer.read\""));
    resp_free(&r);
    /* each gateway reads the key once, then keeps it; a wrong secret is
     * refused from what it keeps */
    for (int g = 0; g < 2; g++) {
        long long db = gw_metric(g, KEY_READS "database\"}");
        long long mem = gw_metric(g, KEY_READS "memory\"}");

        for (int i = 0; i < 5; i++) {
            ck_assert_int_eq(http_raw(st.gw_ports[g], "GET", "/api/v1/stores/1", NULL, hdr, &r), 0);
            ck_assert_int_eq(r.status, 200);
            resp_free(&r);
        }
        ck_assert_int_le(gw_metric(g, KEY_READS "database\"}") - db, 1);
        ck_assert_int_ge(gw_metric(g, KEY_READS "memory\"}") - mem, 4);
        db = gw_metric(g, KEY_READS "database\"}");
        snprintf(wrong, sizeof wrong, "X-API-Key: %s\r\n", key);
        wrong[strlen(wrong) - 3] ^= 1; /* the secret's last digit */
        ck_assert_int_eq(http_raw(st.gw_ports[g], "GET", "/api/v1/stores/1", NULL, wrong, &r), 0);
        ck_assert_int_eq(r.status, 401);
        resp_free(&r);
        ck_assert_int_eq(gw_metric(g, KEY_READS "database\"}"), db);
    }
    /* disabled through one gateway: refused at once by both, which kept it */
    snprintf(path, sizeof path, "/api/v1/api-keys/%lld", id);
    ck_assert_int_eq(http_port(st.gw_ports[0], "PATCH", path, "{\"active\":false}", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    for (int g = 0; g < 2; g++) {
        ck_assert_int_eq(http_raw(st.gw_ports[g], "GET", "/api/v1/products/1", NULL, hdr, &r), 0);
        ck_assert_int_eq(r.status, 401);
        resp_free(&r);
    }
    key[strlen(key) - 1] ^= 1;
    snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", key);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/products/1", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
}
END_TEST

/* GET /api/v1/auth/me lists what the role may do (common/perm.h), for the
 * web app's role-aware screens: every role's set, as the matrix grants it. */
START_TEST(test_me_lists_the_role_permissions)
{
    static const struct {
        const char *has, *lacks;
    } want[6] = {
        {"\"user.admin\"", "\"public\""},        {"\"stock.write\"", "\"catalog.write\""},
        {"\"supplier.write\"", "\"txn.read\""},  {"\"customer.read\"", "\"alert.write\""},
        {"\"fraud.review\"", "\"fraud.admin\""}, {"\"alert.read\"", "\"stock.write\""},
    };
    struct resp r;

    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(http_as(st.token[i], "GET", "/api/v1/auth/me", NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(jstr(&r, "role"), test_roles[i]);
        ck_assert_msg(strstr(r.body, want[i].has) && !strstr(r.body, want[i].lacks), "%s: %s",
                      test_roles[i], r.body);
        resp_free(&r);
    }
}
END_TEST

/* 100 wrong passwords for one email, alternating between the two gateways
 * (straight to each, as from one far address): one limit for both, and
 * every attempt is in the audit log. */
START_TEST(test_brute_force_is_limited_across_gateways_and_audited)
{
    char email[200], body[512], hdr[128], path[256], addr[32];
    int ok401 = 0, limited = 0, retry_seen = 0;
    long long counted = 0;
    const cJSON *it;
    struct resp r;

    make_user("brute", "viewer", NULL, email, sizeof email);
    snprintf(addr, sizeof addr, "10.%d.%d.7", getpid() % 250, rand() % 250);
    snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s\r\n", addr);
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"wrong-guess\"}", email);
    /* the limits' windows are minutes: the attempts and the checks after
     * them inside one (a turn would let a 22nd attempt through) */
    while (tm_now_ms() % 60000 > 40000)
        tm_sleep_ms(200);
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(http_raw(st.gw_ports[i % 2], "POST", "/api/v1/auth/login", body, hdr, &r),
                         0);
        if (r.status == 401)
            ok401++;
        else if (r.status == 429) {
            limited++;
            ck_assert_str_eq(err_code(&r), "rate_limited");
            retry_seen += r.retry_after > 0;
        } else
            ck_abort_msg("attempt %d: status %d %s", i, r.status, r.body);
        resp_free(&r);
    }
    ck_assert_int_ge(ok401, 20);
    ck_assert_int_le(ok401, 21);
    ck_assert_int_eq(limited, 100 - ok401);
    ck_assert_int_eq(retry_seen, limited);
    /* the real password is refused too while limited */
    ck_assert_int_ne(login(email, "pw-brute-123456", path, sizeof path, NULL, 0), 0);
    /* refused before reaching the login (per-address limit): counted */
    snprintf(path, sizeof path, "/api/v1/audit/refusals?source_addr=%s&status=429", addr);
    for (int t = 0;; t++) { /* each gateway writes its counts once a second */
        counted = 0;
        ck_assert_int_eq(http("GET", path, NULL, &r), 0);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) counted +=
            (long long)cJSON_GetObjectItem(it, "n")->valuedouble;
        resp_free(&r);
        if (counted >= limited || t == 100)
            break;
        tm_sleep_ms(100);
    }
    ck_assert_int_eq(counted, limited);
    /* every wrong password that reached the login has its row */
    ck_assert_int_eq(
        http("GET", "/api/v1/audit?path_prefix=/api/v1/auth/login&status=401&limit=200", NULL, &r),
        0);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 20);
    ck_assert_ptr_nonnull(strstr(r.body, email));
    resp_free(&r);
}
END_TEST

START_TEST(test_login_refuses_bad_input_without_hint)
{
    struct resp r;
    char body[1024], longmail[400];

    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/login",
                              "{\"email\":\"' OR 1=1 --\",\"password\":\"x' OR '1'='1\"}", "", &r),
                     0);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "wrong email or password"));
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/login",
                              "{\"email\":\"admin@techmart.test\",\"password\":\"nope\"}", "", &r),
                     0);
    ck_assert_int_eq(r.status, 401);
    ck_assert_ptr_nonnull(strstr(r.body, "wrong email or password"));
    resp_free(&r);
    memset(longmail, 'a', 300);
    longmail[300] = '\0';
    snprintf(body, sizeof body, "{\"email\":\"%s@x.test\",\"password\":\"x\"}", longmail);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/login", body, "", &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "email");
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/login", "{\"email\":1}", "", &r), 0);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
}
END_TEST

START_TEST(test_audit_records_writes_and_refusals_append_only)
{
    char path[256];
    struct resp r;
    PGconn *db;
    PGresult *res = NULL;
    struct tm_err e;

    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/categories", "{\"name\":\"x\"}",
                              "X-Request-Id: audit-anon-1\r\n", &r),
                     0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
    {
        /* a store manager no other test uses (no catalog.write): the first
         * refusal of its minute on that route, so it has its row */
        char hdr[2300], tok[2048], sub[32];

        snprintf(sub, sizeof sub, "user:6%d", (int)(getpid() % 100000));
        manager_token_as(sub, 1, tok, sizeof tok);
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\nX-Request-Id: audit-viewer-%d\r\n",
                 tok, getpid());
        ck_assert_int_eq(http_raw(0, "POST", "/api/v1/categories", "{\"name\":\"v\"}", hdr, &r), 0);
    }
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    snprintf(path, sizeof path, "{\"name\":\"Audited %s\"}", run_tag());
    ck_assert_int_eq(http("POST", "/api/v1/categories", path, &r), 0);
    ck_assert_int_eq(r.status, 201);
    snprintf(path, sizeof path,
             "/api/v1/audit?principal=user:1&path_prefix=/api/v1/categories"
             "&status=201&limit=200");
    resp_free(&r);
    ck_assert_int_eq(http("GET", path, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"method\":\"POST\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"source_addr\":\"127.0.0.1\""));
    resp_free(&r);
    /* an authenticated refusal has its row; an anonymous one is counted */
    snprintf(path, sizeof path,
             "SELECT count(*) FROM gateway.audit WHERE request_id = 'audit-viewer-%d'"
             " AND status = 403 AND principal_kind = 'user'",
             getpid());
    ck_assert_int_eq(sql_int(path), 1);
    ck_assert_int_eq(
        sql_int("SELECT count(*) FROM gateway.audit WHERE request_id = 'audit-anon-1'"), 0);
    ck_assert_int_eq(http("GET", "/api/v1/audit?from=yesterday", NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(err_field(&r), "from");
    resp_free(&r);
    /* the application's database role cannot change or remove entries */
    db = PQconnectdb(st.db_url);
    ck_assert_int_eq(PQstatus(db), CONNECTION_OK);
    ck_assert_int_ne(tm_db_exec(db, "UPDATE gateway.audit SET status = 0", 0, NULL, NULL, &e),
                     TM_OK);
    ck_assert_int_ne(tm_db_exec(db, "DELETE FROM gateway.audit", 0, NULL, NULL, &e), TM_OK);
    ck_assert_int_ne(tm_db_exec(db, "TRUNCATE gateway.audit", 0, NULL, NULL, &e), TM_OK);
    ck_assert_int_eq(
        tm_db_exec(db, "SELECT count(*) FROM gateway.audit WHERE status = 0", 0, NULL, &res, &e),
        TM_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    PQfinish(db);
}
END_TEST

START_TEST(test_cors_only_for_the_web_app_origin)
{
    struct resp r;

    ck_assert_int_eq(http_raw(0, "OPTIONS", "/api/v1/products", NULL,
                              "Origin: http://app.techmart.test\r\n"
                              "Access-Control-Request-Method: GET\r\n",
                              &r),
                     0);
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(r.acao, "http://app.techmart.test");
    resp_free(&r);
    ck_assert_int_eq(
        http_raw(0, "OPTIONS", "/api/v1/products", NULL,
                 "Origin: http://evil.example\r\nAccess-Control-Request-Method: GET\r\n", &r),
        0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.acao, "");
    resp_free(&r);
    ck_assert_int_eq(
        http_port(0, "GET", "/api/v1/products/1", NULL, "Origin: http://app.techmart.test\r\n", &r),
        0);
    ck_assert_str_eq(r.acao, "http://app.techmart.test");
    ck_assert_int_ge(r.rl_limit, 1);
    ck_assert_int_ge(r.rl_remaining, 0);
    resp_free(&r);
    ck_assert_int_eq(
        http_port(0, "GET", "/api/v1/products/1", NULL, "Origin: http://evil.example\r\n", &r), 0);
    ck_assert_str_eq(r.acao, "");
    resp_free(&r);
}
END_TEST

START_TEST(test_redis_down_serves_and_says_so)
{
    struct resp r;

    ck_assert_int_eq(sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' redis stop", st.run_dir, st.root), 0);
    ck_assert_int_eq(http("GET", "/api/v1/products/1", NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.rl_limit, -1); /* nothing counted, so nothing claimed */
    resp_free(&r);
    ck_assert_int_eq(http_port(st.gw_ops_port, "GET", "/health", NULL, "", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"redis\":{\"state\":\"degraded\""));
    resp_free(&r);
    ck_assert_int_eq(sh("TM_RUN_DIR='%s' '%s/deploy/stack.sh' redis start", st.run_dir, st.root),
                     0);
}
END_TEST

/* A token one gateway issued works on the other (they share the key), and
 * a refused one is in the audit log even for a read. */
START_TEST(test_tokens_work_across_gateways_and_refusals_are_audited)
{
    char email[200], a[GW_TOKEN_MAX], hdr[2300];
    struct resp r;

    make_user("cross", "viewer", NULL, email, sizeof email);
    ck_assert_int_eq(login(email, "pw-cross-123456", a, sizeof a, NULL, 0), 0);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\nX-Request-Id: cross-gw-%d\r\n", a,
             getpid());
    for (int g = 0; g < 2; g++) {
        ck_assert_int_eq(http_raw(st.gw_ports[g], "GET", "/api/v1/auth/me", NULL, hdr, &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(jstr(&r, "email"), email);
        resp_free(&r);
    }
    /* a logged-out token read with: refused, and its row names the user */
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", a);
    ck_assert_int_eq(http_raw(0, "POST", "/api/v1/auth/logout", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\nX-Request-Id: revoked-read-%d\r\n", a,
             getpid());
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/products/1", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 401);
    resp_free(&r);
    ck_assert_int_eq(
        http("GET", "/api/v1/audit?status=401&path_prefix=/api/v1/products&limit=200", NULL, &r),
        0);
    snprintf(hdr, sizeof hdr, "revoked-read-%d", getpid());
    ck_assert_ptr_nonnull(strstr(r.body, hdr));
    resp_free(&r);
}
END_TEST

/* make up's bootstrap leaves a sample POS key for store 1 in a file only
 * its owner may read. */
START_TEST(test_sample_pos_key_in_private_file)
{
    char path[512], line[256], key[160] = "", hdr[256];
    struct stat sb;
    struct resp r;
    FILE *f;

    snprintf(path, sizeof path, "%s/secrets/admin-credentials", st.run_dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 077, 0);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "pos_api_key=%159s", key) == 1)
            break;
    fclose(f);
    ck_assert(strncmp(key, "tmk_", 4) == 0);
    snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", key);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/stores/1", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(http_raw(0, "GET", "/api/v1/stores/2", NULL, hdr, &r), 0);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
}
END_TEST

Suite *
auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("auth");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bad_tokens_are_401);
    tcase_add_test(tc, test_refresh_rotates_and_reuse_revokes_the_session);
    tcase_add_test(tc, test_logout_and_disable_take_effect_at_once);
    tcase_add_test(tc, test_api_key_for_a_pos_is_scoped_and_disabled_for_good);
    tcase_add_test(tc, test_me_lists_the_role_permissions);
    tcase_add_test(tc, test_brute_force_is_limited_across_gateways_and_audited);
    tcase_add_test(tc, test_login_refuses_bad_input_without_hint);
    tcase_add_test(tc, test_audit_records_writes_and_refusals_append_only);
    tcase_add_test(tc, test_cors_only_for_the_web_app_origin);
    tcase_add_test(tc, test_tokens_work_across_gateways_and_refusals_are_audited);
    tcase_add_test(tc, test_sample_pos_key_in_private_file);
    tcase_add_test(tc, test_redis_down_serves_and_says_so);
    suite_add_tcase(s, tc);
    return s;
}
