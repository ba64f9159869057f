/* tests/unit/common/config_test.c — default < environment < flag, and
 * every way a value can be wrong. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"

#include "tests/unit/common/suites.h"

struct t_cfg {
    char name[8];
    int port;
    int on;
};

static const struct tm_cfg_opt t_opts[] = {
    {"name", "TM_T_NAME", TM_CFG_STR, offsetof(struct t_cfg, name), 8, 0, 0, "dflt", 0, "a name"},
    {"port", "TM_T_PORT", TM_CFG_INT, offsetof(struct t_cfg, port), 0, 1, 100, "10", 0, "a port"},
    {"on", "TM_T_ON", TM_CFG_BOOL, offsetof(struct t_cfg, on), 0, 0, 0, "false", 1, "a switch"},
};

static enum tm_code
load(struct t_cfg *c, int argc, char **argv, int *help, struct tm_err *e)
{
    struct tm_cfg_table t = {t_opts, 3, c};

    return tm_cfg_load(&t, 1, argc, argv, help, e);
}

START_TEST(test_config_precedence_default_env_flag)
{
    struct t_cfg c;
    struct tm_err e;
    int help;
    char *argv1[] = {"prog", NULL};
    char *argv2[] = {"prog", "--port", "42", "--name=cli", "--on", NULL};

    unsetenv("TM_T_NAME");
    unsetenv("TM_T_PORT");
    ck_assert_int_eq(load(&c, 1, argv1, &help, &e), TM_OK);
    ck_assert_str_eq(c.name, "dflt");
    ck_assert_int_eq(c.port, 10);
    ck_assert_int_eq(c.on, 0);
    setenv("TM_T_NAME", "env", 1);
    setenv("TM_T_PORT", "20", 1);
    ck_assert_int_eq(load(&c, 1, argv1, &help, &e), TM_OK);
    ck_assert_str_eq(c.name, "env");
    ck_assert_int_eq(c.port, 20);
    ck_assert_int_eq(load(&c, 5, argv2, &help, &e), TM_OK);
    ck_assert_str_eq(c.name, "cli");
    ck_assert_int_eq(c.port, 42);
    ck_assert_int_eq(c.on, 1);
    ck_assert_int_eq(help, 0);
}
END_TEST

static const struct {
    const char *arg, *value, *field;
} bad_args[] = {
    {"--port", "0", "port"},           {"--port", "101", "port"},   {"--port", "12x", "port"},
    {"--name", "toolongname", "name"}, {"--nosuch", "1", "nosuch"}, {"--on", "maybe", "on"},
};

START_TEST(test_config_bad_values_name_the_flag)
{
    struct t_cfg c;
    struct tm_err e;
    int help;
    char arg[64];
    char *argv[] = {"prog", arg, NULL};

    unsetenv("TM_T_NAME");
    unsetenv("TM_T_PORT");
    snprintf(arg, sizeof arg, "%s=%s", bad_args[_i].arg, bad_args[_i].value);
    ck_assert_int_eq(load(&c, 2, argv, &help, &e), TM_INVALID);
    ck_assert_str_eq(e.field, bad_args[_i].field);
}
END_TEST

START_TEST(test_config_bad_env_is_refused_and_help_is_seen)
{
    struct t_cfg c;
    struct tm_err e;
    int help;
    char *argv[] = {"prog", "--help", NULL};
    char *argv1[] = {"prog", NULL};
    char *argv2[] = {"prog", "--port", NULL};

    setenv("TM_T_PORT", "abc", 1);
    ck_assert_int_eq(load(&c, 1, argv1, &help, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "port");
    ck_assert_ptr_nonnull(strstr(e.message, "TM_T_PORT"));
    ck_assert_int_eq(load(&c, 2, argv, &help, &e), TM_OK);
    ck_assert_int_eq(help, 1);
    unsetenv("TM_T_PORT");
    ck_assert_int_eq(load(&c, 2, argv2, &help, &e), TM_INVALID);
    ck_assert_str_eq(e.field, "port");
}
END_TEST

START_TEST(test_config_help_lists_every_option)
{
    struct t_cfg c;
    struct tm_cfg_table t = {t_opts, 3, &c};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    tm_cfg_help(f, "prog", "does things", &t, 1);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "--name TEXT"));
    ck_assert_ptr_nonnull(strstr(text, "env TM_T_PORT, default '10'"));
    ck_assert_ptr_nonnull(strstr(text, "--on BOOL"));
    ck_assert_ptr_nonnull(strstr(text, "default '***'")); /* secret default hidden */
    ck_assert_ptr_nonnull(strstr(text, "--help"));
    free(text);
}
END_TEST

Suite *
config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");

    tcase_add_test(tc, test_config_precedence_default_env_flag);
    tcase_add_loop_test(tc, test_config_bad_values_name_the_flag, 0,
                        (int)(sizeof bad_args / sizeof bad_args[0]));
    tcase_add_test(tc, test_config_bad_env_is_refused_and_help_is_seen);
    tcase_add_test(tc, test_config_help_lists_every_option);
    suite_add_tcase(s, tc);
    return s;
}
