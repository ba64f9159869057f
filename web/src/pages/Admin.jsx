// Admin: people and access (docs/api.md "Auth, users, keys, audit";
// docs/security.md). Four views, kept in the URL (?view=):
//  - users: list; create (email, name, role, stores, first password);
//    change name, role, stores; disable or enable (user.admin). A change of
//    role or a disable revokes the user's tokens at once (the API's job).
//  - roles: what each role may do. The API has no roles route, so the
//    matrix below is docs/security.md#roles (common/perm.c); the browser
//    test compares every column with what GET /api/v1/auth/me answers for
//    that role, so the two cannot drift apart unnoticed.
//  - keys: POS API keys; create one (name, stores): the secret is shown in
//    this tab ONCE, with a copy button, and forgotten when dismissed (the
//    API never shows it again); disable one (for good).
//  - audit: every write (audit.read), filtered by principal, path prefix,
//    status and time, paged by the API's cursors.
import { useState } from 'preact/hooks';
import { patch, post } from '../api.js';
import { can } from '../session.js';
import { setQuery } from '../router.js';
import { loadStores, store as storeOf } from '../stores.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { Tabs } from '../components/Tabs.jsx';
import './backoffice.css';

// Roles a user may have (pos is an API key's role, not a user's).
const USER_ROLES = ['admin', 'store_manager', 'buyer', 'analyst', 'fraud_analyst', 'viewer'];
const ROLES = [...USER_ROLES, 'pos'];
const SCOPED = ['store_manager', 'pos'];
const STAFF = ['self', 'catalog.read', 'store.read', 'stock.read', 'analytics.read'];
const EVERYONE = ['self', 'catalog.read', 'store.read', 'stock.read'];
const ALERTS = ['alert.read', 'alert.write'];
// docs/security.md#roles: [permission, what it allows, roles holding it]
const PERMS = [
  ['self', 'me, sign out'],
  ['catalog.read', 'products, categories'],
  ['catalog.write', 'create and change products and categories'],
  ['store.read', 'stores (scoped roles: their own)'],
  ['store.write', 'change a store (scoped roles: their own)'],
  ['store.admin', 'open stores'],
  ['user.admin', 'users and API keys'],
  ['audit.read', 'the audit log'],
  ['analytics.read', 'dashboards and read models'],
  ['ops.admin', 'scheduled jobs'],
  ['stock.read', 'levels, ledger, low stock, transfers, forecasts'],
  ['stock.write', 'receipts, adjustments, counts, transfers, level settings'],
  ['stock.reserve', 'hold and release stock'],
  ['stock.commit', "take a sale's stock, reverse it"],
  ['txn.read', 'sales'],
  ['txn.write', 'record and void sales'],
  ['customer.read', 'customers (email, risk score, labels)'],
  ['customer.write', 'register a customer'],
  ['fraud.review', 'review queue, labels, fraud rules and statistics'],
  ['fraud.admin', 'publish a fraud rule set'],
  ['supplier.read', 'suppliers, offers, performance, purchase orders'],
  ['supplier.write', 'create and change suppliers, offers, purchase orders'],
  ['reorder.write', 'generate, approve, reject reorder suggestions; calendar events'],
  ['alert.read', 'alerts, history, rules, silences, policies'],
  ['alert.write', 'raise, acknowledge, resolve alerts; silences'],
  ['alert.admin', 'alert rules, escalation policies, channels'],
];
const GRANTS = {
  admin: PERMS.map((p) => p[0]),
  store_manager: [...STAFF, 'store.write', 'stock.write', 'stock.reserve', 'txn.read', 'txn.write', 'customer.read', 'customer.write', 'supplier.read', 'reorder.write', ...ALERTS],
  buyer: [...STAFF, 'catalog.write', 'supplier.read', 'supplier.write', 'reorder.write', ...ALERTS],
  analyst: [...STAFF, 'txn.read', 'customer.read', 'supplier.read', 'alert.read'],
  fraud_analyst: [...STAFF, 'txn.read', 'customer.read', 'fraud.review', ...ALERTS],
  viewer: [...STAFF, 'alert.read'],
  pos: [...EVERYONE, 'stock.reserve', 'stock.commit', 'txn.write', 'customer.write'],
};

