// Alerts: what tm-alerts raised and what it watches (docs/alerts.md,
// docs/api.md "Alerts"). Three views, kept in the URL (?view=):
//  - alerts: the list, open ones first by default, filtered by state,
//    severity, kind and store; an alert's details (what was observed against
//    which threshold) and history; acknowledge and resolve (alert.write),
//    raise a manual alert (alert.write);
//  - silences: the list (active or all), create one, end one (alert.write);
//  - rules: the list (kind, active), create one and delete one (alert.admin).
// A store manager's lists are its stores' only (the API scopes them); times
// show in the alert's store's time zone.
import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post } from '../api.js';
import { can, myStores, scoped } from '../session.js';
import { Link, setQuery } from '../router.js';
import { loadStores, store as storeOf, storeTz } from '../stores.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import * as parse from '../parse.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { Loading } from '../components/Loading.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { Tabs } from '../components/Tabs.jsx';
import './backoffice.css';
import { ProductName } from '../names.jsx';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const SEV_BADGE = { critical: 'bad', high: 'bad', medium: 'warn', low: 'ok' };
const STATE_BADGE = { firing: 'bad', acknowledged: 'warn', resolved: 'ok' };
// The rule kinds of docs/alerts.md and an example of each one's params (the hint).
const KINDS = {
  stock_out: {},
  low_stock: { days_of_cover: 3, critical_days: 1 },
  overstock: { days_of_cover: 60 },
  slow_moving: { days: 30 },
  demand_spike: { factor: 1.5 },
  forecast_accuracy: { mase: 1.5 },
  review_waiting: { minutes: 30 },
  supplier_api_down: {},
  po_overdue: { grace_days: 2 },
  ledger_mismatch: {},
  job_failing: { failures: 2 },
};
const VIEWS = [
  ['alerts', 'Alerts'],
  ['silences', 'Silences'],
  ['rules', 'Rules'],
];

function Badge({ kind, text }) {
  return <span class={`badge ${kind || ''}`}>{text}</span>;
}

function storeName(id) {
  if (!id) return 'any store';
  const s = storeOf(id);
  return s ? `${s.name} (${s.code})` : `store ${id}`;
}

function useStoreOptions(first) {
  const st = useFetch(loadStores, []);
  const mine = myStores();
  const list = (st.data || []).filter((s) => !scoped() || mine.includes(s.id));
  return [['', first], ...list.map((s) => [String(s.id), `${s.name} (${s.code})`])];
}

