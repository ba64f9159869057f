/* services/supplier-mock/main.c — tm-supplier-mock: a supplier's HTTP API
 * (docs/supplier-api.md) with faults on demand, for tests and `make up`.
 * Not a bus daemon: no database, no nanomsg, so no common/service. Wiring
 * only: settings, the catalogue file, the HTTP server (and the ops port
 * when one is set), then the signal loop; on SIGTERM civetweb stops taking
 * connections and finishes the requests in hand. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/config.h"
#include "common/http.h"
#include "common/log.h"
#include "common/ops.h"
#include "common/signals.h"

#include "services/supplier-mock/decode.h"
#include "services/supplier-mock/handlers.h"

#define F(field) offsetof(struct mock_cfg, field)
#define S(field) sizeof(((struct mock_cfg *)0)->field)
#define SHARE(flag, env, field, def, help)                                                         \
    {                                                                                              \
        flag, env, TM_CFG_STR, F(field), S(field), 0, 0, def, 0, help                              \
    }
static const struct tm_cfg_opt mock_opts[] = {
    {"listen", "TM_MOCK_LISTEN", TM_CFG_STR, F(listen), S(listen), 0, 0, "127.0.0.1:9101", 0,
     "address:port the supplier API is served on, on loopback only"},
    {"threads", "TM_MOCK_THREADS", TM_CFG_INT, F(threads), 0, 2, 1024, "32", 0,
     "HTTP worker threads; a hanging reply holds one for hang-ms"},
    {"code", "TM_MOCK_CODE", TM_CFG_STR, F(code), S(code), 0, 0, "ACME", 0,
     "supplier code: 1 to 16 of A-Z 0-9 _ -, the prefix of order ids (ACME-000001)"},
    {"currency", "TM_MOCK_CURRENCY", TM_CFG_STR, F(currency), S(currency), 0, 0, "USD", 0,
     "currency of the catalogue's prices (ISO 4217, three capitals)"},
    {"api-key", "TM_MOCK_API_KEY", TM_CFG_STR, F(api_key), S(api_key), 0, 0, "", 1,
     "bearer key every /v1/ request must carry; empty: none asked"},
    {"admin-key", "TM_MOCK_ADMIN_KEY", TM_CFG_STR, F(admin_key), S(admin_key), 0, 0, "", 1,
     "bearer key of the /admin/ routes; empty: the api key"},
    {"catalogue", "TM_MOCK_CATALOGUE", TM_CFG_STR, F(catalogue), S(catalogue), 0, 0, "", 0,
     "JSON file {\"items\": [...]} loaded at start (at most 4 MiB); empty: no items"},
    {"lead-time-days", "TM_MOCK_LEAD_TIME_DAYS", TM_CFG_INT, F(lead_time_days), 0, 0,
     MOCK_LEAD_DAYS_MAX, "3", 0, "lead time of the items that quote none"},
    {"orders-max", "TM_MOCK_ORDERS_MAX", TM_CFG_INT, F(orders_max), 0, 1, MOCK_ORDERS_MAX, "100000",
     0, "orders held at most; more are refused 503 until POST /admin/reset"},
    {"seed", "TM_MOCK_SEED", TM_CFG_INT, F(seed), 0, 0, 2147483647, "1", 0,
     "seed of the fault generator: the same seed draws the same faults"},
    {"latency-ms", "TM_MOCK_LATENCY_MS", TM_CFG_INT, F(latency_ms), 0, 0, MOCK_WAIT_MS_MAX, "0", 0,
     "every /v1/ reply waits this long first"},
    SHARE("error-rate", "TM_MOCK_ERROR_RATE", error_rate, "0", "share of requests answered 503"),
    SHARE("timeout-rate", "TM_MOCK_TIMEOUT_RATE", timeout_rate, "0",
          "share of requests whose reply waits hang-ms first"),
    {"hang-ms", "TM_MOCK_HANG_MS", TM_CFG_INT, F(hang_ms), 0, 0, MOCK_WAIT_MS_MAX, "30000", 0,
     "a timeout fault's wait"},
    SHARE("drop-rate", "TM_MOCK_DROP_RATE", drop_rate, "0",
          "share of requests whose connection is closed with no reply"),
    SHARE("malformed-rate", "TM_MOCK_MALFORMED_RATE", malformed_rate, "0",
          "share of requests answered 200 with a body that is not JSON"),
    SHARE("rate-limit-rate", "TM_MOCK_RATE_LIMIT_RATE", rate_limit_rate, "0",
          "share of requests answered 429 with Retry-After"),
    {"retry-after-s", "TM_MOCK_RETRY_AFTER_S", TM_CFG_INT, F(retry_after_s), 0, 0,
     MOCK_RETRY_AFTER_MAX, "1", 0, "a rate-limit fault's Retry-After"},
    SHARE("after-share", "TM_MOCK_AFTER_SHARE", after_share, "0.5",
          "share of an order's faults that fall after the order is recorded"),
};
#undef SHARE
#undef F
#undef S

/* 1 when every entry of a civetweb listening_ports list is on loopback:
 * the mock has keys but no TLS, and is for tests and the sample stack. */
static int
loopback_only(const char *listen)
{
    const char *p = listen;

    while (*p) {
        size_t n = strcspn(p, ",");

        if (strncmp(p, "127.", 4) != 0 && strncmp(p, "[::1]:", 6) != 0)
            return 0;
        p += n + (p[n] == ',');
    }
    return listen[0] != '\0';
}