const VIEWS = [
  ['users', 'Users', 'user.admin'],
  ['roles', 'Roles', 'user.admin'],
  ['keys', 'API keys', 'user.admin'],
  ['audit', 'Audit log', 'audit.read'],
];

function storesText(ids) {
  if (!ids || !ids.length) return 'every store';
  return ids
    .map((id) => {
      const s = storeOf(id);
      return s ? `${s.name} (${s.code})` : `store ${id}`;
    })
    .join(', ');
}

/** A labelled multi-select of stores (keyboard: arrows, shift/ctrl to add). */
function StorePicker({ label, name, value, onChange, error, hint }) {
  const st = useFetch(loadStores, []);
  const id = `sp-${name}`;
  const bad = error && error.field === name;
  return (
    <div class={`field${bad ? ' field-bad' : ''}`}>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        multiple
        size={Math.min(6, Math.max(3, (st.data || []).length))}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={`${id}-hint${bad ? ` ${id}-err` : ''}`}
        onChange={(e) => onChange([...e.currentTarget.selectedOptions].map((o) => Number(o.value)))}
      >
        {(st.data || []).map((s) => (
          <option key={s.id} value={s.id} selected={value.includes(s.id)}>
            {s.code} — {s.name}
          </option>
        ))}
      </select>
      <small id={`${id}-hint`} class="hint">
        {hint}
      </small>
      {bad && (
        <small id={`${id}-err`} class="field-error">
          {error.message}
        </small>
      )}
      <ErrorBox error={st.error} title="Stores did not load" />
    </div>
  );
}

