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
import { post } from '../api.js';
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

function Levels({ search, storeDefault }) {
  const storeId = search.get('store_id') || (storeDefault ? String(storeDefault) : '');
  const filter = search.get('filter') || 'all';
  const [form, setForm] = useState(null); // {productId} while the movement form is open
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
        <button type="button" class="secondary" aria-label={`Record movement: ${l.name || `product ${l.product_id}`}`} onClick={() => setForm({ productId: l.product_id })}>
          Record movement
        </button>
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
  return (
    <>
      <div class="filters">
        <ProductField value={pid} onInput={(v) => setQuery({ product_id: v })} />
      </div>
      {pid ? (
        <PagedTable
          path={`/api/v1/products/${encodeURIComponent(pid)}/inventory`}
          caption="This product in every store"
          empty="No store stocks this product."
          rowKey={(l) => `${l.store_id}:${l.product_id}`}
          columns={[{ key: 'store', title: 'Store', render: (l) => storeName(l.store_id) }, ...levelCols]}
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
          { key: 'product_id', title: 'Product' },
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

function Transfers({ search }) {
  const q = { store_id: search.get('store_id') || '', status: search.get('status') || '' };
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [err, setErr] = useState(null);
  const [note, setNote] = useState('');
  const write = can('stock.write');
  const act = async (t, what) => {
    setErr(null);
    try {
      const r = await post(`/api/v1/transfers/${t.id}/${what}`, what === 'receive' ? {} : undefined);
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
      render: (t) =>
        (t.lines || [])
          .map((l) => `product ${l.product_id} × ${n0(l.quantity)}${l.received !== null && l.received !== undefined ? ` (received ${n0(l.received)})` : ''}`)
          .join('; '),
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
            <button type="button" class="secondary" onClick={() => act(t, 'receive')}>
              Receive as shipped
            </button>
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
