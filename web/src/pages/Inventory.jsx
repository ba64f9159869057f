// Inventory: stock per store and per product, the movement ledger, and the
// writes a store keeps its stock true with (docs/api.md "Stock"):
//   levels    GET /api/v1/inventory/{store} (low=true), or the low-stock list
//             (low and out, most urgent first); record a movement on a row
//   product   GET /api/v1/products/{id}/inventory: one product in every store
//   ledger    GET /api/v1/stock-movements (store, product, type, from, to)
//   transfers GET/POST /api/v1/transfers, ship / receive / cancel
// Receipts, returns, adjustments and counts are POST /api/v1/stock-movements.
// Write controls only with stock.write; a store manager sees its stores.
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { ProductName, useProductLabel } from '../names.jsx';
import { useAction } from '../useAction.js';
import { can } from '../session.js';
import { Link, setQuery } from '../router.js';
import { loadStores, storeTz, storeName } from '../stores.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { StoreField, firstStore } from '../components/StoreField.jsx';
import { ProductField } from '../components/ProductField.jsx';

const VIEWS = [
  ['levels', 'Levels'],
  ['product', 'A product in every store'],
  ['ledger', 'Movements'],
  ['transfers', 'Transfers'],
];
const MOVES = [
  ['receipt', 'Receipt (goods in)'],
  ['return', 'Return (a customer brought it back)'],
  ['adjustment', 'Adjustment (damage, loss, found)'],
  ['count', 'Count (on hand becomes the count)'],
];
const TYPES = ['receipt', 'sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'count', 'reservation', 'release'];
const TSTATUS = ['requested', 'shipped', 'received', 'cancelled'];

const n0 = (v) => fmt.number(v, 0);

function Status({ l }) {
  if (l.available !== null && l.available !== undefined && l.available <= 0)
    return <span class="badge bad" data-status="out">out</span>;
  if (l.low) return <span class="badge warn" data-status="low">low</span>;
  return <span class="badge ok" data-status="ok">ok</span>;
}

/** The numbers of a level, shared by the per-store and per-product tables. */
const levelCols = [
  { key: 'on_hand', title: 'On hand', align: 'right', render: (l) => <span data-col="on_hand">{n0(l.on_hand)}</span> },
  { key: 'reserved', title: 'Reserved', align: 'right', render: (l) => n0(l.reserved) },
  { key: 'available', title: 'Available', align: 'right', render: (l) => n0(l.available) },
  { key: 'incoming', title: 'Incoming', align: 'right', render: (l) => n0(l.incoming) },
  { key: 'reorder_point', title: 'Reorder point', align: 'right', render: (l) => n0(l.reorder_point) },
  { key: 'days_of_cover', title: 'Days of cover', align: 'right', render: (l) => fmt.number(l.days_of_cover, 1) },
  { key: 'status', title: 'Status', render: (l) => <Status l={l} /> },
  { key: 'updated_at', title: 'Updated', render: (l) => fmt.dateTime(l.updated_at, storeTz(l.store_id)) },
];

/** Receipt, return, adjustment or count at a store (stock.write). */
function MovementForm({ storeId, productId, onDone, onClose }) {
  const [f, setF] = useState({ type: 'receipt', product_id: productId ? String(productId) : '', quantity: '', reason: '', reference: '' });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const set = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    setDone(null);
    const body = { store_id: Number(storeId), product_id: Number(f.product_id) || 0, type: f.type };
    const q = f.quantity.trim() === '' ? NaN : Number(f.quantity);
    if (f.type === 'count') body.counted = q;
    else body.quantity = q;
    if (f.reason.trim()) body.reason = f.reason.trim();
    if (f.reference.trim()) body.reference = f.reference.trim();
    try {
      const m = await post('/api/v1/stock-movements', body);
      setDone(m);
      setF((o) => ({ ...o, quantity: '', reason: '', reference: '' }));
      onDone(m);
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  const isCount = f.type === 'count';
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="mv-h">
      <h2 id="mv-h">Record a movement at {storeName(storeId)}</h2>
      <div class="filters">
        <Field label="Kind" name="type" value={f.type} onInput={set('type')} options={MOVES} error={err} />
        <ProductField value={f.product_id} onInput={set('product_id')} error={err} />
        <Field
          label={isCount ? 'Counted on hand' : 'Quantity'}
          name={isCount ? 'counted' : 'quantity'}
          type="number"
          value={f.quantity}
          onInput={set('quantity')}
          error={err}
          hint={f.type === 'adjustment' ? 'signed: −3 takes three off' : isCount ? 'what is on the shelf now' : 'units, more than 0'}
        />
        <Field label="Reason" name="reason" value={f.reason} onInput={set('reason')} error={err} hint={f.type === 'adjustment' ? 'required for an adjustment' : 'optional'} />
        <Field label="Reference" name="reference" value={f.reference} onInput={set('reference')} error={err} hint="delivery note, optional" />
      </div>
      <ErrorBox error={err} title="The movement was not recorded" />
      {done && (
        <p role="status" class="muted" data-recorded={done.id}>
          Recorded {done.type} of {n0(done.quantity)}: on hand is now {n0(done.on_hand_after)}.
        </p>
      )}
      <button type="submit" disabled={busy}>
        Record {f.type}
      </button>{' '}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </form>
  );
}

const SETTINGS = [
  ['reorder_point', 'Reorder point', 'reorder when available is at or under it'],
  ['safety_stock', 'Safety stock', 'units kept against demand and lead-time surprises'],
  ['min_qty', 'Minimum', 'units; 0: none'],
  ['max_qty', 'Maximum', 'units an order brings it up to at most; 0: none'],
];

/**
 * A level's settings (PUT /api/v1/inventory/{store}/{product}, stock.write):
 * what is typed is sent as typed (the API says what it refuses, by field);
 * a field left empty is left unchanged.
 */
function LevelSettings({ level, onDone, onClose }) {
  const [f, setF] = useState(() => Object.fromEntries(SETTINGS.map(([k]) => [k, level[k] === null || level[k] === undefined ? '' : String(level[k])])));
  const [saved, setSaved] = useState(null);
  const act = useAction(async () => {
    const body = {};
    for (const [k] of SETTINGS) if (f[k].trim() !== '') body[k] = Number(f[k].trim());
    const l = await api('PUT', `/api/v1/inventory/${level.store_id}/${level.product_id}`, { body });
    setSaved(l);
    onDone(l);
  });
  const set = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  return (
    <form class="panel" onSubmit={act.onSubmit} aria-labelledby="ls-h">
      <h2 id="ls-h">
        Settings of <ProductName id={level.product_id} /> at {storeName(level.store_id)}
      </h2>
      <div class="filters">
        {SETTINGS.map(([k, label, hint]) => (
          <Field key={k} label={label} name={k} type="number" value={f[k]} onInput={set(k)} error={act.error} hint={hint} />
        ))}
      </div>
      <ErrorBox error={act.error} title="The settings were not saved" />
      {saved && (
        <p role="status" class="muted" data-saved-reorder-point={saved.reorder_point}>
          Saved: reorder point {n0(saved.reorder_point)}, safety stock {n0(saved.safety_stock)}.
        </p>
      )}
      <button type="submit" disabled={act.busy}>
        Save settings
      </button>{' '}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </form>
  );
}

/** The settings form of the level being edited, or nothing. */
function EditingLevel({ level, onSaved, onClose }) {
  return level ? <LevelSettings key={`${level.store_id}:${level.product_id}`} level={level} onDone={onSaved} onClose={onClose} /> : null;
}

function Levels({ search, storeDefault }) {
  const storeId = search.get('store_id') || (storeDefault ? String(storeDefault) : '');
  const filter = search.get('filter') || 'all';
  const [form, setForm] = useState(null); // {productId} while the movement form is open
  const [editing, setEditing] = useState(null); // the level whose settings are open
  const [reload, setReload] = useState(0);
  const write = can('stock.write');
  const cols = [
    {
      key: 'product',
      title: 'Product',
      render: (l) => (
        <Link href={`/inventory?view=product&product_id=${l.product_id}`}>
          {l.name || `product ${l.product_id}`} <small class="muted">{l.sku}</small>
        </Link>
      ),
    },
    ...levelCols,
  ];
  if (write)
    cols.push({
      key: 'act',
      title: 'Actions',
      render: (l) => (
        <>
          <button type="button" class="secondary" aria-label={`Record movement: ${l.name || `product ${l.product_id}`}`} onClick={() => setForm({ productId: l.product_id })}>
            Record movement
          </button>{' '}
          <button type="button" class="secondary" aria-label={`Settings: ${l.name || `product ${l.product_id}`}`} onClick={() => setEditing(l)}>
            Settings
          </button>
        </>
      ),
    });
  const urgent = filter === 'urgent';
  return (
    <>
      <div class="filters">
        <StoreField value={storeId} all={null} onInput={(v) => setQuery({ store_id: v })} />
        <Field
          label="Show"
          name="filter"
          value={filter}
          onInput={(v) => setQuery({ filter: v === 'all' ? '' : v })}
          options={[
            ['all', 'Every product'],
            ['low', 'Low or out (at or under the reorder point)'],
            ['urgent', 'Low and out, most urgent first'],
          ]}
        />
        {write && storeId && (
          <button type="button" onClick={() => setForm({ productId: null })}>
            Record a movement
          </button>
        )}
      </div>
      {form && storeId && (
        <MovementForm
          key={`${storeId}:${form.productId}`}
          storeId={storeId}
          productId={form.productId}
          onDone={() => setReload((r) => r + 1)}
          onClose={() => setForm(null)}
        />
      )}
      <EditingLevel level={editing} onSaved={() => setReload((r) => r + 1)} onClose={() => setEditing(null)} />
      {storeId ? (
        <PagedTable
          path={urgent ? '/api/v1/inventory/low-stock' : `/api/v1/inventory/${storeId}`}
          query={urgent ? { store_id: storeId } : { low: filter === 'low' ? 'true' : '' }}
          caption={`Stock at ${storeName(storeId)}`}
          empty={filter === 'all' ? 'This store stocks nothing yet.' : 'Nothing is low or out at this store.'}
          rowKey={(l) => `${l.store_id}:${l.product_id}`}
          reloadKey={reload}
          columns={cols}
        />
      ) : (
        <p class="muted">Choose a store to see its stock.</p>
      )}
    </>
  );
}

function ProductStock({ search }) {
  const pid = search.get('product_id') || '';
  const [editing, setEditing] = useState(null); // the level whose settings are open
  const [reload, setReload] = useState(0);
  const cols = [{ key: 'store', title: 'Store', render: (l) => storeName(l.store_id) }, ...levelCols];
  if (can('stock.write'))
    cols.push({
      key: 'act',
      title: 'Actions',
      render: (l) => (
        <button type="button" class="secondary" aria-label={`Settings at ${storeName(l.store_id)}`} onClick={() => setEditing(l)}>
          Settings
        </button>
      ),
    });
  return (
    <>
      <div class="filters">
        <ProductField value={pid} onInput={(v) => setQuery({ product_id: v })} />
      </div>
      <EditingLevel level={editing} onSaved={() => setReload((r) => r + 1)} onClose={() => setEditing(null)} />
      {pid ? (
        <PagedTable
          path={`/api/v1/products/${encodeURIComponent(pid)}/inventory`}
          caption="This product in every store"
          empty="No store stocks this product."
          rowKey={(l) => `${l.store_id}:${l.product_id}`}
          reloadKey={reload}
          columns={cols}
        />
      ) : (
        <p class="muted">Choose a product to see its stock in every store.</p>
      )}
    </>
  );
}

function Ledger({ search }) {
  const q = {
    store_id: search.get('store_id') || '',
    product_id: search.get('product_id') || '',
    type: search.get('type') || '',
    from: search.get('from') || '',
    to: search.get('to') || '',
  };
  return (
    <>
      <div class="filters">
        <StoreField value={q.store_id} onInput={(v) => setQuery({ store_id: v })} />
        <ProductField value={q.product_id} onInput={(v) => setQuery({ product_id: v })} />
        <Field label="Kind" name="type" value={q.type} onInput={(v) => setQuery({ type: v })} options={[['', 'Every kind'], ...TYPES]} />
        <Field label="From (UTC day)" name="from" type="date" value={q.from} onInput={(v) => setQuery({ from: v })} />
        <Field label="Before (UTC day)" name="to" type="date" value={q.to} onInput={(v) => setQuery({ to: v })} />
      </div>
      <PagedTable
        path="/api/v1/stock-movements"
        query={q}
        caption="Stock movements, oldest first"
        empty="No movement matches."
        columns={[
          { key: 'created_at', title: 'When', render: (m) => fmt.dateTime(m.created_at, storeTz(m.store_id)) },
          { key: 'store', title: 'Store', render: (m) => storeName(m.store_id) },
          { key: 'product_id', title: 'Product', render: (m) => <ProductName id={m.product_id} /> },
          { key: 'type', title: 'Kind' },
          { key: 'quantity', title: 'Quantity', align: 'right', render: (m) => <span data-col="quantity">{n0(m.quantity)}</span> },
          { key: 'on_hand_after', title: 'On hand after', align: 'right', render: (m) => n0(m.on_hand_after) },
          { key: 'reserved_delta', title: 'Reserved change', align: 'right', render: (m) => n0(m.reserved_delta) },
          { key: 'reason', title: 'Reason', render: (m) => m.reason || '—' },
          { key: 'ref', title: 'Reference', render: (m) => (m.ref_type ? `${m.ref_type} ${m.ref_id || ''}` : '—') },
          { key: 'principal', title: 'By' },
        ]}
      />
    </>
  );
}

function TransferForm({ onDone, onClose }) {
  const [f, setF] = useState({ from_store_id: '', to_store_id: '', product_id: '', quantity: '', note: '' });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (v) => setF((o) => ({ ...o, [k]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const body = {
      from_store_id: Number(f.from_store_id) || 0,
      to_store_id: Number(f.to_store_id) || 0,
      lines: [{ product_id: Number(f.product_id) || 0, quantity: f.quantity === '' ? 0 : Number(f.quantity) }],
    };
    if (f.note.trim()) body.note = f.note.trim();
    try {
      onDone(await post('/api/v1/transfers', body));
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="tr-h">
      <h2 id="tr-h">Request a transfer</h2>
      <div class="filters">
        <StoreField label="From store" name="from_store_id" all={null} value={f.from_store_id} onInput={set('from_store_id')} error={err} />
        <StoreField label="To store" name="to_store_id" all={null} value={f.to_store_id} onInput={set('to_store_id')} error={err} />
        <ProductField value={f.product_id} onInput={set('product_id')} error={err} />
        <Field label="Quantity" name="quantity" type="number" value={f.quantity} onInput={set('quantity')} error={err} />
        <Field label="Note" name="note" value={f.note} onInput={set('note')} error={err} />
      </div>
      <ErrorBox error={err} title="The transfer was not requested" />
      <button type="submit" disabled={busy}>
        Request transfer
      </button>{' '}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </form>
  );
}

/** One line of a transfer being received: how many came, and why not as shipped. */
function ReceiveLine({ line, i, value, onInput, error }) {
  const what = useProductLabel(line.product_id);
  return (
    <div class="filters">
      <Field
        label={`Received of ${what}`}
        name={`lines[${i}].received`}
        type="number"
        value={value.received}
        onInput={(v) => onInput({ ...value, received: v })}
        error={error}
        hint={`${n0(line.quantity)} shipped`}
      />
      <Field
        label={`Why not as shipped: ${what}`}
        name={`lines[${i}].reason`}
        value={value.reason}
        onInput={(v) => onInput({ ...value, reason: v })}
        error={error}
        hint="required when more came than was shipped"
      />
    </div>
  );
}

/**
 * Receiving a shipped transfer (POST /api/v1/transfers/{id}/receive): each
 * line's count as it arrived, prefilled with what was shipped; a shortfall
 * stays on the line with its reason.
 */
function ReceiveForm({ transfer, onDone, onClose }) {
  const [lines, setLines] = useState(() => (transfer.lines || []).map((l) => ({ received: String(l.quantity), reason: '' })));
  const act = useAction(async () => {
    const body = {
      lines: (transfer.lines || []).map((l, i) => {
        const t = lines[i].received.trim();
        const out = { product_id: l.product_id, received: t === '' ? null : Number(t) };
        if (lines[i].reason.trim()) out.reason = lines[i].reason.trim();
        return out;
      }),
    };
    onDone(await post(`/api/v1/transfers/${transfer.id}/receive`, body));
  });
  return (
    <form class="panel" onSubmit={act.onSubmit} aria-labelledby="rc-h">
      <h2 id="rc-h">
        Receive transfer {transfer.id} at {storeName(transfer.to_store_id)}
      </h2>
      {(transfer.lines || []).map((l, i) => (
        <ReceiveLine
          key={l.product_id}
          line={l}
          i={i}
          value={lines[i]}
          onInput={(v) => setLines((o) => o.map((x, j) => (j === i ? v : x)))}
          error={act.error}
        />
      ))}
      <ErrorBox error={act.error} title="The transfer was not received" />
      <button type="submit" disabled={act.busy}>
        Receive
      </button>{' '}
      <button type="button" class="secondary" onClick={onClose}>
        Close
      </button>
    </form>
  );
}

function Transfers({ search }) {
  const q = { store_id: search.get('store_id') || '', status: search.get('status') || '' };
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [receiving, setReceiving] = useState(null); // the shipped transfer being received
  const [err, setErr] = useState(null);
  const [note, setNote] = useState('');
  const write = can('stock.write');
  const act = async (t, what) => {
    setErr(null);
    try {
      const r = await post(`/api/v1/transfers/${t.id}/${what}`);
      setNote(`Transfer ${t.id}: ${r && r.status ? r.status : what}.`);
      setReload((x) => x + 1);
    } catch (x) {
      setErr(x);
    }
  };
  const cols = [
    { key: 'id', title: 'Transfer' },
    { key: 'from', title: 'From', render: (t) => storeName(t.from_store_id) },
    { key: 'to', title: 'To', render: (t) => storeName(t.to_store_id) },
    { key: 'status', title: 'Status', render: (t) => <span class="badge">{t.status}</span> },
    {
      key: 'lines',
      title: 'Lines',
      render: (t) => (
        <ul class="plain">
          {(t.lines || []).map((l) => (
            <li key={l.product_id}>
              <ProductName id={l.product_id} /> × {n0(l.quantity)}
              {l.received !== null && l.received !== undefined && ` (received ${n0(l.received)}${l.reason ? `: ${l.reason}` : ''})`}
            </li>
          ))}
        </ul>
      ),
    },
    { key: 'note', title: 'Note', render: (t) => t.note || '—' },
    { key: 'created_at', title: 'Requested', render: (t) => fmt.dateTime(t.created_at, storeTz(t.from_store_id)) },
  ];
  if (write)
    cols.push({
      key: 'act',
      title: 'Actions',
      render: (t) => (
        <>
          {t.status === 'requested' && (
            <>
              <button type="button" class="secondary" onClick={() => act(t, 'ship')}>
                Ship
              </button>{' '}
              <button type="button" class="secondary" onClick={() => act(t, 'cancel')}>
                Cancel
              </button>
            </>
          )}
          {t.status === 'shipped' && (
            <>
              <button type="button" class="secondary" onClick={() => act(t, 'receive')}>
                Receive as shipped
              </button>{' '}
              <button type="button" class="secondary" onClick={() => setReceiving(t)}>
                Receive with differences
              </button>
            </>
          )}
        </>
      ),
    });
  return (
    <>
      <div class="filters">
        <StoreField value={q.store_id} onInput={(v) => setQuery({ store_id: v })} />
        <Field label="Status" name="status" value={q.status} onInput={(v) => setQuery({ status: v })} options={[['', 'Any status'], ...TSTATUS]} />
        {write && (
          <button type="button" onClick={() => setCreating(true)}>
            Request a transfer
          </button>
        )}
      </div>
      {creating && (
        <TransferForm
          onClose={() => setCreating(false)}
          onDone={(t) => {
            setCreating(false);
            setNote(`Transfer ${t.id} requested: the lines are reserved at ${storeName(t.from_store_id)}.`);
            setReload((x) => x + 1);
          }}
        />
      )}
      {receiving && (
        <ReceiveForm
          key={receiving.id}
          transfer={receiving}
          onClose={() => setReceiving(null)}
          onDone={(t) => {
            setReceiving(null);
            setNote(`Transfer ${t.id}: ${t.status}.`);
            setReload((x) => x + 1);
          }}
        />
      )}
      <ErrorBox error={err} />
      {note && (
        <p role="status" class="muted">
          {note}
        </p>
      )}
      <PagedTable path="/api/v1/transfers" query={q} caption="Transfers" empty="No transfer matches." reloadKey={reload} columns={cols} />
    </>
  );
}

export default function Inventory({ search }) {
  const view = search.get('view') || 'levels';
  const stores = useFetch(() => loadStores().then(() => firstStore()), []);
  return (
    <div class="inventory">
      <nav class="filters" aria-label="Inventory views">
        {VIEWS.map(([v, t]) => (
          <button
            key={v}
            type="button"
            class={v === view ? undefined : 'secondary'}
            aria-pressed={v === view ? 'true' : 'false'}
            onClick={() => setQuery({ view: v === 'levels' ? '' : v, filter: '', type: '', status: '', from: '', to: '' })}
          >
            {t}
          </button>
        ))}
      </nav>
      <ErrorBox error={stores.error} title="The stores did not load" />
      {stores.loading && <Loading />}
      {!stores.loading && !stores.error && (
        <>
          {view === 'levels' && <Levels search={search} storeDefault={stores.data} />}
          {view === 'product' && <ProductStock search={search} />}
          {view === 'ledger' && <Ledger search={search} />}
          {view === 'transfers' && <Transfers search={search} />}
        </>
      )}
    </div>
  );
}