function UserForm({ user, onDone, onCancel }) {
  const [v, setV] = useState({
    email: '',
    name: user ? user.name : '',
    role: user ? user.role : 'viewer',
    stores: user ? user.stores || [] : [],
    password: '',
    active: user ? (user.active ? 'true' : 'false') : 'true',
  });
  const { busy, error: err, run } = useAction();
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const submit = (e) => {
    e.preventDefault();
    const body = {};
    if (!user) {
      Object.assign(body, { email: v.email.trim(), name: v.name.trim(), role: v.role, password: v.password });
      if (v.stores.length) body.stores = v.stores;
    } else {
      if (v.name.trim() !== user.name) body.name = v.name.trim();
      if (v.role !== user.role) body.role = v.role;
      if (JSON.stringify(v.stores) !== JSON.stringify(user.stores || [])) body.stores = v.stores;
      if ((v.active === 'true') !== user.active) body.active = v.active === 'true';
      if (v.password) body.password = v.password;
    }
    run(async () => {
      const saved = user ? await patch(`/api/v1/users/${user.id}`, body) : await post('/api/v1/users', body);
      onDone(saved, user ? 'saved' : 'created');
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="uf-h">
      <h2 id="uf-h">{user ? `Edit ${user.email}` : 'New user'}</h2>
      <ErrorBox error={err} title={user ? 'Not saved' : 'Not created'} />
      <div class="filters">
        {!user && <Field label="Email" name="email" type="email" value={v.email} onInput={set('email')} error={err} required autoComplete="off" />}
        <Field label="Full name" name="name" value={v.name} onInput={set('name')} error={err} />
        <Field label="Role" name="role" value={v.role} onInput={set('role')} options={USER_ROLES} error={err} />
        <StorePicker
          label="Stores"
          name="stores"
          value={v.stores}
          onChange={set('stores')}
          error={err}
          hint={SCOPED.includes(v.role) ? 'a store manager needs at least one store' : 'only store-scoped roles use stores'}
        />
        {user && <Field label="Status" name="active" value={v.active} onInput={set('active')} options={[['true', 'Active'], ['false', 'Disabled']]} error={err} />}
        <Field
          label={user ? 'New password (optional)' : 'First password'}
          name="password"
          type="password"
          value={v.password}
          onInput={set('password')}
          error={err}
          autoComplete="new-password"
          required={!user}
        />
      </div>
      <button type="submit" disabled={busy}>
        {user ? 'Save user' : 'Create user'}
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

function UsersView() {
  useFetch(loadStores, []); // the Stores column drawn again with the stores' names
  const [form, setForm] = useState(null); // {user: null|row}
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState('');
  const { error: err, run } = useAction();
  const toggle = (u) => {
    setNotice('');
    run(async () => {
      try {
        await patch(`/api/v1/users/${u.id}`, { active: !u.active });
      } finally {
        setReload((n) => n + 1); // a 503 is stored, its revocation not confirmed everywhere: show the row as it is
      }
      setNotice(`${u.email} ${u.active ? 'disabled: their sessions are revoked' : 'enabled'}.`);
    });
  };
  const cols = [
    { key: 'id', title: 'Id', align: 'right' },
    { key: 'email', title: 'Email' },
    { key: 'name', title: 'Name', render: (u) => u.name || '—' },
    { key: 'role', title: 'Role', render: (u) => u.role.replace('_', ' ') },
    { key: 'stores', title: 'Stores', render: (u) => (SCOPED.includes(u.role) ? storesText(u.stores) : '—') },
    { key: 'active', title: 'Status', render: (u) => <span class={`badge ${u.active ? 'ok' : 'warn'}`}>{u.active ? 'active' : 'disabled'}</span> },
    { key: 'created_at', title: 'Created', render: (u) => fmt.dateTime(u.created_at) },
    {
      key: 'act',
      title: 'Actions',
      render: (u) => (
        <>
          <button type="button" class="secondary" onClick={() => setForm({ user: u })} aria-label={`Edit ${u.email}`}>
            Edit
          </button>{' '}
          <button type="button" class="secondary" onClick={() => toggle(u)} aria-label={`${u.active ? 'Disable' : 'Enable'} ${u.email}`}>
            {u.active ? 'Disable' : 'Enable'}
          </button>
        </>
      ),
    },
  ];
  return (
    <>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={err} />
      {!form && (
        <p>
          <button type="button" onClick={() => setForm({ user: null })}>
            New user
          </button>
        </p>
      )}
      {form && (
        <UserForm
          key={form.user ? form.user.id : 'new'}
          user={form.user}
          onCancel={() => setForm(null)}
          onDone={(u, what) => {
            setForm(null);
            setNotice(`User ${u.email} ${what}.`);
            setReload(reload + 1);
          }}
        />
      )}
      <PagedTable path="/api/v1/users" columns={cols} limit={200} caption="Users" empty="No users." reloadKey={reload} />
    </>
  );
}

function RolesView() {
  return (
    <>
      <p>
        What each role may do (docs/security.md, roles). Store-scoped roles ({SCOPED.join(', ')}) act only on the stores on their
        user or key; <code>pos</code> is the role of API keys.
      </p>
      <div style="overflow-x:auto">
        <table class="matrix" aria-label="Roles and their permissions">
          <thead>
            <tr>
              <th scope="col">Permission</th>
              {ROLES.map((r) => (
                <th scope="col" key={r} data-role={r}>
                  {r.replace('_', ' ')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PERMS.map(([p, what]) => (
              <tr key={p} data-perm={p}>
                <th scope="row">
                  <code>{p}</code>
                  <br />
                  <small class="muted">{what}</small>
                </th>
                {ROLES.map((r) => {
                  const has = GRANTS[r].includes(p);
                  return (
                    <td key={r} data-role={r} data-has={has ? '1' : '0'}>
                      {has ? (SCOPED.includes(r) && /^(store|stock|txn|reorder|alert)\./.test(p) && p !== 'store.read' ? 'own stores' : 'yes') : <span class="muted">no</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function KeysView() {
  useFetch(loadStores, []); // the Stores column drawn again with the stores' names
  const [reload, setReload] = useState(0);
  const [name, setName] = useState('');
  const [stores, setStores] = useState([]);
  const { busy, error: err, run } = useAction();
  const [created, setCreated] = useState(null); // the 201: its `key` lives only here
  const [copied, setCopied] = useState('');
  const create = (e) => {
    e.preventDefault();
    setCopied('');
    run(async () => {
      const k = await post('/api/v1/api-keys', { name: name.trim(), stores });
      setCreated(k);
      setName('');
      setReload(reload + 1);
    });
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser did not allow copying: select the key and copy it by hand.');
    }
  };
  const disable = (k) =>
    run(async () => {
      await patch(`/api/v1/api-keys/${k.id}`, { active: false });
      setReload(reload + 1);
    });
  const cols = [
    { key: 'id', title: 'Id', align: 'right' },
    { key: 'name', title: 'Name' },
    { key: 'prefix', title: 'Key starts', render: (k) => <code>tmk_{k.prefix}_…</code> },
    { key: 'stores', title: 'Stores', render: (k) => storesText(k.stores) },
    { key: 'active', title: 'Status', render: (k) => <span class={`badge ${k.active ? 'ok' : 'warn'}`}>{k.active ? 'active' : 'disabled'}</span> },
    { key: 'created_at', title: 'Created', render: (k) => fmt.dateTime(k.created_at) },
    {
      key: 'act',
      title: 'Actions',
      render: (k) =>
        k.active ? (
          <button type="button" class="secondary" onClick={() => disable(k)} aria-label={`Disable key ${k.name}`}>
            Disable
          </button>
        ) : null,
    },
  ];
  return (
    <>
      {created && (
        <section class="secret" aria-labelledby="sk-h" data-secret-shown="1">
          <h2 id="sk-h">Key {created.name} created</h2>
          <p>
            <strong>Copy it now: this is the only time it is shown.</strong> TechMart keeps only its hash.
          </p>
          <p>
            <code data-secret>{created.key}</code>{' '}
            <button type="button" onClick={copy}>
              Copy key
            </button>
          </p>
          {copied && <p role="status">{copied}</p>}
          <button type="button" class="secondary" onClick={() => setCreated(null)}>
            I have stored it — hide the key
          </button>
        </section>
      )}
      <form class="panel" onSubmit={create} aria-labelledby="kf-h">
        <h2 id="kf-h">New POS key</h2>
        <ErrorBox error={err} />
        <div class="filters">
          <Field label="Key name" name="name" value={name} onInput={setName} error={err} required />
          <StorePicker label="Stores" name="stores" value={stores} onChange={setStores} error={err} hint="the tills' stores (at least one)" />
        </div>
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </form>
      <PagedTable path="/api/v1/api-keys" columns={cols} limit={200} caption="API keys" empty="No API keys." reloadKey={reload} />
    </>
  );
}

function AuditView({ search }) {
  const f = {
    principal: search.get('principal') || '',
    path_prefix: search.get('path_prefix') || '',
    status: search.get('status') || '',
    from: search.get('from') || '',
    to: search.get('to') || '',
  };
  const [v, setV] = useState(f);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const cols = [
    { key: 'at', title: 'When', render: (a) => fmt.dateTime(a.at) },
    { key: 'principal_id', title: 'Who', render: (a) => `${a.principal_id} (${a.role})` },
    { key: 'method', title: 'Method' },
    { key: 'path', title: 'Path', render: (a) => <code>{a.path}</code> },
    { key: 'target_ids', title: 'Targets', render: (a) => a.target_ids || '—' },
    { key: 'status', title: 'Status', align: 'right' },
    { key: 'source_addr', title: 'From' },
    { key: 'request_id', title: 'Request', render: (a) => <code>{a.request_id}</code> },
  ];
  return (
    <>
      <form
        class="filters"
        role="search"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(v);
        }}
      >
        <Field label="Principal" name="principal" value={v.principal} onInput={set('principal')} hint="user:3 or key:5" />
        <Field label="Path starts with" name="path_prefix" value={v.path_prefix} onInput={set('path_prefix')} hint="/api/v1/products" />
        <Field label="Status" name="status" type="number" min="100" max="599" value={v.status} onInput={set('status')} />
        <Field label="From (UTC date)" name="from" type="date" value={v.from} onInput={set('from')} />
        <Field label="Before (UTC date)" name="to" type="date" value={v.to} onInput={set('to')} />
        <p>
          <button type="submit">Filter</button>
        </p>
      </form>
      <PagedTable path="/api/v1/audit" query={f} columns={cols} caption="Audit log, oldest first" empty="No write matches these filters." />
    </>
  );
}

export default function Admin({ search }) {
  const views = VIEWS.filter((x) => can(x[2]));
  const want = search.get('view') || 'users';
  const view = views.some((x) => x[0] === want) ? want : views[0][0];
  return (
    <div class="admin">
      <Tabs label="Admin views" path="/admin" views={views} current={view} />
      {view === 'roles' ? <RolesView /> : view === 'keys' ? <KeysView /> : view === 'audit' ? <AuditView search={search} /> : <UsersView />}
    </div>
  );
}