/** One alert: its details, history, and the acknowledge / resolve actions. */
function AlertDetail({ id, onChanged, onClose }) {
  const a = useFetch(() => get(`/api/v1/alerts/${id}`), [id]);
  const h = useFetch(() => get(`/api/v1/alerts/${id}/history`), [id]);
  const [note, setNote] = useState('');
  const { busy, error: err, run } = useAction();
  const act = (what) =>
    run(async () => {
      const body = note.trim() ? { note: note.trim() } : {};
      if (what === 'acknowledge') await post(`/api/v1/alerts/${id}/acknowledge`, body);
      else await patch(`/api/v1/alerts/${id}/resolve`, body);
      setNote('');
      a.reload();
      h.reload();
      onChanged();
    });
  const al = a.data;
  const tz = al ? storeTz(al.store_id) : undefined;
  return (
    <section class="panel" aria-labelledby="ad-h">
      <h2 id="ad-h">Alert {id}</h2>
      <ErrorBox error={a.error} />
      {a.loading && !al && <Loading />}
      {al && (
        <>
          <p>
            <Badge kind={SEV_BADGE[al.severity]} text={al.severity} />{' '}
            <span data-alert-state={al.state}>
              <Badge kind={STATE_BADGE[al.state]} text={al.state} />
            </span>{' '}
            <strong>{al.title}</strong>
          </p>
          <dl class="facts">
            <dt>Kind</dt>
            <dd>
              {al.kind}
              {al.rule_id ? ` (rule ${al.rule_id} v${al.rule_version})` : ''}
            </dd>
            <dt>Store</dt>
            <dd>{storeName(al.store_id)}</dd>
            {al.product_id ? (
              <>
                <dt>Product</dt>
                <dd>{al.product_id}</dd>
              </>
            ) : null}
            <dt>Fired</dt>
            <dd>{fmt.dateTime(al.fired_at, tz)}</dd>
            {al.details && al.details.what && (
              <>
                <dt>Observed</dt>
                <dd>
                  {al.details.what}: {fmt.number(al.details.observed)} against threshold {fmt.number(al.details.threshold)}
                </dd>
              </>
            )}
            {al.details && al.details.description && (
              <>
                <dt>Description</dt>
                <dd>{al.details.description}</dd>
              </>
            )}
            {al.acknowledged_at && (
              <>
                <dt>Acknowledged</dt>
                <dd>
                  {fmt.dateTime(al.acknowledged_at, tz)} by {al.acknowledged_by}
                </dd>
              </>
            )}
            {al.resolved_at && (
              <>
                <dt>Resolved</dt>
                <dd>
                  {fmt.dateTime(al.resolved_at, tz)} by {al.resolved_by} ({al.resolution})
                </dd>
              </>
            )}
            {al.silence_id && (
              <>
                <dt>Silenced by</dt>
                <dd>silence {al.silence_id}</dd>
              </>
            )}
          </dl>
          {can('alert.write') && al.state !== 'resolved' && (
            <div class="actions">
              <ErrorBox error={err} />
              <Field label="Note (optional)" name="note" value={note} onInput={setNote} maxLength={500} error={err} />
              {al.state === 'firing' && (
                <button type="button" disabled={busy} onClick={() => act('acknowledge')}>
                  Acknowledge
                </button>
              )}{' '}
              <button type="button" disabled={busy} onClick={() => act('resolve')}>
                Resolve
              </button>
            </div>
          )}
        </>
      )}
      <h3>History</h3>
      {!a.error && <ErrorBox error={h.error} />}
      {h.data && h.data.items.length === 0 && <Empty>No history yet.</Empty>}
      {h.data && h.data.items.length > 0 && (
        <ol class="history">
          {h.data.items.map((r) => (
            <li key={r.id}>
              {fmt.dateTime(r.at, tz)} — {r.action}
              {r.from_state || r.to_state ? ` (${r.from_state || '—'} → ${r.to_state || '—'})` : ''} by {r.actor}
              {r.note ? `: ${r.note}` : ''}
            </li>
          ))}
        </ol>
      )}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

function RaiseForm({ storeOptions, onDone, onCancel }) {
  const [v, setV] = useState({ title: '', severity: 'medium', store_id: '', product_id: '', description: '' });
  const { busy, error: err, run } = useAction();
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { title: v.title.trim(), severity: v.severity };
      const s = parse.id(v.store_id, 'store_id');
      const p = parse.id(v.product_id, 'product_id');
      if (s) body.store_id = s;
      if (p) body.product_id = p;
      if (v.description.trim()) body.description = v.description.trim();
      onDone(await post('/api/v1/alerts', body));
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="ra-h">
      <h2 id="ra-h">Raise an alert</h2>
      <ErrorBox error={err} title="Not raised" />
      <div class="filters">
        <Field label="Title" name="title" value={v.title} onInput={set('title')} error={err} maxLength={300} required />
        <Field label="Severity" name="severity" value={v.severity} onInput={set('severity')} options={SEVERITIES} error={err} />
        <Field label="Store" name="store_id" value={v.store_id} onInput={set('store_id')} options={storeOptions} error={err} />
        <Field label="Product id" name="product_id" value={v.product_id} onInput={set('product_id')} error={err} inputMode="numeric" />
      </div>
      <Field label="Description" name="description" type="textarea" value={v.description} onInput={set('description')} error={err} maxLength={2000} />
      <button type="submit" disabled={busy}>
        Raise alert
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

function AlertsView({ search }) {
  const f = {
    state: search.get('state') ?? 'open',
    severity: search.get('severity') || '',
    kind: search.get('kind') || '',
    store_id: search.get('store_id') || '',
  };
  const open = search.get('alert');
  const [reload, setReload] = useState(0);
  const [raising, setRaising] = useState(false);
  const storeOptions = useStoreOptions(scoped() ? 'All my stores' : 'All stores');
  const cols = [
    { key: 'id', title: 'Alert', render: (a) => <Link href={`/alerts?${new URLSearchParams({ ...Object.fromEntries(search), alert: a.id })}`}>#{a.id}</Link> },
    { key: 'severity', title: 'Severity', render: (a) => <Badge kind={SEV_BADGE[a.severity]} text={a.severity} /> },
    { key: 'state', title: 'State', render: (a) => <span data-alert-state={a.state}><Badge kind={STATE_BADGE[a.state]} text={a.state} /></span> },
    { key: 'title', title: 'Title' },
    { key: 'kind', title: 'Kind' },
    { key: 'store_id', title: 'Store', render: (a) => storeName(a.store_id) },
    { key: 'fired_at', title: 'Fired', render: (a) => fmt.dateTime(a.fired_at, storeTz(a.store_id)) },
    { key: 'acknowledged_by', title: 'Acknowledged by', render: (a) => a.acknowledged_by || '—' },
  ];
  return (
    <>
      <form class="filters" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="State" name="state" value={f.state} onInput={(x) => setQuery({ state: x })} options={[['open', 'Open'], ['firing', 'Firing'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved'], ['any', 'Any']]} />
        <Field label="Severity" name="severity" value={f.severity} onInput={(x) => setQuery({ severity: x })} options={[['', 'Any'], ...SEVERITIES]} />
        <Field label="Kind" name="kind" value={f.kind} onInput={(x) => setQuery({ kind: x })} options={[['', 'Any'], ...Object.keys(KINDS), 'manual']} />
        <Field label="Store" name="store_id" value={f.store_id} onInput={(x) => setQuery({ store_id: x })} options={storeOptions} />
      </form>
      {can('alert.write') && !raising && (
        <p>
          <button type="button" onClick={() => setRaising(true)}>
            Raise an alert
          </button>
        </p>
      )}
      {raising && (
        <RaiseForm
          storeOptions={storeOptions}
          onCancel={() => setRaising(false)}
          onDone={(a) => {
            setRaising(false);
            setReload(reload + 1);
            setQuery({ alert: a.id });
          }}
        />
      )}
      {open && <AlertDetail id={open} onChanged={() => setReload(reload + 1)} onClose={() => setQuery({ alert: null })} />}
      <PagedTable
        path="/api/v1/alerts"
        query={{ ...f, state: f.state === 'any' ? '' : f.state }}
        columns={cols}
        caption="Alerts, newest first"
        empty="No alert matches these filters."
        reloadKey={reload}
      />
    </>
  );
}

/** What a silence or a rule is scoped to, as a cell: names, not ids. */
function Scope({ parts, none }) {
  const shown = parts.filter(Boolean);
  if (!shown.length) return none;
  return shown.map((x, i) => (
    <span key={i}>
      {i > 0 && ', '}
      {x}
    </span>
  ));
}

function matchers(s) {
  return (
    <Scope
      none="—"
      parts={[
        s.rule_id && `rule ${s.rule_id}`,
        s.store_id && storeName(s.store_id),
        s.product_id && <ProductName id={s.product_id} />,
        s.severity && `severity ${s.severity}`,
      ]}
    />
  );
}

function SilencesView({ search }) {
  const active = search.get('active') ?? 'true';
  const [reload, setReload] = useState(0);
  const { busy, error: err, run } = useAction();
  const [notice, setNotice] = useState('');
  const [v, setV] = useState({ rule_id: '', store_id: '', product_id: '', severity: '', ends_at: '', comment: '' });
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const storeOptions = useStoreOptions(scoped() ? '— choose one of your stores —' : 'Any store');
  const write = can('alert.write');
  const create = (e) => {
    e.preventDefault();
    setNotice('');
    run(async () => {
      const body = { ends_at: parse.localTime(v.ends_at, 'ends_at') };
      if (!body.ends_at) throw parse.invalid('ends_at', 'say when the silence ends');
      for (const k of ['rule_id', 'store_id', 'product_id']) {
        const x = parse.id(v[k], k);
        if (x) body[k] = x;
      }
      if (v.severity) body.severity = v.severity;
      if (v.comment.trim()) body.comment = v.comment.trim();
      const s = await post('/api/v1/silences', body);
      setNotice(`Silence ${s.id} created.`);
      setV({ ...v, comment: '' });
      setReload(reload + 1);
    });
  };
  const end = (s) =>
    run(async () => {
      await del(`/api/v1/silences/${s.id}`);
      setNotice(`Silence ${s.id} ended.`);
      setReload(reload + 1);
    });
  const cols = [
    { key: 'id', title: 'Silence' },
    { key: 'matchers', title: 'Silences', render: matchers },
    { key: 'starts_at', title: 'From', render: (s) => fmt.dateTime(s.starts_at, storeTz(s.store_id)) },
    { key: 'ends_at', title: 'Until', render: (s) => fmt.dateTime(s.ends_at, storeTz(s.store_id)) },
    { key: 'active', title: 'Active', render: (s) => <Badge kind={s.active ? 'warn' : ''} text={s.active ? 'active' : s.ended_by ? `ended by ${s.ended_by}` : 'not active'} /> },
    { key: 'comment', title: 'Comment', render: (s) => s.comment || '—' },
    { key: 'created_by', title: 'By' },
  ];
  if (write)
    cols.push({
      key: 'end',
      title: 'Actions',
      render: (s) =>
        s.active || Date.parse(s.starts_at) > Date.now() ? (
          <button type="button" class="secondary" onClick={() => end(s)} aria-label={`End now: silence ${s.id}`}>
            End now
          </button>
        ) : null,
    });
  return (
    <>
      <form class="filters" aria-label="Silence filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Show" name="active" value={active} onInput={(x) => setQuery({ active: x })} options={[['true', 'Active now'], ['false', 'Not active'], ['', 'All']]} />
      </form>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={err} />
      {write && (
        <form class="panel" onSubmit={create} aria-labelledby="sf-h">
          <h2 id="sf-h">New silence</h2>
          <p class="hint">Alerts matching every matcher given fire without notifying anyone until the silence ends.</p>
          <div class="filters">
            <Field label="Rule id" name="rule_id" value={v.rule_id} onInput={set('rule_id')} error={err} inputMode="numeric" />
            <Field label="Store" name="store_id" value={v.store_id} onInput={set('store_id')} options={storeOptions} error={err} />
            <Field label="Product id" name="product_id" value={v.product_id} onInput={set('product_id')} error={err} inputMode="numeric" />
            <Field label="Severity" name="severity" value={v.severity} onInput={set('severity')} options={[['', 'Any'], ...SEVERITIES]} error={err} />
            <Field label="Ends at (your time)" name="ends_at" type="datetime-local" value={v.ends_at} onInput={set('ends_at')} error={err} />
            <Field label="Comment" name="comment" value={v.comment} onInput={set('comment')} error={err} />
          </div>
          <button type="submit" disabled={busy}>
            Create silence
          </button>
        </form>
      )}
      <PagedTable
        path="/api/v1/silences"
        query={{ active }}
        columns={cols}
        caption="Silences"
        empty="No silences."
        reloadKey={reload}
      />
    </>
  );
}

function RuleForm({ onDone, onCancel }) {
  const [v, setV] = useState({ name: '', kind: 'low_stock', severity: 'high', store_id: '', category_id: '', product_id: '', params: '', pending_s: '0', cooldown_s: '3600', note: '' });
  const { busy, error: err, run } = useAction();
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const example = JSON.stringify(KINDS[v.kind] || {});
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { name: v.name.trim(), kind: v.kind, severity: v.severity, pending_s: Number(v.pending_s || 0), cooldown_s: Number(v.cooldown_s || 0) };
      for (const k of ['store_id', 'category_id', 'product_id']) {
        const x = parse.id(v[k], k);
        if (x) body[k] = x;
      }
      if (v.params.trim()) body.params = parse.json(v.params, 'params');
      if (v.note.trim()) body.note = v.note.trim();
      onDone(await post('/api/v1/alert-rules', body));
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="rf-h">
      <h2 id="rf-h">New rule</h2>
      <ErrorBox error={err} title="Not created" />
      <div class="filters">
        <Field label="Rule name" name="name" value={v.name} onInput={set('name')} error={err} required />
        <Field label="Kind" name="kind" value={v.kind} onInput={set('kind')} options={Object.keys(KINDS)} error={err} />
        <Field label="Severity" name="severity" value={v.severity} onInput={set('severity')} options={SEVERITIES} error={err} />
        <Field label="Store id (empty: any)" name="store_id" value={v.store_id} onInput={set('store_id')} error={err} inputMode="numeric" />
        <Field label="Category id (empty: any)" name="category_id" value={v.category_id} onInput={set('category_id')} error={err} inputMode="numeric" />
        <Field label="Product id (empty: any)" name="product_id" value={v.product_id} onInput={set('product_id')} error={err} inputMode="numeric" />
        <Field label="Pending (seconds)" name="pending_s" type="number" min="0" value={v.pending_s} onInput={set('pending_s')} error={err} />
        <Field label="Cooldown (seconds)" name="cooldown_s" type="number" min="0" value={v.cooldown_s} onInput={set('cooldown_s')} error={err} />
      </div>
      <Field
        label="Thresholds (JSON)"
        name="params"
        type="textarea"
        value={v.params}
        onInput={set('params')}
        error={err && err.field && err.field.startsWith('params') ? { ...err, field: 'params' } : err}
        hint={example === '{}' ? `${v.kind} takes no thresholds` : `for ${v.kind}, e.g. ${example} (docs/alerts.md, rule kinds)`}
      />
      <Field label="Note" name="note" value={v.note} onInput={set('note')} error={err} />
      <button type="submit" disabled={busy}>
        Create rule
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

function RulesView({ search }) {
  const kind = search.get('kind') || '';
  const active = search.get('active') || '';
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const { error: err, run } = useAction();
  const [notice, setNotice] = useState('');
  const admin = can('alert.admin');
  const remove = (r) =>
    run(async () => {
      await del(`/api/v1/alert-rules/${r.id}`);
      setNotice(`Rule ${r.name} deleted (its open alerts are resolved).`);
      setReload(reload + 1);
    });
  const cols = [
    { key: 'id', title: 'Rule' },
    { key: 'name', title: 'Name' },
    { key: 'kind', title: 'Kind' },
    { key: 'severity', title: 'Severity', render: (r) => <Badge kind={SEV_BADGE[r.severity]} text={r.severity} /> },
    {
      key: 'scope',
      title: 'Scope',
      render: (r) => <Scope parts={[r.store_id ? storeName(r.store_id) : 'any store', r.category_id && `category ${r.category_id}`, r.product_id && <ProductName id={r.product_id} />]} />,
    },
    { key: 'params', title: 'Thresholds', render: (r) => (r.params && Object.keys(r.params).length ? Object.entries(r.params).map(([k, x]) => `${k} ${x}`).join(', ') : '—') },
    { key: 'pending_s', title: 'Pending', align: 'right', render: (r) => `${fmt.number(r.pending_s, 0)} s` },
    { key: 'cooldown_s', title: 'Cooldown', align: 'right', render: (r) => `${fmt.number(r.cooldown_s, 0)} s` },
    { key: 'version', title: 'Version', align: 'right' },
    { key: 'active', title: 'Status', render: (r) => <Badge kind={r.active ? 'ok' : 'warn'} text={r.active ? 'active' : 'inactive'} /> },
  ];
  if (admin)
    cols.push({
      key: 'del',
      title: 'Actions',
      render: (r) =>
        r.active ? (
          <button type="button" class="secondary" onClick={() => remove(r)} aria-label={`Delete rule ${r.name}`}>
            Delete
          </button>
        ) : null,
    });
  return (
    <>
      <form class="filters" aria-label="Rule filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Kind" name="kind" value={kind} onInput={(x) => setQuery({ kind: x })} options={[['', 'Any'], ...Object.keys(KINDS)]} />
        <Field label="Status" name="active" value={active} onInput={(x) => setQuery({ active: x })} options={[['', 'Any'], ['true', 'Active'], ['false', 'Inactive']]} />
      </form>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={err} />
      {admin && !creating && (
        <p>
          <button type="button" onClick={() => setCreating(true)}>
            New rule
          </button>
        </p>
      )}
      {creating && (
        <RuleForm
          onCancel={() => setCreating(false)}
          onDone={(r) => {
            setCreating(false);
            setNotice(`Rule ${r.name} created (version ${r.version}).`);
            setReload(reload + 1);
          }}
        />
      )}
      <PagedTable path="/api/v1/alert-rules" query={{ kind, active }} columns={cols} caption="Alert rules" empty="No rules match." reloadKey={reload} />
    </>
  );
}

export default function Alerts({ search }) {
  const view = search.get('view') || 'alerts';
  useEffect(() => {
    loadStores().catch(() => {}); // names and time zones; the views show their own errors
  }, []);
  return (
    <div class="alerts">
      <Tabs label="Alert views" path="/alerts" views={VIEWS} current={view} />
      {view === 'silences' ? <SilencesView search={search} /> : view === 'rules' ? <RulesView search={search} /> : <AlertsView search={search} />}
    </div>
  );
}
