/* services/gateway/gateway_admin_main.c — tm-gateway-admin: the bootstrap `make up`
 * runs. Creates the first admin when there is none — from TM_ADMIN_EMAIL /
 * TM_ADMIN_PASSWORD, or with a generated password written to a file only
 * its owner can read — and, with --sample-users, one user of each other
 * role. Safe to run again: existing users are left as they are. */
#include <fcntl.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/db.h"
#include "common/hash.h"
#include "common/log.h"

#include "services/gateway/handlers.h"
#include "services/gateway/store.h"
#include "services/gateway/token.h"

struct admin_cfg {
    struct tm_base_cfg base;
    char db_url[512];
    char email[256];
    char password[257];
    char credentials[512];
    int sample_users;
    char sample_password[257];
    int pwhash_ops, pwhash_mem_kib;
};

#define F(field) offsetof(struct admin_cfg, field)
#define S(field) sizeof(((struct admin_cfg *)0)->field)
static const struct tm_cfg_opt admin_opts[] = {
    {"db-url", "TM_GATEWAY_DB_URL", TM_CFG_STR, F(db_url), S(db_url), 0, 0,
     "postgresql:///techmart", 1, "PostgreSQL of the gateway schema"},
    {"admin-email", "TM_ADMIN_EMAIL", TM_CFG_STR, F(email), S(email), 0, 0, "admin@techmart.local",
     0, "email of the first admin"},
    {"admin-password", "TM_ADMIN_PASSWORD", TM_CFG_STR, F(password), S(password), 0, 0, "", 1,
     "password of the first admin; empty: generate one into the credentials file"},
    {"credentials-file", "TM_ADMIN_CREDENTIALS_FILE", TM_CFG_STR, F(credentials), S(credentials), 0,
     0, "admin-credentials", 0, "where generated passwords are written (mode 0600)"},
    {"sample-users", "TM_SAMPLE_USERS", TM_CFG_BOOL, F(sample_users), 0, 0, 0, "false", 0,
     "also create one user of each other role (role@techmart.local)"},
    {"sample-password", "TM_SAMPLE_PASSWORD", TM_CFG_STR, F(sample_password), S(sample_password), 0,
     0, "", 1, "one password for every sample user (tests); empty: a generated one each"},
    {"pwhash-ops", "TM_PWHASH_OPS", TM_CFG_INT, F(pwhash_ops), 0, 1, 20, "2", 0, "argon2id passes"},
    {"pwhash-mem-kib", "TM_PWHASH_MEM_KIB", TM_CFG_INT, F(pwhash_mem_kib), 0, 8, 1048576, "19456",
     0, "argon2id memory in KiB"},
};
#undef F
#undef S

/* Appends "key=value" to the credentials file, created 0600. */
static int
remember(const char *path, const char *key, const char *value)
{
    char line[600];
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int n = snprintf(line, sizeof line, "%s=%s\n", key, value);

    if (fd < 0 || n < 0 || (size_t)n >= sizeof line || write(fd, line, (size_t)n) != n) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fchmod(fd, 0600);
    close(fd);
    return 0;
}

/* Creates (email, role) unless the email exists. */
static enum tm_code
ensure_user(PGconn *db, const struct admin_cfg *cfg, const char *email, const char *name,
            const char *role, const int64_t *stores, int n_stores, const char *password,
            int *created, struct tm_err *err)
{
    struct gw_user u;
    enum tm_code rc = gw_db_user_by_email(db, email, &u, err);

    *created = 0;
    if (rc != TM_NOTFOUND)
        return rc;
    memset(&u, 0, sizeof u);
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    if (n_stores > 0)
        memcpy(u.stores, stores, sizeof(int64_t) * (size_t)n_stores);
    u.n_stores = n_stores;
    if ((rc = gw_password_hash(cfg->pwhash_ops, cfg->pwhash_mem_kib, password, u.password_hash,
                               sizeof u.password_hash, err)) != TM_OK ||
        (rc = gw_db_user_create(db, &u, err)) != TM_OK)
        return rc;
    *created = 1;
    tm_log_info(NULL, "user.created", "email=%s role=%s", email, role);
    return TM_OK;
}

/* The sample POS: an API key for store 1, made once (when no key exists),
 * its secret written to the credentials file. */
