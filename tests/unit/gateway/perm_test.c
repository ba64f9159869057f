/* tests/unit/gateway/perm_test.c — the role matrix against an explicit
 * oracle written out by hand from docs/security.md. */
#include <stdio.h>
#include <string.h>

#include "common/perm.h"

#include "tests/unit/gateway/suites.h"

/* Rows: roles in enum order; columns: permissions in enum order. */
/* clang-format off */
static const char *const matrix[TM_ROLE_COUNT] = {
    /*                           pub self cR cW sR sW sA uA aR anR ops kR kW kRs kC tR tW uR uW fR fA pR pW rW alR alW alA */
    [TM_ROLE_ADMIN]          = "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    [TM_ROLE_STORE_MANAGER]  = "1 1 1 0 1 1 0 0 0 1 0 1 1 1 0 1 1 1 1 0 0 1 0 1 1 1 0",
    [TM_ROLE_BUYER]          = "1 1 1 1 1 0 0 0 0 1 0 1 0 0 0 0 0 0 0 0 0 1 1 1 1 1 0",
    [TM_ROLE_ANALYST]        = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 1 0 1 0 0 0 1 0 0 1 0 0",
    [TM_ROLE_FRAUD_ANALYST]  = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 1 0 1 0 1 0 0 0 0 1 1 0",
    [TM_ROLE_VIEWER]         = "1 1 1 0 1 0 0 0 0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0",
    [TM_ROLE_POS]            = "1 1 1 0 1 0 0 0 0 0 0 1 0 1 1 0 1 0 1 0 0 0 0 0 0 0 0",
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

/* docs/security.md's role table shows every permission (but "public") with
 * a ✓ exactly where perm.c grants it; columns are found by role name. */
START_TEST(test_security_md_matrix_matches)
{
    FILE *f = fopen("docs/security.md", "r");
    char line[1024];
    int col[TM_ROLE_COUNT], header = 0, seen[TM_PERM_COUNT] = {0};

    ck_assert_msg(f != NULL, "docs/security.md must exist (run from the repository root)");
    while (fgets(line, sizeof line, f)) {
        char *cells[16], *save = NULL, *c;
        int n = 0;

        if (line[0] != '|')
            continue;
        for (c = strtok_r(line, "|", &save); c && n < 16; c = strtok_r(NULL, "|", &save))
            cells[n++] = c;
        if (!header && strstr(cells[0], "permission")) {
            for (int r = 0; r < TM_ROLE_COUNT; r++) {
                col[r] = -1;
                for (int i = 1; i < n; i++)
                    if (strncmp(cells[i] + strspn(cells[i], " "), tm_role_name((enum tm_role)r),
                                strlen(tm_role_name((enum tm_role)r))) == 0 &&
                        col[r] < 0)
                        col[r] = i;
                ck_assert_msg(col[r] > 0, "role %s has no column", tm_role_name((enum tm_role)r));
            }
            header = 1;
            continue;
        }
        if (!header)
            continue;
        for (int p = 0; p < TM_PERM_COUNT; p++) {
            char want[64];
            snprintf(want, sizeof want, " `%s`", tm_perm_name((enum tm_perm)p));
            if (strncmp(cells[0], want, strlen(want)) != 0 || cells[0][strlen(want)] != ' ')
                continue;
            seen[p] = 1;
            for (int r = 0; r < TM_ROLE_COUNT; r++)
                ck_assert_msg(col[r] < n && (strstr(cells[col[r]], "\u2713") != NULL) ==
                                                tm_role_allows((enum tm_role)r, (enum tm_perm)p),
                              "docs/security.md: %s / %s disagrees with common/perm.c",
                              tm_perm_name((enum tm_perm)p), tm_role_name((enum tm_role)r));
        }
    }
    fclose(f);
    ck_assert(header);
    for (int p = 0; p < TM_PERM_COUNT; p++)
        ck_assert_msg(seen[p] || p == TM_PERM_PUBLIC, "docs/security.md has no row for %s",
                      tm_perm_name((enum tm_perm)p));
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
    tcase_add_test(tc, test_security_md_matrix_matches);
    suite_add_tcase(s, tc);
    return s;
}
