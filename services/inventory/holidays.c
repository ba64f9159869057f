/* services/inventory/holidays.c — public holidays by rule (holidays.h). */
#include "services/inventory/holidays.h"

#include <stddef.h>
#include <string.h>

#include "services/inventory/forecast.h"

enum { MON = 0, TUE, WED, THU, FRI, SAT, SUN };

/* years the rules are read for: proleptic Gregorian 1..9999 */
#define DAY_MIN (-719162) /* 0001-01-01 */
#define DAY_MAX 2932896   /* 9999-12-31 */

int
fc_country_from(const char *code)
{
    if (!code)
        return -1;
    if (code[0] == '\0')
        return FC_COUNTRY_NONE;
    if (strcmp(code, "US") == 0)
        return FC_COUNTRY_US;
    if (strcmp(code, "UK") == 0 || strcmp(code, "GB") == 0)
        return FC_COUNTRY_UK;
    return -1;
}

const char *
fc_country_code(enum fc_country c)
{
    return c == FC_COUNTRY_US ? "US" : c == FC_COUNTRY_UK ? "UK" : "";
}

int64_t
fc_easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
    int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return fc_days_from_civil(y, month, day);
}

/* the n-th (1-based) weekday wd of month m of year y */
static int64_t
nth_weekday(int y, int m, int wd, int n)
{
    int64_t first = fc_days_from_civil(y, m, 1);
    return first + (wd - fc_weekday(first) + 7) % 7 + 7 * (n - 1);
}

/* the last weekday wd of month m of year y */
static int64_t
last_weekday(int y, int m, int wd)
{
    int64_t last =
        (m == 12 ? fc_days_from_civil(y + 1, 1, 1) : fc_days_from_civil(y, m + 1, 1)) - 1;
    return last - (fc_weekday(last) - wd + 7) % 7;
}

/* ---- US ------------------------------------------------------------------ */

struct fixed {
    int month, day, from; /* from: first year of the rule */
    const char *name, *observed;
};

static const struct fixed US_FIXED[] = {
    {1, 1, 0, "New Year's Day", "New Year's Day (observed)"},
    {6, 19, 2021, "Juneteenth", "Juneteenth (observed)"},
    {7, 4, 0, "Independence Day", "Independence Day (observed)"},
    {11, 11, 0, "Veterans Day", "Veterans Day (observed)"},
    {12, 25, 0, "Christmas Day", "Christmas Day (observed)"},
};

/* the US fixed-date holiday on `day`: its name, or its observed name when
 * observed is set */
static const char *
us_fixed(int64_t day, int observed)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    for (size_t i = 0; i < sizeof US_FIXED / sizeof *US_FIXED; i++)
        if (US_FIXED[i].month == m && US_FIXED[i].day == d && y >= US_FIXED[i].from)
            return observed ? US_FIXED[i].observed : US_FIXED[i].name;
    return NULL;
}

static const char *
us_holiday(int64_t day)
{
    int y, m, d, wd = fc_weekday(day);
    const char *name = us_fixed(day, 0);
    if (name)
        return name;
    if (wd == FRI && (name = us_fixed(day + 1, 1)) != NULL)
        return name;
    if (wd == MON && (name = us_fixed(day - 1, 1)) != NULL)
        return name;
    fc_civil_from_days(day, &y, &m, &d);
    if (m == 1 && y >= 1986 && day == nth_weekday(y, 1, MON, 3))
        return "Martin Luther King Jr. Day";
    if (m == 2 && day == nth_weekday(y, 2, MON, 3))
        return "Washington's Birthday";
    if (m == 5 && day == last_weekday(y, 5, MON))
        return "Memorial Day";
    if (m == 9 && day == nth_weekday(y, 9, MON, 1))
        return "Labor Day";
    if (m == 10 && day == nth_weekday(y, 10, MON, 2))
        return "Columbus Day";
    if (m == 11 && day == nth_weekday(y, 11, THU, 4))
        return "Thanksgiving Day";
    return NULL;
}

/* ---- UK (England and Wales) ---------------------------------------------- */

struct oneoff {
    int y, m, d;
    const char *name;
};

/* proclaimed extra days (the moved ones are in uk_early_may / uk_spring) */
static const struct oneoff UK_ONEOFF[] = {
    {1999, 12, 31, "Millennium Eve"},
    {2002, 6, 3, "Golden Jubilee"},
    {2011, 4, 29, "Royal Wedding"},
    {2012, 6, 5, "Diamond Jubilee"},
    {2022, 6, 3, "Platinum Jubilee"},
    {2022, 9, 19, "State Funeral of Queen Elizabeth II"},
    {2023, 5, 8, "Coronation of King Charles III"},
};

static int64_t
uk_early_may(int y)
{
    if (y == 1995 || y == 2020) /* moved to VE Day */
        return fc_days_from_civil(y, 5, 8);
    return nth_weekday(y, 5, MON, 1);
}

static int64_t
uk_spring(int y)
{
    if (y == 2002 || y == 2012) /* moved for the jubilees */
        return fc_days_from_civil(y, 6, 4);
    if (y == 2022)
        return fc_days_from_civil(y, 6, 2);
    return last_weekday(y, 5, MON);
}

static const char *
uk_holiday(int64_t day)
{
    int y, m, d, wd = fc_weekday(day);
    fc_civil_from_days(day, &y, &m, &d);
    for (size_t i = 0; i < sizeof UK_ONEOFF / sizeof *UK_ONEOFF; i++)
        if (UK_ONEOFF[i].y == y && UK_ONEOFF[i].m == m && UK_ONEOFF[i].d == d)
            return UK_ONEOFF[i].name;
    if (m == 1 && d == 1)
        return "New Year's Day";
    if (m == 1 && wd == MON && (d == 2 || d == 3)) /* Jan 1 on the weekend before */
        return "New Year's Day (substitute day)";
    if (m == 12 && d == 25)
        return "Christmas Day";
    if (m == 12 && d == 26)
        return "Boxing Day";
    if (m == 12 && (d == 27 || d == 28)) {
        int xmas = fc_weekday(fc_days_from_civil(y, 12, 25));
        if (xmas == SAT && d == 27)
            return "Christmas Day (substitute day)";
        if ((xmas == SAT || xmas == FRI) && d == 28)
            return "Boxing Day (substitute day)";
        if (xmas == SUN && d == 27)
            return "Christmas Day (substitute day)";
        return NULL;
    }
    if (m >= 3 && m <= 4) {
        int64_t easter = fc_easter(y);
        if (day == easter - 2)
            return "Good Friday";
        if (day == easter + 1)
            return "Easter Monday";
        return NULL;
    }
    if (m == 5 && y >= 1978 && day == uk_early_may(y))
        return "Early May bank holiday";
    if ((m == 5 || m == 6) && day == uk_spring(y))
        return "Spring bank holiday";
    if (m == 8 && day == last_weekday(y, 8, MON))
        return "Summer bank holiday";
    return NULL;
}

const char *
fc_holiday_on(enum fc_country c, int64_t day)
{
    if (day < DAY_MIN + 7 || day > DAY_MAX - 7)
        return NULL;
    switch (c) {
    case FC_COUNTRY_US:
        return us_holiday(day);
    case FC_COUNTRY_UK:
        return uk_holiday(day);
    default:
        return NULL;
    }
}

int
fc_holiday_series(enum fc_country c, int64_t day0, int len, double *x)
{
    int count = 0;
    for (int t = 0; t < len; t++) {
        x[t] = fc_holiday_on(c, day0 + t) != NULL;
        count += x[t] != 0;
    }
    return count;
}
