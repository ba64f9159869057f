// One purchase order (GET /api/v1/purchase-orders/{id}): its lines (ordered,
// confirmed, received, rejected, outstanding; the store's stock of each now),
// its receipts, and the actions its state and the role allow: send, cancel
// (supplier.write), receive against it (stock.write at the PO's store).
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { can, myStores } from '../session.js';
import { Link } from '../router.js';
import { loadStores, storeTz, storeName } from '../stores.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { ProductName, SupplierName, useProductLabel } from '../names.jsx';
import { poBadge } from './PurchaseOrders.jsx';

const RECEIVABLE = ['sent', 'confirmed', 'partially_received'];

function outstanding(l) {
  const expected = l.confirmed_quantity ?? l.quantity;
  return Math.max(0, expected - (l.received_quantity || 0) - (l.rejected_quantity || 0));
}

/** One outstanding line of the receive form: accepted and rejected counts. */
function ReceiveRow({ line, i, qty, rejected, err, onQty, onRejected }) {
  const what = useProductLabel(line.product_id);
  return (
    <tr>
      <th scope="row">
        <ProductName id={line.product_id} />
      </th>
      <td class="num">{fmt.number(outstanding(line), 0)}</td>
      <td>
        <Field label={`Accepted of ${what}`} name={`lines[${i}].quantity`} type="number" min="0" value={qty} error={err} onInput={onQty} />
      </td>
      <td>
        <Field label={`Rejected of ${what}`} name={`lines[${i}].rejected`} type="number" min="0" value={rejected} error={err} onInput={onRejected} />
      </td>
    </tr>
  );
}

