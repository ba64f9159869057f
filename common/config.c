/* common/config.c — loads the option tables. Runs once at start-up, so it
 * favours clear error messages over speed. */
#include "common/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"

const struct tm_cfg_opt tm_base_cfg_opts[] = {
    {"log-level", "TM_LOG_LEVEL", TM_CFG_STR, offsetof(struct tm_base_cfg, log_level),
     sizeof(((struct tm_base_cfg *)0)->log_level), 0, 0, "info", 0,
     "least severe level logged: debug, info, warn, error"},
    {"ops-port", "TM_OPS_PORT", TM_CFG_INT, offsetof(struct tm_base_cfg, ops_port), 0, 0, 65535,
     "0", 0, "loopback port of GET /health and GET /metrics (0: none)"},
    {"instance", "TM_INSTANCE", TM_CFG_STR, offsetof(struct tm_base_cfg, instance),
     sizeof(((struct tm_base_cfg *)0)->instance), 0, 0, "1", 0,
     "name of this instance, shown in logs and /health"},
};
const size_t tm_base_cfg_n = sizeof tm_base_cfg_opts / sizeof tm_base_cfg_opts[0];

static enum tm_code
set_value(const struct tm_cfg_opt *o, void *base, const char *v, struct tm_err *err)
{
    char *field = (char *)base + o->offset;

    switch (o->type) {
    case TM_CFG_STR:
        if (tm_strlcpy(field, v, o->size) != TM_OK)
            return tm_err_set(err, TM_INVALID, o->flag, "--%s: longer than %zu bytes", o->flag,
                              o->size - 1);
        return TM_OK;
    case TM_CFG_INT: {
        char *end = NULL;
        long n;

        errno = 0;
        n = strtol(v, &end, 10);
        if (errno || end == v || *end != '\0' || n < o->min || n > o->max)
            return tm_err_set(err, TM_INVALID, o->flag, "--%s: '%s' is not an integer in [%d, %d]",
                              o->flag, v, o->min, o->max);
        *(int *)(void *)field = (int)n;
        return TM_OK;
    }
    case TM_CFG_BOOL:
        if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
            *(int *)(void *)field = 1;
        else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
            *(int *)(void *)field = 0;
        else
            return tm_err_set(err, TM_INVALID, o->flag, "--%s: '%s' is not a boolean", o->flag, v);
        return TM_OK;
    }
    return tm_err_set(err, TM_INTERNAL, o->flag, "bad option type");
}

static const struct tm_cfg_opt *
find_flag(const struct tm_cfg_table *tables, size_t n_tables, const char *name, size_t len,
          void **base)
{
    for (size_t t = 0; t < n_tables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct tm_cfg_opt *o = &tables[t].opts[i];
            if (strlen(o->flag) == len && strncmp(o->flag, name, len) == 0) {
                *base = tables[t].base;
                return o;
            }
        }
    }
    return NULL;
}

static enum tm_code
load_args(const struct tm_cfg_table *tables, size_t n_tables, int argc, char **argv,
          struct tm_err *err)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *name, *eq, *val;
        const struct tm_cfg_opt *o;
        void *base = NULL;
        size_t len;

        if (strncmp(arg, "--", 2) != 0)
            return tm_err_set(err, TM_INVALID, arg, "unexpected argument '%s'", arg);
        name = arg + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        o = find_flag(tables, n_tables, name, len, &base);
        if (!o) {
            char flag[TM_ERR_FIELD_MAX];
            snprintf(flag, sizeof flag, "%.*s", (int)len, name);
            return tm_err_set(err, TM_INVALID, flag, "unknown option '--%s' (see --help)", flag);
        }
        if (eq)
            val = eq + 1;
        else if (o->type == TM_CFG_BOOL)
            val = "true";
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return tm_err_set(err, TM_INVALID, o->flag, "--%s needs a value", o->flag);
        if (set_value(o, base, val, err) != TM_OK)
            return TM_INVALID;
    }
    return TM_OK;
}

enum tm_code
tm_cfg_load(const struct tm_cfg_table *tables, size_t n_tables, int argc, char **argv,
            int *want_help, struct tm_err *err)
{
    *want_help = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            *want_help = 1;
    if (*want_help)
        return TM_OK;
    for (size_t t = 0; t < n_tables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct tm_cfg_opt *o = &tables[t].opts[i];
            const char *env = o->env ? getenv(o->env) : NULL;

            if (set_value(o, tables[t].base, o->def, err) != TM_OK)
                return TM_INVALID;
            if (env && set_value(o, tables[t].base, env, err) != TM_OK)
                return tm_err_set(err, TM_INVALID, o->flag, "%s: %s", o->env, err->message);
        }
    }
    return load_args(tables, n_tables, argc, argv, err);
}

void
tm_cfg_help(FILE *out, const char *prog, const char *summary, const struct tm_cfg_table *tables,
            size_t n_tables)
{
    static const char *const type_name[] = {"TEXT", "N", "BOOL"};

    fprintf(out, "usage: %s [--option VALUE]...\n%s\n\noptions (flag, environment, default):\n",
            prog, summary);
    for (size_t t = 0; t < n_tables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct tm_cfg_opt *o = &tables[t].opts[i];
            fprintf(out, "  --%s %s\n      env %s, default '%s'\n      %s\n", o->flag,
                    type_name[o->type], o->env ? o->env : "-", o->secret ? "***" : o->def, o->help);
        }
    }
    fprintf(out, "  --help\n      print this text and exit\n");
}

void
tm_cfg_log(const struct tm_cfg_table *tables, size_t n_tables)
{
    struct tm_buf b;

    tm_buf_init(&b, TM_LOG_LINE_MAX - 256);
    for (size_t t = 0; t < n_tables; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            const struct tm_cfg_opt *o = &tables[t].opts[i];
            const char *field = (const char *)tables[t].base + o->offset;
            char v[300];

            if (o->secret)
                snprintf(v, sizeof v, "***");
            else if (o->type == TM_CFG_STR)
                tm_log_quote(v, sizeof v, field);
            else
                snprintf(v, sizeof v, "%d", *(const int *)(const void *)field);
            if (tm_buf_printf(&b, "%s%s=%s", b.len ? " " : "", o->flag, v) != TM_OK)
                break; /* the line is full; what fits is logged */
        }
    }
    tm_log_info(NULL, "config", "%s", b.p ? b.p : "");
    tm_buf_fini(&b);
}

int
tm_cfg_main(const struct tm_cfg_table *tables, size_t n_tables, int argc, char **argv,
            const char *prog, const char *summary)
{
    const struct tm_base_cfg *base = tables[0].base;
    enum tm_log_level level = TM_LOG_INFO;
    struct tm_err err;
    int help = 0;

    if (tm_cfg_load(tables, n_tables, argc, argv, &help, &err) != TM_OK ||
        (!help && tm_log_level_parse(base->log_level, &level, &err) != TM_OK)) {
        fprintf(stderr, "%s: %s\n", prog, err.message);
        return 2;
    }
    if (help) {
        tm_cfg_help(stdout, prog, summary, tables, n_tables);
        return 0;
    }
    tm_log_init(prog, level, 2);
    tm_cfg_log(tables, n_tables);
    return -1;
}
