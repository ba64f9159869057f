/* services/inventory/forecast_theta.c — the start of the Theta method, and
 * the path of the seasonal moving average (the end of the file), the two
 * models that forecast.c's state machine delegates.
 *
 * Theta
 * (Assimakopoulos & Nikolopoulos 2000), the best single method of the M3
 * competition on monthly and other seasonal data, in the state-space form of
 * Hyndman & Billah (2003): simple exponential smoothing with a drift of half
 * the least-squares slope of the series, on the seasonally adjusted series.
 * forecast.c steps it (level + h·drift, times or plus the season's index);
 * only α is fitted.
 *
 * Seasonal adjustment as in the M3 method: when the autocorrelation at lag m
 * is significant at 90 % (|r_m| > 1.645 √((1 + 2 Σ_{k<m} r_k²) / n)), indices
 * are the mean of each slot's ratio to a centred moving average over the
 * window (classical decomposition), ratios on strictly positive data and
 * differences otherwise; else every index is neutral. The indices and the
 * drift are fixed at the start: the backtest starts the state on the periods
 * before its first origin, so neither sees a test period. */
#include <math.h>

#include "services/inventory/forecast_model.h"

#define THETA_ACF_Z 1.6448536269514722 /* the 90 % two-sided test of the M3 Theta */

/* mean of the observed values of y[from..n), and how many */
static double
obs_mean(const double *y, int from, int n, int *count)
{
    double sum = 0;
    int c = 0;
    for (int t = from; t < n; t++)
        if (!isnan(y[t])) {
            sum += y[t];
            c++;
        }
    *count = c;
    return c ? sum / c : 0;
}

/* autocorrelation of y[from..n) at lag k, over pairs both observed */
static double
acf(const double *y, int from, int n, int k, double mean, double var)
{
    double s = 0;
    for (int t = from + k; t < n; t++)
        if (!isnan(y[t]) && !isnan(y[t - k]))
            s += (y[t] - mean) * (y[t - k] - mean);
    return var > 0 ? s / var : 0;
}

int
fc_seasonal(const double *y, int from, int n, int m)
{
    int c;
    double mean = obs_mean(y, from, n, &c), var = 0, sum2 = 0;
    if (m < 2 || c < 3 * m)
        return 0;
    for (int t = from; t < n; t++)
        if (!isnan(y[t]))
            var += (y[t] - mean) * (y[t] - mean);
    for (int k = 1; k < m; k++) {
        double r = acf(y, from, n, k, mean, var);
        sum2 += r * r;
    }
    double rm = acf(y, from, n, m, mean, var);
    return fabs(rm) > THETA_ACF_Z * sqrt((1 + 2 * sum2) / c);
}

/* classical decomposition: each slot's mean ratio (or difference) to the
 * centred moving average of order m (2×m when m is even) */
static void
indices(struct fc_state *s, const double *y, int from, int n, int m)
{
    double sum[FC_MAX_SEASON] = {0}, norm = 0;
    int cnt[FC_MAX_SEASON] = {0}, half = m / 2;
    for (int t = from + half; t + half < n; t++) {
        double cma = 0;
        int ok = 1;
        for (int j = -half; j <= half && ok; j++) {
            double v = y[t + j];
            double w = (m % 2 == 0 && (j == -half || j == half)) ? 0.5 : 1;
            ok = !isnan(v);
            cma += w * v;
        }
        if (!ok || isnan(y[t]))
            continue;
        cma /= m;
        if (s->mul && !(cma > 0))
            continue;
        sum[t % m] += s->mul ? y[t] / cma : y[t] - cma;
        cnt[t % m]++;
    }
    for (int j = 0; j < m; j++) {
        s->season[j] = cnt[j] ? sum[j] / cnt[j] : s->mul;
        norm += s->season[j];
    }
    norm /= m;
    for (int j = 0; j < m; j++) {
        if (s->mul)
            s->season[j] = norm > 0 && s->season[j] > 0 ? s->season[j] / norm : 1;
        else
            s->season[j] -= norm;
    }
}

void
fc_theta_init(struct fc_state *s, const double *y, int from, int n)
{
    int m = s->m, c;
    s->mul = 1;
    for (int t = from; t < n; t++)
        if (!isnan(y[t]) && y[t] <= 0)
            s->mul = 0;
    for (int j = 0; j < m; j++)
        s->season[j] = s->mul;
    if (fc_seasonal(y, from, n, m))
        indices(s, y, from, n, m);
    /* least-squares slope of the adjusted series on time */
    double st = 0, sy = 0, stt = 0, sty = 0, b1 = 0;
    int c1 = 0, block = m > 1 ? m : 4;
    c = 0;
    for (int t = from; t < n; t++) {
        if (isnan(y[t]))
            continue;
        double a = s->mul ? y[t] / s->season[t % m] : y[t] - s->season[t % m], x = t - from;
        if (t - from < block) {
            b1 += a;
            c1++;
        }
        st += x;
        sy += a;
        stt += x * x;
        sty += x * a;
        c++;
    }
    double den = c * stt - st * st;
    s->trend = c > 2 && den > 0 ? 0.5 * (c * sty - st * sy) / den : 0;
    /* the level starts where the other models' do: the mean of the first
     * block (a season, or 4 periods), here adjusted */
    s->level = c1 ? b1 / c1 : 0;
}

void
fc_seasonal_paths(const struct fc_state *s, int H, double *mean, double *median)
{
    int m = s->m, t = s->t;
    for (int h = 0; h < H && h < m; h++) {
        double v[FC_SEASONS_MAX], sum = 0;
        int c = 0;
        /* the latest period of this slot before t, then a season back */
        for (int i = t - m + h; i >= s->from && c < s->p.window && c < FC_SEASONS_MAX; i -= m)
            if (!isnan(s->y[i])) {
                sum += s->y[i];
                v[c++] = s->y[i];
            }
        for (int a = 1; a < c; a++) /* insertion sort: at most FC_SEASONS_MAX */
            for (int b = a; b > 0 && v[b - 1] > v[b]; b--) {
                double x = v[b];
                v[b] = v[b - 1];
                v[b - 1] = x;
            }
        if (mean)
            mean[h] = c ? sum / c : s->last;
        if (median)
            median[h] = c ? (c % 2 ? v[c / 2] : 0.5 * (v[c / 2 - 1] + v[c / 2])) : s->last;
    }
    for (int h = m; h < H; h++) {
        if (mean)
            mean[h] = mean[h - m];
        if (median)
            median[h] = median[h - m];
    }
}
