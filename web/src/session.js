// src/session.js — who is signed in: the principal from GET /api/v1/auth/me
// (id, email, role, stores, permissions) and can(perm), which every piece of
// role-aware UI asks (navigation in src/routes.js, write buttons in pages).
// The server checks every call anyway; this only hides what would be refused.
import { useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { resetNames } from './names.jsx';
import { resetStores } from './stores.js';

// status: 'loading' (reading /me), 'signed_out', 'signed_in'. The principal
// is kept beside the tokens in sessionStorage, so a reload draws the app at
// once and reads /me again behind it (the server checks every call anyway).
const ME = 'tm.me';
let state = { status: api.hasSession() ? 'loading' : 'signed_out', me: null };
const listeners = new Set();

function set(next) {
  // however a session ends (sign-out, a refused refresh, /me refused), what
  // was read as that principal goes with it: the next may see other stores
  if (next.status === 'signed_out') {
    resetStores();
    resetNames();
  }
  state = next;
  for (const fn of listeners) fn(state);
}

async function loadMe() {
  try {
    const got = await api.get('/api/v1/auth/me');
    const me = { ...got, permissions: got.permissions || [], stores: got.stores || [] };
    sessionStorage.setItem(ME, JSON.stringify(me));
    if (JSON.stringify(me) !== JSON.stringify(state.me)) set({ status: 'signed_in', me });
  } catch (err) {
    const refused = err instanceof api.ApiError && err.status === 401;
    if (refused) api.forget();
    // a network error keeps a kept principal (the next call retries)
    if (refused || state.status !== 'signed_in') set({ status: 'signed_out', me: null, error: err });
  }
}

// A session that ends elsewhere (refresh refused, logout) signs the tab out.
api.onTokens((t) => {
  if (t) return;
  sessionStorage.removeItem(ME);
  if (state.status !== 'signed_out') set({ status: 'signed_out', me: null });
});

/** Reads /me for a session kept in this tab (on start), drawing the kept principal meanwhile. */
export function restore() {
  if (!api.hasSession()) {
    set({ status: 'signed_out', me: null });
    return Promise.resolve();
  }
  try {
    const kept = JSON.parse(sessionStorage.getItem(ME) || 'null');
    if (kept && kept.role) set({ status: 'signed_in', me: kept });
  } catch {
    /* none kept */
  }
  return loadMe();
}

/** Logs in and reads the principal; rejects with ApiError (message, field). */
export async function signIn(email, password) {
  await api.login(email, password);
  await loadMe();
  if (state.status !== 'signed_in') throw state.error || new api.ApiError(401, 'unauthenticated', 'sign-in failed');
}

/** Logs out (revokes the session's tokens) and clears the tab. */
export async function signOut() {
  try {
    await api.logout();
  } finally {
    set({ status: 'signed_out', me: null });
  }
}

/** The current state: {status, me}. */
export function current() {
  return state;
}

/** True when the signed-in principal holds permission perm ("stock.write"). */
export function can(perm) {
  if (!perm) return true;
  return state.status === 'signed_in' && state.me.permissions.includes(perm);
}

/** True when the principal is store-scoped (a store manager): its stores only. */
export function scoped() {
  return state.status === 'signed_in' && (state.me.role === 'store_manager' || state.me.role === 'pos');
}

/** The store ids the principal is limited to ([] = every store). */
export function myStores() {
  return state.status === 'signed_in' && scoped() ? state.me.stores : [];
}

/** Preact hook: the session state, re-rendering on every change. */
export function useSession() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}
