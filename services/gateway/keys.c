/* services/gateway/keys.c — signing key and limits at start-up. */
#include "services/gateway/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/log.h"

#include "services/gateway/token.h"

static enum tm_code
read_key(const char *path, struct gw_app *app, struct tm_err *err)
{
    char buf[sizeof app->key + 2];
    int fd = open(path, O_RDONLY);
    ssize_t n;
    struct stat st;

    if (fd < 0)
        return tm_err_set(err, TM_NOTFOUND, "jwt-secret-file", "cannot open %s", path);
    if (fstat(fd, &st) == 0 && (st.st_mode & 077))
        tm_log_warn(NULL, "jwt.key_mode", "file=%s mode=%o note=\"should be 0600\"", path,
                    (unsigned)(st.st_mode & 0777));
    n = read(fd, buf, sizeof buf);
    close(fd);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    if (n < GW_KEY_MIN || (size_t)n > sizeof app->key)
        return tm_err_set(err, TM_INVALID, "jwt-secret-file", "%s must hold %d-%zu bytes", path,
                          GW_KEY_MIN, sizeof app->key);
    memcpy(app->key, buf, (size_t)n);
    app->key_len = (size_t)n;
    return TM_OK;
}

/* Writes a fresh key to a private temporary file and links it into place:
 * link(2) fails when another instance got there first, and then its key is
 * the one read. */
static enum tm_code
create_key(const char *path, struct tm_err *err)
{
    char tmp[600], hex[65];
    int fd;

    if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
        return tm_err_set(err, TM_INVALID, "jwt-secret-file", "path too long");
    if (tm_random_hex(32, hex, sizeof hex) != TM_OK)
        return tm_err_set(err, TM_INTERNAL, NULL, "random token does not fit");
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return tm_err_set(err, TM_UNAVAIL, "jwt-secret-file", "cannot create %s: %s", tmp,
                          strerror(errno));
    if (write(fd, hex, 64) != 64 || fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        return tm_err_set(err, TM_UNAVAIL, "jwt-secret-file", "cannot write %s", tmp);
    }
    close(fd);
    if (link(tmp, path) == 0)
        tm_log_info(NULL, "jwt.key_created", "file=%s", path);
    unlink(tmp);
    return TM_OK;
}

enum tm_code
gw_keys_load(struct gw_app *app, struct tm_err *err)
{
    const struct gw_cfg *cfg = app->cfg;
    size_t n = strlen(cfg->jwt_secret);

    if (n) {
        if (n < GW_KEY_MIN || n > sizeof app->key)
            return tm_err_set(err, TM_INVALID, "jwt-secret", "TM_JWT_SECRET must be %d-%zu bytes",
                              GW_KEY_MIN, sizeof app->key);
        memcpy(app->key, cfg->jwt_secret, n);
        app->key_len = n;
        return TM_OK;
    }
    if (!cfg->jwt_secret_file[0])
        return tm_err_set(err, TM_INVALID, "jwt-secret-file",
                          "no signing key: set TM_JWT_SECRET (32-%zu bytes) or TM_JWT_SECRET_FILE "
                          "(a file created at first start when absent)",
                          sizeof app->key);
    if (access(cfg->jwt_secret_file, F_OK) != 0 && create_key(cfg->jwt_secret_file, err) != TM_OK)
        return err ? err->code : TM_UNAVAIL;
    return read_key(cfg->jwt_secret_file, app, err);
}

enum tm_code
gw_limits_parse(struct gw_app *app, struct tm_err *err)
{
    char spec[sizeof app->cfg->rate_limits], *save = NULL;

    snprintf(spec, sizeof spec, "%s", app->cfg->rate_limits);
    for (int r = 0; r < TM_ROLE_COUNT; r++)
        app->role_limit[r] = 600;
    app->anon_limit = 120;
    for (char *item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end = NULL;
        long v;
        enum tm_role role;

        if (!eq)
            return tm_err_set(err, TM_INVALID, "rate-limits", "'%s' is not role=N", item);
        *eq = '\0';
        v = strtol(eq + 1, &end, 10);
        if (*end || v < 1 || v > 100000000)
            return tm_err_set(err, TM_INVALID, "rate-limits", "%s: bad limit", item);
        if (strcmp(item, "anonymous") == 0)
            app->anon_limit = (int)v;
        else if (tm_role_parse(item, &role))
            app->role_limit[role] = (int)v;
        else
            return tm_err_set(err, TM_INVALID, "rate-limits", "unknown role '%s'", item);
    }
    return TM_OK;
}
