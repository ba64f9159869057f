/* tests/integration/main.c — the integration run. deploy/run-tests.sh starts
 * a throwaway stack on free ports and passes its addresses here. */
#include <stdio.h>
#include <stdlib.h>

#include <civetweb.h>

#include "tests/integration/client.h"

static const char *
need(const char *name)
{
    const char *v = getenv(name);

    if (!v || !*v) {
        fprintf(stderr, "integration: %s is not set (run through make test)\n", name);
        exit(2);
    }
    return v;
}

int
main(void)
{
    SRunner *sr;
    int failed;

    st.http_port = atoi(need("TM_TEST_HTTP_PORT"));
    st.gw_ops_port = atoi(need("TM_TEST_GW_OPS_PORT"));
    st.inv_ops_port = atoi(need("TM_TEST_INV_OPS_PORT"));
    st.run_dir = need("TM_TEST_RUN_DIR");
    st.root = need("TM_TEST_ROOT");
    st.bin = need("TM_TEST_BIN");
    st.db_url = need("TM_TEST_DB_URL");
    st.redis_url = need("TM_TEST_REDIS_URL");
    st.n_inventory = atoi(need("TM_TEST_N_INVENTORY"));
    st.jwt_secret = need("TM_JWT_SECRET");
    if (sscanf(need("TM_TEST_GW_PORTS"), "%d,%d", &st.gw_ports[0], &st.gw_ports[1]) != 2)
        return 2;
    mg_init_library(0);
    /* One login per role for the whole run (logins are rate limited). */
    for (int i = 0; i < 6; i++) {
        char email[128];
        const char *pw = i ? need("TM_SAMPLE_PASSWORD") : need("TM_ADMIN_PASSWORD");

        if (i)
            snprintf(email, sizeof email, "%s@techmart.local", test_roles[i]);
        else
            snprintf(email, sizeof email, "%s", need("TM_ADMIN_EMAIL"));
        if (login(email, pw, st.token[i], sizeof st.token[i], NULL, 0) != 0) {
            fprintf(stderr, "integration: cannot log in as %s\n", email);
            return 2;
        }
    }
    sr = srunner_create(catalogue_suite());
    srunner_add_suite(sr, input_suite());
    srunner_add_suite(sr, query_suite()); /* before forecast: it checks make up's forecasts */
    srunner_add_suite(sr, platform_suite());
    srunner_add_suite(sr, migrate_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, session_suite());
    srunner_add_suite(sr, audit_suite());
    srunner_add_suite(sr, access_suite());
    srunner_add_suite(sr, events_suite());
    srunner_add_suite(sr, outbox_suite());
    srunner_add_suite(sr, subscriber_suite());
    srunner_add_suite(sr, stock_commit_suite());
    srunner_add_suite(sr, stock_suite());
    srunner_add_suite(sr, txn_suite());
    srunner_add_suite(sr, fraud_suite());
    srunner_add_suite(sr, fraud_void_suite());
    srunner_add_suite(sr, analytics_models_suite());
    srunner_add_suite(sr, overview_suite());
    srunner_add_suite(sr, report_suite());
    srunner_add_suite(sr, supplier_suite());
    srunner_add_suite(sr, po_suite());
    srunner_add_suite(sr, reorder_suite());
    srunner_add_suite(sr, mock_suite());
    srunner_add_suite(sr, analytics_routes_suite());
    srunner_add_suite(sr, csv_stream_suite()); /* after analytics_models: see its head */
    srunner_add_suite(sr, rfm_suite());
    srunner_add_suite(sr, alerts_config_suite());
    srunner_add_suite(sr, ws_suite());
    srunner_add_suite(sr, alerts_life_suite());
    srunner_add_suite(sr, alerts_cond_suite());
    srunner_add_suite(sr, alerts_notify_suite());
    srunner_add_suite(sr, alerts_deliver_suite());
    srunner_add_suite(sr, forecast_suite());
    srunner_add_suite(sr, calendar_suite());
    srunner_add_suite(sr, scaling_suite());
    srunner_add_suite(sr, edge_suite()); /* last: its flood fills the audit log with 401s */
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    mg_exit_library();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
