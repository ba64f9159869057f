/* tests/unit/gateway/perm_test.c — the role matrix against an explicit
 * oracle written out by hand from docs/security.md. */
#include <string.h>

#include "common/perm.h"

#include "tests/unit/gateway/suites.h"

/* Rows: roles in enum order; columns: permissions in enum order. */
/* clang-format off */
static const char *const matrix[TM_ROLE_COUNT] = {
    /*                           pub self cR cW sR sW sA uA aR anR ops kR kW kRs kC tR tW uR uW fR fA */
    [TM_ROLE_ADMIN]          = "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    [TM_ROLE_STORE_MANAGER]  = "1 1 1 0 1 1 0 0 0 1 0 1 1 1 0 1 1 1 1 0 0",
    [TM_ROLE_BUYER]          = "1 1 1 1 1 0 0 0 0 1 0 1 0 0 0 0 0 0 0 0 0",
    [TM_ROLE_ANALYST]        = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 1 0 1 0 0 0",
    [TM_ROLE_FRAUD_ANALYST]  = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 1 0 1 0 1 0",
    [TM_ROLE_VIEWER]         = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 0 0 0 0 0 0",
    [TM_ROLE_POS]            = "1 1 1 0 1 0 0 0 0 0 0 1 0 1 1 0 1 0 1 0 0",
};
/* clang-format on */

START_TEST(test_role_matrix)
{
    for (int r = 0; r < TM_ROLE_COUNT; r++)
        for (int p = 0; p < TM_PERM_COUNT; p++)
            ck_assert_msg(tm_role_allows((enum tm_role)r, (enum tm_perm)p) ==
                              (matrix[r][2 * p] == '1'),
                          "%s / %s", tm_role_name((enum tm_role)r), tm_perm_name((enum tm_perm)p));
}
END_TEST

START_TEST(test_role_names_and_scoping)
{
    enum tm_role r;

    ck_assert(tm_role_parse("store_manager", &r));
    ck_assert_int_eq(r, TM_ROLE_STORE_MANAGER);
    ck_assert(!tm_role_parse("root", &r));
    ck_assert(!tm_role_parse(NULL, &r));
    for (int i = 0; i < TM_ROLE_COUNT; i++) {
        ck_assert(tm_role_parse(tm_role_name((enum tm_role)i), &r));
        ck_assert_int_eq(r, i);
    }
    ck_assert(tm_role_scoped(TM_ROLE_STORE_MANAGER));
    ck_assert(tm_role_scoped(TM_ROLE_POS));
    ck_assert(!tm_role_scoped(TM_ROLE_ADMIN));
    ck_assert(!tm_role_allows((enum tm_role)99, TM_PERM_SELF));
    ck_assert(tm_role_allows((enum tm_role)99, TM_PERM_PUBLIC));
    ck_assert_str_eq(tm_perm_name(TM_PERM_AUDIT_READ), "audit.read");
}
END_TEST

Suite *
perm_suite(void)
{
    Suite *s = suite_create("perm");
    TCase *tc = tcase_create("perm");

    tcase_add_test(tc, test_role_matrix);
    tcase_add_test(tc, test_role_names_and_scoping);
    suite_add_tcase(s, tc);
    return s;
}
