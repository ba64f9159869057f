/* common/config.h — table-driven configuration, as pgbouncer does it.
 * Each daemon declares static tables of options (flag, environment variable,
 * type, offset into its config struct, default, help). Precedence is
 * default < environment < command-line flag, every value is validated, and
 * --help is generated from the same tables. Tables are read-only; loading
 * writes only into the caller's structs. Not thread-safe while loading. */
#ifndef TM_COMMON_CONFIG_H
#define TM_COMMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"

enum tm_cfg_type { TM_CFG_STR, TM_CFG_INT, TM_CFG_BOOL };

struct tm_cfg_opt {
    const char *flag;      /* "db-url" is given as --db-url VALUE or --db-url=VALUE */
    const char *env;       /* "TM_DB_URL" */
    enum tm_cfg_type type; /* STR: char[size]; INT: int in [min, max]; BOOL: int 0/1 */
    size_t offset;         /* of the field in the table's struct */
    size_t size;           /* STR only: sizeof the char array, NUL included */
    int min, max;          /* INT only: inclusive bounds */
    const char *def;       /* default, as text; "" for an empty string */
    int secret;            /* redacted when the effective config is logged */
    const char *help;
};

struct tm_cfg_table {
    const struct tm_cfg_opt *opts;
    size_t n;
    void *base; /* the struct the offsets point into */
};

/* Options every daemon has (log level, ops port, instance name). */
struct tm_base_cfg {
    char log_level[16];
    int ops_port;
    char instance[32];
};
extern const struct tm_cfg_opt tm_base_cfg_opts[];
extern const size_t tm_base_cfg_n;

/* Loads defaults, then the environment, then argv (argv[0] skipped). Sets
 * *want_help when --help or -h was given (nothing else is validated then).
 * TM_INVALID with err->field set to the flag name on a bad or unknown value. */
TM_MUSTCHECK enum tm_code tm_cfg_load(const struct tm_cfg_table *tables, size_t n_tables, int argc,
                                      char **argv, int *want_help, struct tm_err *err);

/* Prints usage: every option with its flag, env name, default and help. */
void tm_cfg_help(FILE *out, const char *prog, const char *summary,
                 const struct tm_cfg_table *tables, size_t n_tables);

/* Logs the effective configuration once (event=config), secrets as "***". */
void tm_cfg_log(const struct tm_cfg_table *tables, size_t n_tables);

/* The first lines of every program's main: loads the tables (tables[0] must
 * be the tm_base_cfg table), answers --help on stdout, starts logging to
 * stderr as `prog` and logs the effective configuration. Returns -1 when the
 * program should go on, else its exit status: 0 after --help, 2 for a bad
 * setting (the message, naming the setting, is on stderr). */
int tm_cfg_main(const struct tm_cfg_table *tables, size_t n_tables, int argc, char **argv,
                const char *prog, const char *summary);

#endif
