// src/router.js — a small history router: paths like /inventory/3, links that
// do not reload the page, and matching against src/routes.js (":name" segments
// become params). nginx answers every non-API path with index.html
// (deploy/nginx.conf.in), so a reload or a shared link opens the same page.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

function here() {
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** A `next` to go to after sign-in: a path on this origin (its path, query
 * and hash), else '/' — so `//evil.example` or `/\evil.example` (which a
 * browser reads as another host) never reach history.pushState. */
export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/';
  try {
    const u = new URL(next, location.origin);
    return u.origin === location.origin ? u.pathname + u.search + u.hash : '/';
  } catch {
    return '/';
  }
}

/** Goes to path ("/inventory?store_id=2"); replace: no new history entry. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  const loc = here();
  for (const fn of listeners) fn(loc);
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
  const loc = here();
  for (const fn of listeners) fn(loc);
});

/** Preact hook: {path, search (URLSearchParams)}, re-rendering on navigation. */
export function useLocation() {
  const [loc, setLoc] = useState(here);
  useEffect(() => {
    listeners.add(setLoc);
    return () => listeners.delete(setLoc);
  }, []);
  return loc;
}

/** Sets the page's query string (filters), keeping the path; null/'' removes a key. */
export function setQuery(params, { replace = true } = {}) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), { replace });
}

/** The route whose path matches, with its params: {route, params} or null. */
export function match(routes, path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.path.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = want[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return null;
}

/** <Link href="/x">: an <a> that navigates without reloading (new tab still works). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return h('a', { href, onClick, ...rest }, children);
}
