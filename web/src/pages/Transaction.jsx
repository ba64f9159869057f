// One sale (GET /api/v1/transactions/{id}): its lines, its fraud scoring —
// every fired rule with what was observed beside its threshold, the rules
// that could not be evaluated — and a void's own scoring; with fraud.review
// a flagged sale is labelled fraud or legitimate (once), with txn.write a
// completed sale is voided (stock back; scored by the void rules).
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
import { CustomerName, ProductName } from '../names.jsx';
import { decisionBadge } from './Transactions.jsx';

// the rule kinds whose observed value and threshold are money in cents (docs/fraud.md)
const MONEY_KINDS = new Set(['amount_over', 'velocity_amount', 'new_customer_large', 'void_amount']);
const ruleValue = (r, v) => (MONEY_KINDS.has(r.kind) ? fmt.money(v) : fmt.number(v, 3));

function Scoring({ title, f, id }) {
  if (!f) return null;
  const rules = f.rules || [];
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>
        {title} {decisionBadge(f)}
      </h2>
      <p class="muted">
        Rule set version {f.rule_set_version ?? '—'} · score {fmt.number(f.score, 1)} of 100
      </p>
      {rules.length === 0 ? (
        <Empty>No rule fired.</Empty>
      ) : (
        <table>
          <caption>Fired rules: observed against threshold</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">Observed</th>
              <th scope="col" class="num">Threshold</th>
              <th scope="col" class="num">Weight</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.code} data-rule={r.code}>
                <td>
                  <code>{r.code}</code>
                </td>
                <td>{r.kind}</td>
                <td class="num" data-observed>
                  {ruleValue(r, r.observed)}
                </td>
                <td class="num" data-threshold>
                  {ruleValue(r, r.threshold)}
                </td>
                <td class="num">{fmt.number(r.weight, 0)}</td>
                <td>{r.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {f.not_evaluated && f.not_evaluated.length > 0 && (
        <p class="error-box" role="note">
          Not evaluated (their facts were unavailable): {f.not_evaluated.join(', ')}
        </p>
      )}
    </section>
  );
}

function Label({ t, onDone }) {
  const [label, setLabel] = useState('');
  const [note, setNote] = useState('');
  const act = useAction(async () => {
    const body = { label };
    if (note.trim()) body.note = note.trim();
    onDone(await post(`/api/v1/transactions/${t.id}/review`, body));
  });
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <section class="panel" aria-labelledby="label-h">
      <h2 id="label-h">Review</h2>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The label was not recorded" />
        <fieldset class="filters">
          <legend>Label this sale</legend>
          {[
            ['fraud', 'Fraud'],
            ['legit', 'Legitimate'],
          ].map(([v, text]) => (
            <label key={v}>
              <input type="radio" name="label" value={v} checked={label === v} onChange={() => setLabel(v)} /> {text}
            </label>
          ))}
        </fieldset>
        <Field label="Note" name="note" type="textarea" value={note} error={err} onInput={setNote} maxLength={1000} />
        <button type="submit" disabled={act.busy || !label}>
          Record label
        </button>
      </form>
    </section>
  );
}

function Void({ t, onDone }) {
  const [reason, setReason] = useState('');
  const act = useAction(async () => onDone(await post(`/api/v1/transactions/${t.id}/void`, reason.trim() ? { reason: reason.trim() } : {})));
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <details class="panel">
      <summary>Void this sale</summary>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The sale was not voided" />
        <Field label="Reason" name="reason" value={reason} error={err} onInput={setReason} />
        <button type="submit" class="secondary" disabled={act.busy}>
          Void sale (stock goes back)
        </button>
      </form>
    </details>
  );
}

export default function Transaction({ params }) {
  const id = encodeURIComponent(params.id);
  const [tick, setTick] = useState(0);
  const { data: t, error, loading } = useFetch(() => get(`/api/v1/transactions/${id}`), [id, tick]);
  const { data: stores } = useFetch(() => loadStores(), []);
  if (error) return <ErrorBox error={error} title="The sale did not load" />;
  if (!t) return loading ? <Loading /> : null;
  const tz = storeTz(t.store_id);
  const flagged = (t.fraud && t.fraud.decision === 'review') || (t.void_fraud && t.void_fraud.decision === 'review');
  const lines = t.lines || [];
  return (
    <div class="transaction" data-sale={t.id} data-status={t.status}>
      <p>
        <Link href="/transactions">← All sales</Link>
        {can('fraud.review') && (
          <>
            {' '}
            · <Link href="/fraud">Review queue</Link>
          </>
        )}
      </p>
      <section class="panel" aria-labelledby="sale-h">
        <h2 id="sale-h">
          Sale #{t.id}: {fmt.money(t.total_cents)} <span class="badge">{t.status}</span>
        </h2>
        <p>
          {fmt.dateTime(t.occurred_at, tz)} at {storeName(t.store_id)} · {t.channel} · {t.payment_method}
          {t.instrument ? ` (${t.instrument})` : ''} · {t.customer_id ? <CustomerName id={t.customer_id} /> : 'no customer'}
          {t.operator ? ` · cashier ${t.operator}` : ''}
        </p>
        {t.voided_at && (
          <p>
            Voided {fmt.dateTime(t.voided_at, tz)} by {t.void_operator || '—'}
            {t.void_reason ? `: ${t.void_reason}` : ''}
          </p>
        )}
        {t.review && (
          <p data-review={t.review.label}>
            Reviewed: <strong>{t.review.label === 'legit' ? 'legitimate' : t.review.label}</strong>
            {t.review.reviewed_by ? ` by ${t.review.reviewed_by}` : ''}
            {t.review.reviewed_at ? `, ${fmt.dateTime(t.review.reviewed_at, tz)}` : ''}
            {t.review.note ? ` — ${t.review.note}` : ''}
          </p>
        )}
      </section>
      <table>
        <caption>Lines</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col" class="num">Quantity</th>
            <th scope="col" class="num">Unit price</th>
            <th scope="col" class="num">Line total</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => {
            const unit = l.unit_price_cents ?? (l.unit_price !== undefined ? Math.round(l.unit_price * 100) : null);
            const total = l.amount_cents ?? (unit !== null ? unit * l.quantity : null);
            return (
              <tr key={i}>
                <td>
                  {l.name ? (
                    <>
                      {l.name} {l.sku && <small class="muted">{l.sku}</small>}
                    </>
                  ) : (
                    <ProductName id={l.product_id} />
                  )}
                </td>
                <td class="num">{fmt.number(l.quantity, 0)}</td>
                <td class="num">{fmt.money(unit)}</td>
                <td class="num">{fmt.money(total)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Scoring title="Fraud scoring of the sale" f={t.fraud} id="fraud-h" />
      <Scoring title="Fraud scoring of the void" f={t.void_fraud} id="vfraud-h" />
      {can('fraud.review') && flagged && !t.review && <Label t={t} onDone={() => setTick(tick + 1)} />}
      {can('txn.write') && t.status === 'completed' && <Void t={t} onDone={() => setTick(tick + 1)} />}
    </div>
  );
}
