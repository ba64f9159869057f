// One reorder suggestion (GET /api/v1/inventory/reorder-suggestions/{id}):
// the reason in words, the key numbers, every input with its source (the
// forecast's model and class, the lead time's source, the service level) and
// every term of the policy's arithmetic; approve (purchase orders at
// tm-supplier, linked here) or reject with a reason (reorder.write); and the
// supplier choice's ranked breakdown for the order (GET /api/v1/supplier-choice).
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { can } from '../session.js';
import { Link } from '../router.js';
import { loadStores, storeTz, storeName } from '../stores.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { KeyValues } from '../components/KeyValues.jsx';
import { statusBadge } from './Reorder.jsx';
import { ProductName } from '../names.jsx';

// money in cents as money; a day number (days since 1970, as the policy
// counts) with the date it is
const kvFmt = (k, v) =>
  typeof v !== 'number' ? undefined : k.endsWith('_cents') ? fmt.money(v) : /(^|_)day$/.test(k) ? `${v} (${fmt.date(new Date(v * 86400000).toISOString().slice(0, 10))})` : undefined;

export const POLICIES = ['weighted', 'cheapest', 'fastest', 'most_reliable', 'preferred'];

function Decide({ s, onDone }) {
  const [policy, setPolicy] = useState('');
  const [reason, setReason] = useState('');
  const [doing, setDoing] = useState('');
  const action = useAction(async (what, body) => {
    setDoing(what);
    onDone(await post(`/api/v1/inventory/reorder-suggestions/${s.id}/${what}`, body));
  });
  const act = (what, body) => action.run(what, body);
  const err = action.error;
  const busy = action.busy ? doing : '';
  const canApprove = s.status === 'open' || s.status === 'approving';
  const canReject = s.status === 'open' || s.status === 'no_supplier' || s.status === 'approving';
  if (!canApprove && !canReject) return null;
  return (
    <section class="panel" aria-labelledby="decide-h">
      <h2 id="decide-h">Decide</h2>
      <ErrorBox error={err} />
      <div class="grid">
        {canApprove && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act('approve', policy ? { policy } : {});
            }}
          >
            <Field
              label="Supplier policy"
              name="policy"
              value={policy}
              error={err}
              onInput={setPolicy}
              hint="How the supplier is chosen; the platform's setting when left as is."
              options={[['', 'The platform setting'], ...POLICIES.map((p) => [p, p.replace('_', ' ')])]}
            />
            <button type="submit" disabled={!!busy}>
              {busy === 'approve' ? 'Approving…' : `Approve: order ${fmt.number(s.order_quantity, 0)}`}
            </button>
          </form>
        )}
        {canReject && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              act('reject', { reason });
            }}
          >
            <Field
              label="Reason for rejecting"
              name="reason"
              type="textarea"
              value={reason}
              error={err}
              maxLength={500}
              onInput={setReason}
            />
            <button type="submit" class="secondary" disabled={!!busy}>
              {busy === 'reject' ? 'Rejecting…' : 'Reject'}
            </button>
          </form>
        )}
      </div>
    </section>
  );
}