function Receive({ po, onDone }) {
  const open = po.lines.filter((l) => outstanding(l) > 0);
  const [qty, setQty] = useState(() => Object.fromEntries(open.map((l) => [l.product_id, String(outstanding(l))])));
  const [rej, setRej] = useState({});
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [key] = useState(() => `web-${po.id}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const act = useAction(async () => {
    const lines = open
      .map((l) => {
        const x = { product_id: l.product_id, quantity: Number(qty[l.product_id] || 0) };
        if (Number(rej[l.product_id] || 0) > 0) x.rejected = Number(rej[l.product_id]);
        if (reason.trim()) x.reason = reason.trim();
        return x;
      })
      .filter((x) => x.quantity > 0 || x.rejected > 0);
    const body = { lines, key }; // the key: a double submit books once
    if (note.trim()) body.note = note.trim();
    onDone(await post(`/api/v1/purchase-orders/${po.id}/receipts`, body));
  });
  const err = act.error;
  const busy = act.busy;
  if (!open.length) return null;
  const submit = act.onSubmit;
  return (
    <section class="panel" aria-labelledby="recv-h">
      <h2 id="recv-h">Receive</h2>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The receipt was not booked" />
        <table>
          <caption>What arrived</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" class="num">Outstanding</th>
              <th scope="col">Accepted</th>
              <th scope="col">Rejected at the door</th>
            </tr>
          </thead>
          <tbody>
            {open.map((l, i) => (
              <ReceiveRow
                key={l.product_id}
                line={l}
                i={i}
                qty={qty[l.product_id]}
                rejected={rej[l.product_id] || ''}
                err={err}
                onQty={(v) => setQty({ ...qty, [l.product_id]: v })}
                onRejected={(v) => setRej({ ...rej, [l.product_id]: v })}
              />
            ))}
          </tbody>
        </table>
        <div class="filters">
          <Field label="Reason (needed for more than outstanding)" name="reason" value={reason} error={err} onInput={setReason} />
          <Field label="Note" name="note" value={note} error={err} onInput={setNote} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Booking…' : 'Book receipt'}
        </button>
      </form>
    </section>
  );
}

function Stock({ store, product, tick }) {
  const { data, error } = useFetch(() => get(`/api/v1/inventory/${store}/${product}`), [store, product, tick]);
  if (error) return <span class="muted">{error.status === 404 ? 'not stocked' : '—'}</span>;
  if (!data) return <span class="muted">…</span>;
  return (
    <span data-on-hand={data.on_hand}>
      {fmt.number(data.on_hand, 0)} on hand · {fmt.number(data.incoming, 0)} incoming
    </span>
  );
}

export default function PurchaseOrder({ params }) {
  const id = encodeURIComponent(params.id);
  const [doing, setDoing] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [tick, setTick] = useState(0);
  // a receipt reaches the store's stock through an event (docs/purchase-orders.md):
  // the stock column is read again each second for a while after one
  const [stockTick, setStockTick] = useState(0);
  const [rereads, setRereads] = useState(0);
  useEffect(() => {
    if (!rereads) return undefined;
    const t = setTimeout(() => {
      setStockTick((x) => x + 1);
      setRereads((n) => n - 1);
    }, 1000);
    return () => clearTimeout(t);
  }, [rereads]);
  const { data: po, error, loading, reload } = useFetch(() => get(`/api/v1/purchase-orders/${id}`), [id, tick]);
  const { data: stores } = useFetch(() => loadStores(), []);
  const action = useAction(async (what, body) => {
    setDoing(what);
    try {
      await post(`/api/v1/purchase-orders/${id}/${what}`, body);
    } finally {
      setTick((t) => t + 1); // read it again either way: a refusal may follow a change elsewhere
    }
  });
  const act = (what, body) => action.run(what, body);
  const err = action.error;
  const busy = action.busy ? doing : '';
  if (error) return <ErrorBox error={error} title="The purchase order did not load" />;
  if (!po) return loading ? <Loading /> : null;
  const tz = storeTz(po.store_id);
  const cur = po.currency || fmt.CURRENCY;
  const write = can('supplier.write');
  const mine = myStores();
  const atMyStore = !mine.length || mine.includes(po.store_id);
  const showStock = can('stock.read') && atMyStore;
  return (
    <div class="purchase-order" data-po={po.id} data-status={po.status}>
      <p>
        <Link href="/purchase-orders">← All purchase orders</Link>
      </p>
      <section class="panel" aria-labelledby="po-h">
        <h2 id="po-h">
          PO #{po.id} {poBadge(po.status)}
        </h2>
        <p>
          From <Link href={`/suppliers/${po.supplier_id}`}><SupplierName id={po.supplier_id} /></Link> for {storeName(po.store_id)}
          {po.reference ? ` · reference ${po.reference}` : ''}
          {po.reference && po.reference.startsWith('reorder-') ? (
            <>
              {' '}
              (<Link href={`/reorder/${po.reference.slice(8)}`}>the suggestion</Link>)
            </>
          ) : null}
        </p>
        <dl class="kpis">
          <div class="kpi">
            <dt>Goods</dt>
            <dd>{fmt.money(po.goods_cents, cur)}</dd>
          </div>
          <div class="kpi">
            <dt>Shipping</dt>
            <dd>{fmt.money(po.shipping_cents, cur)}</dd>
          </div>
          <div class="kpi">
            <dt>Total</dt>
            <dd>{fmt.money(po.total_cents, cur)}</dd>
          </div>
          <div class="kpi">
            <dt>Expected delivery</dt>
            <dd>{fmt.date(po.expected_delivery, tz)}</dd>
          </div>
        </dl>
        <p class="muted">
          Created {fmt.dateTime(po.created_at, tz)} by {po.created_by || '—'}
          {po.sent_at ? ` · sent ${fmt.dateTime(po.sent_at, tz)}` : ''}
          {po.confirmed_at ? ` · confirmed ${fmt.dateTime(po.confirmed_at, tz)}` : ''}
          {po.closed_at ? ` · closed ${fmt.dateTime(po.closed_at, tz)}` : ''}
          {po.supplier_order_id ? ` · supplier's order ${po.supplier_order_id}` : ''}
        </p>
        {po.last_error && <p class="error-box">Last error from the supplier: {po.last_error}</p>}
        {po.cancel_reason && <p>Cancelled: {po.cancel_reason}</p>}
        <ErrorBox error={err} />
        {write && (
          <div class="filters">
            {(po.status === 'draft' || po.status === 'sending') && (
              <button type="button" disabled={!!busy} onClick={() => act('send', undefined)}>
                {po.status === 'sending' ? 'Send again' : 'Send to supplier'}
              </button>
            )}
            {['draft', 'sent', 'confirmed', 'partially_received'].includes(po.status) && (
              <>
                <Field label="Reason to cancel" name="cancel_reason" value={cancelReason} onInput={setCancelReason} />
                <div class="field">
                  <button type="button" class="secondary" disabled={!!busy} onClick={() => act('cancel', cancelReason.trim() ? { reason: cancelReason.trim() } : {})}>
                    Cancel order
                  </button>
                </div>
              </>
            )}
          </div>
        )}
      </section>
      <table>
        <caption>Lines</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col" class="num">Ordered</th>
            <th scope="col" class="num">Confirmed</th>
            <th scope="col" class="num">Received</th>
            <th scope="col" class="num">Rejected</th>
            <th scope="col" class="num">Outstanding</th>
            <th scope="col" class="num">Unit price</th>
            <th scope="col" class="num">Lead (d)</th>
            {showStock && <th scope="col">Store's stock now</th>}
          </tr>
        </thead>
        <tbody>
          {po.lines.map((l) => (
            <tr key={l.product_id} data-product={l.product_id}>
              <td>
                <ProductName id={l.product_id} />
              </td>
              <td class="num">{fmt.number(l.quantity, 0)}</td>
              <td class="num">{fmt.number(l.confirmed_quantity, 0)}</td>
              <td class="num" data-received>
                {fmt.number(l.received_quantity, 0)}
              </td>
              <td class="num">{fmt.number(l.rejected_quantity, 0)}</td>
              <td class="num">{fmt.number(outstanding(l), 0)}</td>
              <td class="num">{fmt.money(l.unit_price_cents, cur)}</td>
              <td class="num">{fmt.number(l.promised_lead_days, 0)}</td>
              {showStock && (
                <td>
                  <Stock store={po.store_id} product={l.product_id} tick={`${tick}-${stockTick}`} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {can('stock.write') && atMyStore && RECEIVABLE.includes(po.status) && (
        <Receive
          key={`${po.id}-${tick}`}
          po={po}
          onDone={() => {
            setTick(tick + 1);
            setRereads(20);
          }}
        />
      )}
      <section class="panel" aria-labelledby="rc-h">
        <h2 id="rc-h">Receipts</h2>
        {!po.receipts || po.receipts.length === 0 ? (
          <Empty>Nothing received yet.</Empty>
        ) : (
          <ul>
            {po.receipts.map((r, i) => (
              <li key={r.id ?? i}>
                {fmt.dateTime(r.received_at || r.created_at, tz)} by {r.received_by || r.created_by || '—'}:{' '}
                {(r.lines || []).map((l, j) => (
                  <span key={l.product_id}>
                    {j > 0 && '; '}
                    <ProductName id={l.product_id} />: {l.quantity} accepted{l.rejected ? `, ${l.rejected} rejected` : ''}
                  </span>
                ))}
                {r.note ? ` — ${r.note}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
