// src/parse.js — what people type into forms, turned into what the API takes:
// money typed as "12.34" becomes integer cents (docs/api.md: money is cents,
// never floating point), a list of ids typed "1, 3" becomes [1, 3], and a
// datetime-local value becomes an ISO time with its offset. Each returns
// null for an empty input and throws an ApiError naming `field` (so Field
// and ErrorBox show it like the API's own refusals) for a bad one. Pure.
import { ApiError } from './api.js';

/** An ApiError for a bad input (status 0: refused before it was sent). */
export function invalid(field, message) {
  return new ApiError(0, 'invalid', message, field);
}
const bad = invalid;

/** "12.34", "12", "1,234.5" → 1234 / 1200 / 123450 (cents); "" → null. */
export function cents(text, field) {
  const s = String(text ?? '')
    .trim()
    .replace(/,/g, '');
  if (s === '') return null;
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) throw bad(field, 'an amount like 12.34 (at most two decimals, not negative)');
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** 1234 → "12.34" (an amount in cents as a form's input shows it). */
export function centsText(c) {
  if (c === null || c === undefined) return '';
  const n = Number(c);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** "1, 3 7" → [1, 3, 7]; "" → []. */
export function ids(text, field) {
  const parts = String(text ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  return parts.map((p) => {
    if (!/^[1-9]\d{0,15}$/.test(p)) throw bad(field, `"${p}" is not an id (a positive whole number)`);
    return Number(p);
  });
}

/** "42" → 42; "" → null (an optional id). */
export function id(text, field) {
  const list = ids(text, field);
  if (list.length > 1) throw bad(field, 'one id only');
  return list.length ? list[0] : null;
}

/** A datetime-local value ("2026-11-27T14:30", the browser's time) → ISO UTC; "" → null. */
export function localTime(text, field) {
  if (!text) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw bad(field, 'a date and time');
  return d.toISOString();
}

/** JSON text → its value (an object expected); "" → null. */
export function json(text, field) {
  if (!String(text ?? '').trim()) return null;
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(field, `not JSON: ${e.message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(field, 'a JSON object, like {"days": 30}');
  return v;
}