static enum tm_code
sample_pos_key(PGconn *db, const struct admin_cfg *cfg, struct tm_err *err)
{
    struct tm_page pg = {1, 0};
    struct gw_api_key k, existing[2];
    char full[96];
    int n = 0;
    enum tm_code rc;

    if ((rc = gw_db_key_list(db, &pg, existing, &n, err)) != TM_OK || n > 0)
        return rc;
    memset(&k, 0, sizeof k);
    snprintf(k.name, sizeof k.name, "Sample POS, store 1");
    k.stores[0] = 1;
    k.n_stores = 1;
    if ((rc = gw_api_key_generate(&k, full, sizeof full, err)) != TM_OK)
        return rc;
    if ((rc = gw_db_key_create(db, &k, 0, err)) != TM_OK)
        return rc;
    tm_log_info(NULL, "api_key.created", "name=\"%s\" prefix=%s", k.name, k.prefix);
    if (remember(cfg->credentials, "pos_api_key", full) != 0)
        return tm_err_set(err, TM_UNAVAIL, NULL, "cannot write %s", cfg->credentials);
    sodium_memzero(full, sizeof full);
    return TM_OK;
}

static int
bootstrap(PGconn *db, const struct admin_cfg *cfg, struct tm_err *err)
{
    static const char *const roles[] = {"store_manager", "buyer", "analyst", "fraud_analyst",
                                        "viewer"};
    /* each sample user a person's name, as the user list and the audit show them */
    static const char *const names[] = {"Sam Ortega", "Priya Nair", "Lena Fischer", "Omar Haddad",
                                        "Jo Whitfield"};
    _Static_assert(sizeof names / sizeof names[0] == sizeof roles / sizeof roles[0],
                   "a name for each sample role");
    static const int64_t manager_stores[] = {1, 2};
    char pw[65], email[300];
    const char *admin_pw = cfg->password, *sample_pw = cfg->sample_password;
    int created = 0;

    if (!admin_pw[0]) {
        if (tm_random_hex(12, pw, sizeof pw) != TM_OK)
            return 1;
        admin_pw = pw;
    }
    if (ensure_user(db, cfg, cfg->email, "Administrator", "admin", NULL, 0, admin_pw, &created,
                    err) != TM_OK)
        return 1;
    if (created && !cfg->password[0]) {
        if (remember(cfg->credentials, "admin_email", cfg->email) != 0 ||
            remember(cfg->credentials, "admin_password", admin_pw) != 0)
            return 1;
        printf("The first admin is %s; its generated password is in %s (mode 0600).\n", cfg->email,
               cfg->credentials);
    }
    if (!cfg->sample_users)
        return 0;
    if (sample_pos_key(db, cfg, err) != TM_OK)
        return 1;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        int is_mgr = strcmp(roles[i], "store_manager") == 0;
        /* each sample user its own generated password: knowing one opens no other */
        if (!cfg->sample_password[0]) {
            if (tm_random_hex(12, pw, sizeof pw) != TM_OK)
                return 1;
            sample_pw = pw;
        }
        snprintf(email, sizeof email, "%s@techmart.local", roles[i]);
        if (ensure_user(db, cfg, email, names[i], roles[i], is_mgr ? manager_stores : NULL,
                        is_mgr ? 2 : 0, sample_pw, &created, err) != TM_OK)
            return 1;
        if (created && !cfg->sample_password[0] && remember(cfg->credentials, email, sample_pw))
            return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static struct admin_cfg cfg;
    const struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {admin_opts, sizeof admin_opts / sizeof admin_opts[0], &cfg},
    };
    struct tm_err err;
    PGconn *db;
    int status;

    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-gateway-admin",
                              "Creates the first admin (and sample users) when missing.")) >= 0)
        return status;
    if (tm_hash_init() != TM_OK)
        return 1;
    db = PQconnectdb(cfg.db_url);
    if (PQstatus(db) != CONNECTION_OK) {
        tm_log_error(NULL, "admin", "error=\"cannot connect: %s\"", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    tm_err_clear(&err);
    status = bootstrap(db, &cfg, &err);
    if (status != 0)
        tm_log_error(NULL, "admin", "field=%s error=\"%s\"", err.field, err.message);
    PQfinish(db);
    return status;
}
