// src/stores.js — the store list (GET /api/v1/stores), read once per session
// and shared: names for ids, and each store's time zone for src/format.js.
import { get } from './api.js';
import { today } from './format.js';

let pending = null;
let byId = new Map();
let generation = 0; // a list read before a reset never lands after it

/** Every store the principal may read (first call fetches; later ones share). */
export function loadStores() {
  if (!pending) {
    const mine = generation;
    const p = (async () => {
      const all = [];
      let cursor = null;
      do {
        const page = await get('/api/v1/stores', { limit: 200, cursor });
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && all.length < 10000);
      if (mine === generation) byId = new Map(all.map((s) => [s.id, s]));
      return all;
    })().catch((err) => {
      if (pending === p) pending = null;
      throw err;
    });
    pending = p;
  }
  return pending;
}

/** The store of that id, once loadStores() has resolved (else undefined). */
export function store(id) {
  return byId.get(Number(id));
}

/** The store's name for a cell or a heading ("store 3" until the list has loaded). */
export function storeName(id) {
  const s = byId.get(Number(id));
  return s ? s.name : `store ${id}`;
}

/** The store's IANA time zone, or undefined (the browser's) when unknown. */
export function storeTz(id) {
  const s = byId.get(Number(id));
  return s ? s.time_zone : undefined;
}

/**
 * Today as the stores' reports count days: the store's own local day, or
 * with no store, the latest among the stores' (so "the last 7 days" of
 * every store ends with the newest of their todays; the browser's day
 * before the list has loaded).
 */
export function storesToday(id) {
  if (id) return today(storeTz(id));
  let latest = '';
  for (const s of byId.values()) {
    const d = today(s.time_zone);
    if (d > latest) latest = d;
  }
  return latest || today();
}

/** Forgets the list (after sign-out: another principal may see other stores). */
export function resetStores() {
  generation++;
  pending = null;
  byId = new Map();
}
