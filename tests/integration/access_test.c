/* tests/integration/access_test.c — the whole matrix: every route × every
 * principal (anonymous, each role, a POS key), plus a scoped manager and a
 * scoped POS touching another store. The expected answer is written out by
 * hand here (the oracle), not derived from the code under test: "-" means
 * 401, "F" 403 (forbidden), "+" allowed (any answer but 401 and 403). Bodies are
 * invalid on purpose, so allowed writes stop at validation and change
 * nothing. */
#include <stdio.h>
#include <string.h>

#include "tests/integration/client.h"

/* columns: anonymous admin store_manager buyer analyst fraud_analyst viewer pos */
static const struct {
    const char *method, *path, *body, *expect;
} matrix[] = {
    {"POST", "/api/v1/auth/login", "{}", "++++++++"},
    {"POST", "/api/v1/auth/refresh", "{}", "++++++++"},
    {"POST", "/api/v1/auth/logout", "{\"bogus\":1}", "-+++++++"},
    {"GET", "/api/v1/auth/me", NULL, "-+++++++"},
    {"GET", "/api/v1/users", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/users", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/users/1", NULL, "-+FFFFFF"},
    {"PATCH", "/api/v1/users/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/api-keys", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/api-keys", "{}", "-+FFFFFF"},
    {"PATCH", "/api/v1/api-keys/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/audit", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/audit/refusals", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/gateway/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/gateway/jobs/no-such-job/run", NULL, "-+FFFFFF"},
    {"GET", "/api/v1/categories", NULL, "-+++++++"},
    {"POST", "/api/v1/categories", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/categories/1", NULL, "-+++++++"},
    {"PATCH", "/api/v1/categories/1", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/products", NULL, "-+++++++"},
    {"POST", "/api/v1/products", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/products/1", NULL, "-+++++++"},
    {"PATCH", "/api/v1/products/1", "{}", "-+F+FFFF"},
    {"GET", "/api/v1/stores", NULL, "-+++++++"},
    {"POST", "/api/v1/stores", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/stores/1", NULL, "-+++++++"}, /* store 1 is the manager's and the POS's */
    {"PATCH", "/api/v1/stores/1", "{}", "-++FFFFF"},
    {"GET", "/api/v1/stores/3", NULL, "-+F++++F"}, /* store 3 is neither's */
    {"PATCH", "/api/v1/stores/3", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/products/1/inventory", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/low-stock", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/1", NULL, "-+++++++"},
    {"GET", "/api/v1/inventory/3", NULL, "-+F++++F"},
    {"GET", "/api/v1/inventory/1/1", NULL, "-+++++++"},
    {"PUT", "/api/v1/inventory/1/1", "{}", "-++FFFFF"},
    {"PUT", "/api/v1/inventory/3/1", "{}", "-+FFFFFF"},
    {"GET", "/api/v1/stock-movements", NULL, "-+++++++"},
    {"POST", "/api/v1/stock-movements", "{}", "-++FFFFF"},
    {"GET", "/api/v1/transfers", NULL, "-+++++++"},
    {"POST", "/api/v1/transfers", "{}", "-++FFFFF"},
    {"GET", "/api/v1/transfers/999999", NULL, "-+++++++"},
    {"POST", "/api/v1/transfers/999999/ship", NULL, "-++FFFFF"},
    {"POST", "/api/v1/transfers/999999/receive", NULL, "-++FFFFF"},
    {"POST", "/api/v1/transfers/999999/cancel", NULL, "-++FFFFF"},
    {"POST", "/api/v1/reservations", "{}", "-++FFFF+"},
    {"GET", "/api/v1/reservations/999999", NULL, "-+++++++"},
    {"POST", "/api/v1/reservations/999999/release", NULL, "-++FFFF+"},
    {"POST", "/api/v1/stock-commits", "{}", "-+FFFFF+"},
    {"GET", "/api/v1/stock-commits/none", NULL, "-+++++++"},
    {"POST", "/api/v1/stock-commits/none/reverse", NULL, "-+FFFFF+"},
    {"GET", "/api/v1/analytics/catalogue-lag", NULL, "-++++++F"},
    {"GET", "/api/v1/jobs", NULL, "-+FFFFFF"},
    {"POST", "/api/v1/jobs/no-such-job/run", NULL, "-+FFFFFF"},
};
#define N_ROWS (int)(sizeof matrix / sizeof matrix[0])
#define N_COLS 8

static char pos_key[128];

static void
make_pos_key(void)
{
    struct resp r;

    if (pos_key[0])
        return;
    ck_assert_int_eq(http("POST", "/api/v1/api-keys", "{\"name\":\"matrix\",\"stores\":[1]}", &r),
                     0);
    ck_assert_int_eq(r.status, 201);
    snprintf(pos_key, sizeof pos_key, "%s", jstr(&r, "key"));
    resp_free(&r);
}

START_TEST(test_route_role_matrix)
{
    int row = _i / N_COLS, col = _i % N_COLS;
    char hdr[2300] = "";
    char want = matrix[row].expect[col];
    struct resp r;

    if (col == 7) {
        make_pos_key();
        snprintf(hdr, sizeof hdr, "X-API-Key: %s\r\n", pos_key);
    } else if (col > 0) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", st.token[col - 1]);
    }
    ck_assert_int_eq(http_raw(0, matrix[row].method, matrix[row].path, matrix[row].body, hdr, &r),
                     0);
    if (want == '-')
        ck_assert_msg(r.status == 401, "%s %s as #%d: want 401, got %d %s", matrix[row].method,
                      matrix[row].path, col, r.status, r.body);
    else if (want == 'F')
        ck_assert_msg(r.status == 403, "%s %s as #%d: want 403, got %d %s", matrix[row].method,
                      matrix[row].path, col, r.status, r.body);
    else
        ck_assert_msg(r.status != 401 && r.status != 403 && r.status < 500,
                      "%s %s as #%d: want allowed, got %d %s", matrix[row].method, matrix[row].path,
                      col, r.status, r.body);
    if (r.status == 401 || r.status == 403) {
        ck_assert_str_eq(err_code(&r), r.status == 401 ? "unauthenticated" : "forbidden");
        ck_assert_ptr_nonnull(strstr(r.body, "\"message\":"));
    }
    resp_free(&r);
}
END_TEST

/* A manager of stores 1 and 2 may change store 2, not store 3. */
START_TEST(test_scoped_manager_changes_own_store_only)
{
    struct resp r;

    ck_assert_int_eq(
        http_as(st.token[1], "PATCH", "/api/v1/stores/2", "{\"city\":\"Cambridge\"}", &r), 0);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(jstr(&r, "city"), "Cambridge");
    resp_free(&r);
    ck_assert_int_eq(
        http_as(st.token[1], "PATCH", "/api/v1/stores/3", "{\"city\":\"Elsewhere\"}", &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(err_field(&r), "id");
    resp_free(&r);
    ck_assert_int_eq(http("GET", "/api/v1/stores/3", NULL, &r), 0);
    ck_assert_str_ne(jstr(&r, "city"), "Elsewhere");
    resp_free(&r);
}
END_TEST

Suite *
access_suite(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("access");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_route_role_matrix, 0, N_ROWS * N_COLS);
    tcase_add_test(tc, test_scoped_manager_changes_own_store_only);
    suite_add_tcase(s, tc);
    return s;
}
