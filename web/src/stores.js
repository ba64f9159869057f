// src/stores.js — the store list (GET /api/v1/stores), read once per session
// and shared: names for ids, and each store's time zone for src/format.js.
import { get } from './api.js';

let pending = null;
let byId = new Map();

/** Every store the principal may read (first call fetches; later ones share). */
export function loadStores() {
  if (!pending) {
    pending = (async () => {
      const all = [];
      let cursor = null;
      do {
        const page = await get('/api/v1/stores', { limit: 200, cursor });
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && all.length < 10000);
      byId = new Map(all.map((s) => [s.id, s]));
      return all;
    })().catch((err) => {
      pending = null;
      throw err;
    });
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

/** Forgets the list (after sign-out: another principal may see other stores). */
export function resetStores() {
  pending = null;
  byId = new Map();
}
