/* services/inventory/forecast_check.c — what fc_run promises of a result
 * (forecast.h, fc_result_check): every value finite and not negative,
 * intervals nested around the point, sums that never fall, a quantile grid
 * that never falls, finite parameters and accuracies. fc_run checks its own
 * result with it; tests break results one value at a time against it. */
#include <math.h>

#include "common/err.h"

#include "services/inventory/forecast.h"

/* TM_INTERNAL unless lo95 ≤ lo80 ≤ mid ≤ hi80 ≤ hi95, all finite and ≥ 0 */
static enum tm_code
check_interval(const char *what, int h, double lo95, double lo80, double mid, double hi80,
               double hi95, struct tm_err *err)
{
    const double v[5] = {lo95, lo80, mid, hi80, hi95};
    static const char *const names[5] = {"lo95", "lo80", "value", "hi80", "hi95"};

    for (int i = 0; i < 5; i++) {
        if (!isfinite(v[i]) || v[i] < 0)
            return tm_err_set(err, TM_INTERNAL, NULL, "%s %s of period %d is %g", what, names[i],
                              h + 1, v[i]);
        if (i > 0 && v[i] < v[i - 1])
            return tm_err_set(err, TM_INTERNAL, NULL, "%s %s of period %d (%g) is below %s (%g)",
                              what, names[i], h + 1, v[i], names[i - 1], v[i - 1]);
    }
    return TM_OK;
}

static enum tm_code
check_accuracy(const char *what, const struct fc_accuracy *a, struct tm_err *err)
{
    const double v[5] = {a->mase, a->rmsse, a->bias, a->cover80, a->cover95};

    for (int i = 0; i < 5; i++)
        if (!isfinite(v[i]))
            return tm_err_set(err, TM_INTERNAL, NULL, "backtest accuracy of %s is not finite",
                              what);
    return TM_OK;
}

enum tm_code
fc_result_check(const struct fc_result *r, struct tm_err *err)
{
    const struct fc_params *p = &r->params;
    const double params[6] = {p->alpha, p->beta, p->gamma, p->phi, p->sigma2, p->shift};
    enum tm_code rc;

    if (r->horizon < 1 || r->horizon > FC_MAX_HORIZON)
        return tm_err_set(err, TM_INTERNAL, NULL, "horizon %d is outside 1..%d", r->horizon,
                          FC_MAX_HORIZON);
    for (int h = 0; h < r->horizon; h++) {
        if ((rc = check_interval("forecast", h, r->lo95[h], r->lo80[h], r->forecast[h], r->hi80[h],
                                 r->hi95[h], err)) != TM_OK ||
            (rc = check_interval("sum", h, r->cum_lo95[h], r->cum_lo80[h], r->cum[h],
                                 r->cum_hi80[h], r->cum_hi95[h], err)) != TM_OK)
            return rc;
        if (!isfinite(r->mean[h]) || r->mean[h] < 0)
            return tm_err_set(err, TM_INTERNAL, NULL, "mean of period %d is %g", h + 1, r->mean[h]);
        if (h > 0 && r->cum[h] < r->cum[h - 1])
            return tm_err_set(err, TM_INTERNAL, NULL, "sum of period %d falls", h + 1);
        for (int j = 0; j < FC_CUM_NQ; j++)
            if (!isfinite(r->cum_q[h][j]) || r->cum_q[h][j] < 0 ||
                (j > 0 && r->cum_q[h][j] < r->cum_q[h][j - 1]))
                return tm_err_set(err, TM_INTERNAL, NULL,
                                  "quantile %g of the sum of period %d is %g", fc_cum_levels[j],
                                  h + 1, r->cum_q[h][j]);
    }
    for (int i = 0; i < 6; i++)
        if (!isfinite(params[i]))
            return tm_err_set(err, TM_INTERNAL, NULL, "a parameter of %s is not finite",
                              fc_model_name(r->model));
    if ((rc = check_accuracy("the chosen model", &r->chosen, err)) != TM_OK ||
        (rc = check_accuracy("seasonal naive", &r->snaive, err)) != TM_OK)
        return rc;
    return check_accuracy("the seed formula", &r->seed, err);
}
