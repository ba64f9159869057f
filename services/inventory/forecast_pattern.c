/* services/inventory/forecast_pattern.c — seasonal patterns of a daily
 * demand series, for people: how strongly the weekday shapes demand, where
 * the trend goes, and which months peak when two or more years exist. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "services/inventory/forecast.h"

/* Howard Hinnant's days_from_civil / civil_from_days (public domain
 * algorithms, written here from their description). */
int64_t
fc_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
fc_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void
fc_day_text(int64_t day, char *out, size_t size)
{
    int y, m, d;

    fc_civil_from_days(day, &y, &m, &d);
    snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

/* a usable value: not finite → NaN (missing), returns → 0 */
static double
val(double v)
{
    return !isfinite(v) ? NAN : v < 0 ? 0 : v > 1e12 ? 1e12 : v;
}

int
fc_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday (3) */
    int64_t w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* weekday profile over the latest 52 weeks: each day's deviation from its
 * own week's mean, so a level change does not read as a weekday effect */
static void
weekday_profile(const double *y, int n, int64_t day0, struct fc_patterns *out)
{
    int weeks = n / 7 > 52 ? 52 : n / 7;
    if (weeks < 4)
        return;
    int from = n - weeks * 7;
    double dev_sum[7] = {0}, lvl_sum[7] = {0}, total = 0;
    int dev_n[7] = {0}, total_n = 0;
    double ss_total = 0;
    for (int w = 0; w < weeks; w++) {
        int a = from + w * 7;
        double s = 0;
        int c = 0;
        for (int i = a; i < a + 7; i++)
            if (!isnan(val(y[i]))) {
                s += val(y[i]);
                c++;
            }
        if (c < 7)
            continue; /* a week with a missing day has no clean deviations */
        double mean = s / 7;
        for (int i = a; i < a + 7; i++) {
            int wd = fc_weekday(day0 + i);
            double d = val(y[i]) - mean;
            dev_sum[wd] += d;
            lvl_sum[wd] += val(y[i]);
            dev_n[wd]++;
            ss_total += d * d;
            total += val(y[i]);
            total_n++;
        }
    }
    if (total_n < 28 || !(total > 0))
        return;
    double mean = total / total_n, ss_between = 0;
    for (int d = 0; d < 7; d++) {
        double dm = dev_n[d] ? dev_sum[d] / dev_n[d] : 0;
        ss_between += dev_n[d] * dm * dm;
        out->weekday_index[d] = dev_n[d] ? lvl_sum[d] / dev_n[d] / mean : 0;
    }
    out->weekday = 1;
    out->weekday_strength = ss_total > 0 ? ss_between / ss_total : 0;
}

/* least-squares line through the latest (up to 26) complete weekly totals;
 * the direction counts when |t| of the slope is at least 2 */
static void
trend(const double *y, int n, struct fc_patterns *out)
{
    int weeks = n / 7 > 26 ? 26 : n / 7;
    if (weeks < 4)
        return;
    int from = n - weeks * 7;
    double x[26], v[26];
    int k = 0;
    for (int w = 0; w < weeks; w++) {
        double s = 0;
        int c = 0;
        for (int i = from + w * 7; i < from + w * 7 + 7; i++)
            if (!isnan(val(y[i]))) {
                s += val(y[i]);
                c++;
            }
        if (c == 0)
            continue;
        x[k] = w;
        v[k] = s * 7 / c;
        k++;
    }
    if (k < 4)
        return;
    double mx = 0, mv = 0;
    for (int i = 0; i < k; i++) {
        mx += x[i];
        mv += v[i];
    }
    mx /= k;
    mv /= k;
    double sxx = 0, sxv = 0, svv = 0;
    for (int i = 0; i < k; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxv += (x[i] - mx) * (v[i] - mv);
        svv += (v[i] - mv) * (v[i] - mv);
    }
    out->trend_weeks = k;
    if (!(sxx > 0) || !(svv > 0) || !(mv > 0))
        return;
    double slope = sxv / sxx, r2 = sxv * sxv / (sxx * svv);
    double resid = (svv - slope * sxv) / (k - 2), se = resid > 0 ? sqrt(resid / sxx) : 0;
    out->trend_strength = r2;
    out->trend_per_week = slope / mv;
    if (se > 0 ? fabs(slope) / se >= 2 : slope != 0)
        out->trend_direction = slope > 0 ? 1 : -1;
}

/* months whose mean daily demand is at least 10 % above the overall mean,
 * measured over whole years */
static void
yearly_peaks(const double *y, int n, int64_t day0, struct fc_patterns *out)
{
    out->years = n / 365;
    if (out->years < 2)
        return;
    double sum[13] = {0}, total = 0;
    int cnt[13] = {0}, total_n = 0;
    for (int i = n - out->years * 365; i < n; i++) {
        double v = val(y[i]);
        if (isnan(v))
            continue;
        int yy, mm, dd;
        fc_civil_from_days(day0 + i, &yy, &mm, &dd);
        sum[mm] += v;
        cnt[mm]++;
        total += v;
        total_n++;
    }
    if (!(total > 0))
        return;
    double mean = total / total_n;
    for (int pass = 0; pass < 3; pass++) {
        int best = 0;
        double best_idx = 1.1;
        for (int mm = 1; mm <= 12; mm++) {
            int taken = 0;
            for (int j = 0; j < out->n_peaks; j++)
                taken |= out->peak_month[j] == mm;
            double idx = cnt[mm] ? sum[mm] / cnt[mm] / mean : 0;
            if (!taken && idx >= best_idx) {
                best_idx = idx;
                best = mm;
            }
        }
        if (!best)
            break;
        out->peak_month[out->n_peaks] = best;
        out->peak_index[out->n_peaks++] = best_idx;
    }
}

void
fc_patterns(const double *y, int n, int64_t day0, struct fc_patterns *out)
{
    memset(out, 0, sizeof *out);
    if (!y || n <= 0)
        return;
    weekday_profile(y, n, day0, out);
    trend(y, n, out);
    yearly_peaks(y, n, day0, out);
}
