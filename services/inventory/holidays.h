/* services/inventory/holidays.h — public holidays by rule, pure (no I/O, no
 * clock): what a daily forecast reads as a known-in-advance regressor.
 *
 * US: the 11 federal holidays (5 U.S.C. 6103): New Year's Day, Martin Luther
 * King Jr. Day (3rd Monday of January, from 1986), Washington's Birthday (3rd
 * Monday of February), Memorial Day (last Monday of May), Juneteenth (June
 * 19, from 2021), Independence Day, Labor Day (1st Monday of September),
 * Columbus Day (2nd Monday of October), Veterans Day (November 11),
 * Thanksgiving (4th Thursday of November), Christmas Day. A fixed-date one
 * on a Saturday is observed the Friday before, on a Sunday the Monday after
 * (New Year's Day on a Saturday: Friday December 31).
 *
 * UK: the bank holidays of England and Wales (Banking and Financial Dealings
 * Act 1971 and proclamations): New Year's Day, Good Friday, Easter Monday
 * (Easter by the Gregorian computus), the early May bank holiday (1st Monday
 * of May, from 1978), the spring bank holiday (last Monday of May), the
 * summer bank holiday (last Monday of August), Christmas Day and Boxing Day,
 * with substitute days: a holiday on a Saturday or Sunday moves to the next
 * weekday that is not already one (Christmas on a Saturday: Monday 27, Boxing
 * Day Tuesday 28). The proclaimed one-offs and moves are in a table: 1995-05-08
 * (VE Day, early May moved), 1999-12-31 (millennium), 2002-06-03/04 (Golden
 * Jubilee, spring moved), 2011-04-29 (royal wedding), 2012-06-04/05 (Diamond
 * Jubilee, spring moved), 2020-05-08 (VE Day 75, early May moved),
 * 2022-06-02/03 (Platinum Jubilee, spring moved), 2022-09-19 (state funeral),
 * 2023-05-08 (coronation). Left out: anything proclaimed after this was
 * written, and Scotland's and Northern Ireland's own days.
 *
 * Both: the holiday itself is named on its calendar date even when that is
 * a weekend (demand moves on Christmas Day whatever the banks do), and the
 * weekday it is observed on is named too, with " (observed)" / " (substitute
 * day)". Years before 1971 get the same rules. */
#ifndef TM_INVENTORY_HOLIDAYS_H
#define TM_INVENTORY_HOLIDAYS_H

#include <stdint.h>

enum fc_country { FC_COUNTRY_NONE = 0, FC_COUNTRY_US, FC_COUNTRY_UK, FC_COUNTRIES };

/* "US", "UK" (and "GB") → the country; "" → FC_COUNTRY_NONE; -1 for anything
 * else (NULL included). Case matters: codes are upper case. */
int fc_country_from(const char *code);
/* "US", "UK", "" (and "" for a value outside the enum) */
const char *fc_country_code(enum fc_country c);

/* The name of the public holiday on `day` (days since 1970-01-01) in c, or
 * NULL (always NULL for FC_COUNTRY_NONE and values outside the enum). A
 * static string. */
const char *fc_holiday_on(enum fc_country c, int64_t day);

/* The 0/1 holiday regressor of fc_run_x (forecast.h) for the days day0 ..
 * day0 + len − 1: x[t] = 1 when fc_holiday_on(c, day0 + t) names one; the
 * number of holidays. */
int fc_holiday_series(enum fc_country c, int64_t day0, int len, double *x);

/* Easter Sunday of year y (Gregorian computus), days since 1970-01-01. */
int64_t fc_easter(int y);

#endif
