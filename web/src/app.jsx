// src/app.jsx — the shell: sign-in gate, role-aware navigation built from
// src/routes.js, the signed-in principal and sign-out, and the page the URL
// names (loaded on first visit). Pages never touch the shell (docs/web.md).
import { useEffect, useRef, useState } from 'preact/hooks';
import { routes, signInPath } from './routes.js';
import { Link, match, navigate, safeNext, useLocation } from './router.js';
import { can, signOut, useSession } from './session.js';
import { loadStores, storeName } from './stores.js';
import { useFetch } from './useFetch.js';
import { ErrorBox } from './components/ErrorBox.jsx';
import { Loading } from './components/Loading.jsx';
import SignIn from './pages/SignIn.jsx';

const modules = new Map(); // route → its page module's promise

function usePage(route) {
  const [mod, setMod] = useState(() => (route && modules.get(route)?.done) || null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!route) return undefined;
    let live = true;
    let entry = modules.get(route);
    if (!entry) {
      entry = { promise: route.load() };
      entry.promise.then((m) => (entry.done = m));
      modules.set(route, entry);
    }
    if (entry.done) setMod(entry.done);
    else {
      setMod(null);
      entry.promise.then(
        (m) => live && setMod(m),
        (e) => {
          modules.delete(route);
          if (live) setError(e);
        },
      );
    }
    return () => {
      live = false;
    };
  }, [route]);
  return { mod, error };
}

function Nav({ path }) {
  const items = routes.filter((r) => r.nav !== false && !r.path.includes(':') && can(r.perm));
  return (
    <nav class="main-nav" aria-label="Main">
      <ul>
        {items.map((r) => {
          const on = r.path === '/' ? path === '/' : path === r.path || path.startsWith(`${r.path}/`);
          return (
            <li key={r.path}>
              <Link href={r.path} aria-current={on ? 'page' : undefined}>
                {r.title}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function Who({ me }) {
  useFetch(() => (me.stores.length ? loadStores() : null), [me.id]); // re-drawn with the stores' names
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const out = async () => {
    setBusy(true);
    try {
      await signOut();
    } catch (e) {
      setErr(e); // the tab is signed out anyway; say the server did not confirm
    } finally {
      setBusy(false);
      navigate(signInPath, { replace: true });
    }
  };
  return (
    <div class="who">
      <span class="who-name" data-role={me.role}>
        {me.email || me.id} · {me.role.replace('_', ' ')}
        {me.stores.length ? ` · ${me.stores.map(storeName).join(', ')}` : ''}
      </span>
      <button type="button" class="secondary" onClick={out} disabled={busy}>
        Sign out
      </button>
      <ErrorBox error={err} title="Sign-out not confirmed" />
    </div>
  );
}

function Page({ route, params, search }) {
  const { mod, error } = usePage(route);
  const h1 = useRef(null);
  useEffect(() => {
    document.title = `${route.title} — TechMart`;
    if (h1.current) h1.current.focus();
  }, [route]);
  const Comp = mod && mod.default;
  return (
    <>
      <h1 tabIndex={-1} ref={h1}>
        {route.title}
      </h1>
      <ErrorBox error={error} title="This page did not load" />
      {Comp ? <Comp params={params} search={search} /> : !error && <Loading />}
    </>
  );
}

export function App() {
  const session = useSession();
  const { path, search } = useLocation();
  const signedIn = session.status === 'signed_in';

  useEffect(() => {
    if (signedIn && path === signInPath) navigate(safeNext(search.get('next')), { replace: true });
  }, [signedIn, path]);

  if (session.status === 'loading') return <Loading label="Signing in…" />;
  if (!signedIn) {
    return (
      <main id="main" class="signin-main">
        <SignIn next={path === signInPath ? search.get('next') : path + (location.search || '')} />
      </main>
    );
  }
  const found = path === signInPath ? null : match(routes, path);
  let body;
  if (!found) body = path === signInPath ? <Loading /> : <NotFound />;
  else if (!can(found.route.perm)) body = <Forbidden route={found.route} />;
  // keyed by route: another route's page is a new Page, so the last page's
  // module never renders once with the new route's params (a detail page
  // left for its list would ask for /suppliers/undefined)
  else body = <Page key={found.route.path} route={found.route} params={found.params} search={search} />;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          TechMart
        </Link>
        <Nav path={path} />
        <Who me={session.me} />
      </header>
      <main id="main">{body}</main>
    </>
  );
}

function NotFound() {
  useEffect(() => {
    document.title = 'Not found — TechMart';
  }, []);
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page at this address. <Link href="/">Back to the dashboard</Link>.
      </p>
    </>
  );
}

function Forbidden({ route }) {
  return (
    <>
      <h1>{route.title}</h1>
      <p class="error-box" role="alert">
        Your role may not see this page (it needs <code>{route.perm}</code>).
      </p>
    </>
  );
}
