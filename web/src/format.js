// src/format.js — numbers, money and dates as people read them: in the
// browser's locale, and for dates in the time zone of the store they belong
// to (every store has an IANA time_zone; src/stores.js looks it up). Money
// arrives as integer cents (docs/api.md) and is never turned into a float
// sum: each amount is divided once, for display only.
const LOCALE = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US';
export const CURRENCY = 'USD'; // the platform's TM_CURRENCY default (docs/api.md)
const cache = new Map();

function nf(key, make) {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

const dash = '—';

/** 123456 → "$1,234.56" (cents in, currency text out); null → "—". */
export function money(cents, currency = CURRENCY) {
  if (cents === null || cents === undefined || Number.isNaN(Number(cents))) return dash;
  const f = nf(`m:${currency}`, () => new Intl.NumberFormat(LOCALE, { style: 'currency', currency }));
  return f.format(Number(cents) / 100);
}

/** 12345.6 → "12,345.6" (at most `digits` fraction digits); null → "—". */
export function number(n, digits = 2) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return dash;
  const f = nf(`n:${digits}`, () => new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits }));
  return f.format(Number(n));
}

/** 0.1234 → "12.3%"; null → "—". */
export function percent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || Number.isNaN(Number(ratio))) return dash;
  const f = nf(`p:${digits}`, () => new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: digits }));
  return f.format(Number(ratio));
}

function zoned(kind, tz, opts) {
  return nf(`${kind}:${tz || ''}`, () => {
    try {
      return new Intl.DateTimeFormat(LOCALE, { ...opts, timeZone: tz || undefined });
    } catch {
      return new Intl.DateTimeFormat(LOCALE, opts); // an unknown zone: the browser's
    }
  });
}

function asDate(v) {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * An ISO time → date and time in time zone tz, with the zone named ("Nov 27,
 * 2026, 9:14 AM EST"): pages show each store's times in its own zone and
 * the rest in the browser's, so a time always says which clock it is on.
 */
export function dateTime(v, tz) {
  const d = asDate(v);
  return d
    ? zoned('dt', tz, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(d)
    : dash;
}

/**
 * A store's wall-clock time as the analytics rows carry it ("2026-11-25T06:00",
 * no zone: each store's own local hour), shown as written, with no zone
 * named. A number is such a time read as UTC (Date.parse(`${v}Z`)).
 */
export function wallTime(v) {
  const d = asDate(typeof v === 'string' ? `${v}Z` : v);
  return d ? zoned('wall', 'UTC', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(d) : dash;
}

/** An ISO time → the date in tz ("Nov 27, 2026"). A bare "2026-11-27" is shown as that day. */
export function date(v, tz) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return zoned('d', 'UTC', { dateStyle: 'medium' }).format(new Date(`${v}T00:00:00Z`));
  const d = asDate(v);
  return d ? zoned('d', tz, { dateStyle: 'medium' }).format(d) : dash;
}

/** An ISO time → the time of day in tz ("09:14:03"). */
export function time(v, tz) {
  const d = asDate(v);
  return d ? zoned('t', tz, { timeStyle: 'medium' }).format(d) : dash;
}

/** Today's calendar day in zone tz (the browser's when none) as a date input writes it ("2026-11-27"). */
export function today(tz) {
  const f = nf(`ymd:${tz || ''}`, () => {
    const opts = { year: 'numeric', month: '2-digit', day: '2-digit', numberingSystem: 'latn' }; // digits a date input takes
    try {
      return new Intl.DateTimeFormat('en-US', { ...opts, timeZone: tz || undefined });
    } catch {
      return new Intl.DateTimeFormat('en-US', opts); // an unknown zone: the browser's
    }
  });
  const parts = {};
  for (const p of f.formatToParts(new Date())) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The calendar day `back` days before `day` ("2026-11-27", 6 → "2026-11-21"). */
export function daysBefore(day, back) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}