/* The settings main checks beyond their type: the shares, code, currency. */
static enum tm_code
check_cfg(const struct mock_cfg *cfg, struct mock_faults *f, struct tm_err *err)
{
    const char *share_text[MOCK_FAULT_KINDS] = {
        NULL,           cfg->error_rate,     cfg->timeout_rate,
        cfg->drop_rate, cfg->malformed_rate, cfg->rate_limit_rate};
    static const char *const flags[MOCK_FAULT_KINDS] = {
        NULL, "error-rate", "timeout-rate", "drop-rate", "malformed-rate", "rate-limit-rate"};
    size_t n = strlen(cfg->code);
    enum tm_code rc;

    if (n == 0 || strspn(cfg->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
        return tm_err_set(err, TM_INVALID, "code", "code must be 1 to %d of A-Z 0-9 _ -",
                          MOCK_CODE_MAX);
    if (strlen(cfg->currency) != 3 || strspn(cfg->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return tm_err_set(err, TM_INVALID, "currency", "currency must be three capitals (USD)");
    if (!loopback_only(cfg->listen))
        return tm_err_set(err, TM_INVALID, "listen",
                          "listen must be loopback addresses only (127.0.0.1:9101, [::1]:9101)");
    mock_faults_default(f);
    f->latency_ms = cfg->latency_ms;
    f->hang_ms = cfg->hang_ms;
    f->retry_after_s = cfg->retry_after_s;
    for (int k = MOCK_FAULT_NONE + 1; k < MOCK_FAULT_KINDS; k++)
        if ((rc = mock_share_parse(share_text[k], flags[k], &f->rate_ppm[k], err)) != TM_OK)
            return rc;
    if ((rc = mock_share_parse(cfg->after_share, "after-share", &f->after_ppm, err)) != TM_OK)
        return rc;
    return mock_faults_check(f, err);
}

/* Loads the --catalogue file into cat (nothing when no file is set). */
static enum tm_code
load_catalogue(const struct mock_cfg *cfg, struct mock_catalogue *cat, struct tm_err *err)
{
    FILE *fp;
    char *text;
    size_t len;
    enum tm_code rc;

    if (!cfg->catalogue[0])
        return TM_OK;
    if (!(fp = fopen(cfg->catalogue, "rb")))
        return tm_err_set(err, TM_INVALID, "catalogue", "cannot open %s", cfg->catalogue);
    text = tm_xmalloc(MOCK_BODY_MAX + 1);
    len = fread(text, 1, MOCK_BODY_MAX + 1, fp);
    rc = ferror(fp) ? tm_err_set(err, TM_INVALID, "catalogue", "cannot read %s", cfg->catalogue)
                    : mock_parse_catalogue(text, len, cfg->lead_time_days, cat, err);
    fclose(fp);
    free(text);
    return rc;
}

static void
mock_health(void *arg, struct tm_health *h)
{
    struct mock_app *app = arg;
    size_t items, orders;

    pthread_mutex_lock(&app->mu);
    items = app->cat.n;
    orders = app->orders.n;
    pthread_mutex_unlock(&app->mu);
    tm_health_add(h, "catalogue", TM_HEALTH_UP, "%zu items, %zu orders", items, orders);
}

int
main(int argc, char **argv)
{
    static struct mock_cfg cfg; /* static: civetweb threads read it until mg_stop */
    static struct mock_app app;
    struct tm_cfg_table tables[] = {
        {tm_base_cfg_opts, tm_base_cfg_n, &cfg.base},
        {mock_opts, sizeof mock_opts / sizeof mock_opts[0], &cfg},
    };
    struct mock_catalogue cat;
    struct mock_faults faults;
    struct mg_context *http = NULL;
    struct tm_ops *ops = NULL;
    struct tm_err err;
    int status, sig, ready = 0;

    tm_signals_block();
    if ((status = tm_cfg_main(tables, 2, argc, argv, "tm-supplier-mock",
                              "A supplier's HTTP API (docs/supplier-api.md) with injected "
                              "faults, for tests and the sample stack.")) >= 0)
        return status;
    mock_catalogue_init(&cat);
    if (check_cfg(&cfg, &faults, &err) != TM_OK || load_catalogue(&cfg, &cat, &err) != TM_OK) {
        fprintf(stderr, "tm-supplier-mock: %s: %s\n", err.field, err.message);
        tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
        mock_catalogue_fini(&cat);
        return 2;
    }
    mock_app_init(&app, &cfg, &faults, &cat);
    mg_init_library(0);
    status = 1;
    if (tm_ops_start(cfg.base.ops_port, "tm-supplier-mock", cfg.base.instance, mock_health, &app,
                     &ops, &err) != TM_OK ||
        tm_http_start(cfg.listen, cfg.threads, NULL, &app, &http, &err) != TM_OK) {
        status = err.code == TM_INVALID ? 2 : 1;
        tm_log_error(NULL, "start", "field=%s error=\"%s\"", err.field, err.message);
        goto out;
    }
    mg_set_request_handler(http, "/", mock_handle, &app);
    ready = 1;
    tm_log_info(NULL, "ready", "listen=%s code=%s items=%zu", cfg.listen, cfg.code, app.cat.n);
    while ((sig = tm_signals_wait(1000)) != SIGTERM && sig != SIGINT)
        if (sig == SIGHUP)
            tm_log_info(NULL, "sighup", "nothing to reload: faults change by PUT /admin/faults");
    tm_log_info(NULL, "stopping", "signal=%d", sig);
    status = 0;
out:
    mock_app_stop(&app);
    if (http)
        mg_stop(http); /* waits for the requests in hand */
    tm_ops_stop(ops);
    mg_exit_library();
    mock_app_fini(&app);
    tm_log_info(NULL, "stopped", "status=%d ready=%d", status, ready);
    return status;
}