function Choice({ s }) {
  const [policy, setPolicy] = useState('');
  const qty = s.order_quantity > 0 ? s.order_quantity : 1;
  const { data, error, loading } = useFetch(
    () => get('/api/v1/supplier-choice', { product_id: s.product_id, quantity: qty, store_id: s.store_id, policy }),
    [s.id, qty, policy],
  );
  const items = data ? data.items || [] : [];
  const win = data && data.winner;
  return (
    <section class="panel" aria-labelledby="choice-h">
      <h2 id="choice-h">Supplier choice for {fmt.number(qty, 0)} units</h2>
      <div class="filters">
        <Field
          label="Policy"
          name="choice_policy"
          value={policy}
          onInput={setPolicy}
          options={[['', 'weighted (default)'], ...POLICIES.slice(1).map((p) => [p, p.replace('_', ' ')])]}
        />
      </div>
      <ErrorBox error={error} title="The supplier choice did not load" />
      {loading && <Loading />}
      {data && (
        <>
          <p data-choice-reason>{data.reason}</p>
          {data.truncated && <p class="muted">Only the 32 cheapest candidates were ranked.</p>}
          {items.length === 0 ? (
            <Empty>No active supplier offers this product today.</Empty>
          ) : (
            <table>
              <caption>Candidates, best first</caption>
              <thead>
                <tr>
                  <th scope="col">Rank</th>
                  <th scope="col">Supplier</th>
                  <th scope="col" class="num">Order</th>
                  <th scope="col" class="num">Unit price</th>
                  <th scope="col" class="num">Goods</th>
                  <th scope="col" class="num">Shipping</th>
                  <th scope="col" class="num">Total</th>
                  <th scope="col" class="num">Landed / unit</th>
                  <th scope="col" class="num">Lead time (d)</th>
                  <th scope="col" class="num">On time</th>
                  <th scope="col" class="num">Fill</th>
                  <th scope="col" class="num">Price</th>
                  <th scope="col" class="num">Reliability</th>
                  <th scope="col" class="num">Delivery</th>
                  <th scope="col" class="num">Score</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c, i) => (
                  <tr key={c.offer_id} data-supplier={c.supplier_id} class={win && win.offer_id === c.offer_id ? 'winner' : undefined}>
                    <td>
                      {i + 1}
                      {win && win.offer_id === c.offer_id ? <span class="badge ok"> chosen</span> : null}
                    </td>
                    <td>
                      {can('supplier.read') ? <Link href={`/suppliers/${c.supplier_id}`}>{c.name}</Link> : c.name}{' '}
                      <small class="muted">
                        {c.code}
                        {c.preferred ? ' · preferred' : ''}
                        {c.quoted ? ' · quoted rates' : ''}
                        {c.raised ? ' · raised to MOQ/pack' : ''}
                        {c.covers === false ? ' · does not cover' : ''}
                      </small>
                    </td>
                    <td class="num">{fmt.number(c.order_quantity, 0)}</td>
                    <td class="num">{fmt.money(c.unit_price_cents)}</td>
                    <td class="num">{fmt.money(c.goods_cents)}</td>
                    <td class="num">{fmt.money(c.shipping_cents)}</td>
                    <td class="num">{fmt.money(c.total_cost_cents)}</td>
                    <td class="num">{fmt.money(c.landed_unit_cost_cents)}</td>
                    <td class="num">
                      {fmt.number(c.lead_time_mean_days, 1)} ± {fmt.number(c.lead_time_sd_days, 1)}
                    </td>
                    <td class="num">{fmt.percent(c.on_time_rate)}</td>
                    <td class="num">{fmt.percent(c.fill_rate)}</td>
                    <td class="num">{fmt.number(c.price, 3)}</td>
                    <td class="num">{fmt.number(c.reliability, 3)}</td>
                    <td class="num">{fmt.number(c.delivery, 3)}</td>
                    <td class="num">{fmt.number(c.score, 3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.splits && data.splits.length > 0 && (
            <KeyValues caption="Split across suppliers" obj={Object.fromEntries(data.splits.map((x, i) => [`split ${i + 1}`, x]))} />
          )}
          {data.weights && (
            <p class="muted">
              Weights:{' '}
              {Object.entries(data.weights)
                .map(([k, v]) => `${k} ${fmt.number(v, 2)}`)
                .join(', ')}
              {data.uncovered ? ` · ${fmt.number(data.uncovered, 0)} units no supplier covers` : ''}
            </p>
          )}
        </>
      )}
    </section>
  );
}

export default function ReorderSuggestion({ params }) {
  const [after, setAfter] = useState(null);
  const { data, error, loading, reload } = useFetch(
    () => get(`/api/v1/inventory/reorder-suggestions/${encodeURIComponent(params.id)}`),
    [params.id],
  );
  const { data: stores } = useFetch(() => loadStores(), []);
  if (error) return <ErrorBox error={error} title="The suggestion did not load" />;
  if (!data) return loading ? <Loading /> : null;
  const s = data;
  const tz = storeTz(s.store_id);
  const pos = s.purchase_order_ids || [];
  return (
    <div class="reorder-detail" data-suggestion={s.id}>
      <p>
        <Link href="/reorder">← All suggestions</Link>
      </p>
      <section class="panel" aria-labelledby="sum-h">
        <h2 id="sum-h">
          Suggestion #{s.id}: <ProductName id={s.product_id} /> at {storeName(s.store_id)} {statusBadge(s.status)}
        </h2>
        <p class="reason" data-reason>
          {s.reason}
        </p>
        {s.reject_reason && (
          <p>
            <strong>{s.status === 'expired' ? 'Expired' : 'Rejected'}:</strong> {s.reject_reason}
          </p>
        )}
        <dl class="kpis">
          <div class="kpi">
            <dt>Position</dt>
            <dd>{fmt.number(s.position, 0)}</dd>
          </div>
          <div class="kpi">
            <dt>Reorder point</dt>
            <dd>{fmt.number(s.reorder_point, 0)}</dd>
          </div>
          <div class="kpi">
            <dt>Order up to</dt>
            <dd>{fmt.number(s.order_up_to, 0)}</dd>
          </div>
          <div class="kpi">
            <dt>Safety stock</dt>
            <dd>{fmt.number(s.safety_stock, 1)}</dd>
          </div>
          <div class="kpi">
            <dt>Order quantity</dt>
            <dd data-kpi="order_quantity">{fmt.number(s.order_quantity, 0)}</dd>
          </div>
          <div class="kpi">
            <dt>Service level</dt>
            <dd>
              {s.abc_class} · {fmt.percent(s.fill_rate_target)}
            </dd>
          </div>
          <div class="kpi">
            <dt>Lead time from</dt>
            <dd>{s.lead_time_source}</dd>
          </div>
          <div class="kpi">
            <dt>Stock-out expected</dt>
            <dd>{fmt.date(s.stockout_date, tz)}</dd>
          </div>
        </dl>
        <p class="muted">
          Urgency {s.urgency} · origin {s.origin || '—'} · suggested {fmt.dateTime(s.created_at, tz)} by {s.created_by || '—'}
          {s.decided_at ? ` · decided ${fmt.dateTime(s.decided_at, tz)} by ${s.decided_by}` : ''}
        </p>
        {pos.length > 0 && (
          <p data-purchase-orders>
            Purchase orders:{' '}
            {pos.map((id, i) => (
              <span key={id}>
                {i > 0 && ', '}
                {can('supplier.read') ? <Link href={`/purchase-orders/${id}`}>PO #{id}</Link> : `PO #${id}`}
              </span>
            ))}
          </p>
        )}
      </section>
      {can('reorder.write') && (
        <Decide
          s={s}
          onDone={(r) => {
            setAfter(r);
            reload();
          }}
        />
      )}
      {after && after.status && (
        <p role="status" class="muted">
          Now {after.status}.
        </p>
      )}
      <div class="grid">
        <section class="panel" aria-labelledby="in-h">
          <h2 id="in-h">Inputs</h2>
          <KeyValues caption="What the policy was given, with its sources" obj={s.inputs} fmtValue={kvFmt} />
        </section>
        <section class="panel" aria-labelledby="terms-h">
          <h2 id="terms-h">Terms</h2>
          <KeyValues caption="Every term of the policy's result" obj={s.terms} fmtValue={kvFmt} />
        </section>
      </div>
      {s.supplier_choice && (
        <section class="panel" aria-labelledby="stored-h">
          <h2 id="stored-h">The supplier choice the approval used</h2>
          <KeyValues obj={{ policy: s.supplier_choice.policy, reason: s.supplier_choice.reason, winner: s.supplier_choice.winner }} />
        </section>
      )}
      {can('supplier.read') && <Choice s={s} />}
    </div>
  );
}
