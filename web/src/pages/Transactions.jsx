// Transactions: the sales (GET /api/v1/transactions), newest first unless
// asked otherwise, filtered by store, status, fraud decision, local dates,
// amounts and flagged voids, each
// opening on its lines and fired rules (/transactions/:id). Store managers
// see their stores' only (the API scopes them). The fraud review queue and
// statistics are the Fraud review page (/fraud).
import { setQuery, Link } from '../router.js';
import { loadStores, storeTz, storeName } from '../stores.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { StoreField } from '../components/StoreField.jsx';
import { CustomerName } from '../names.jsx';

function offsetMs(tz, t) {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(new Date(t))
      .find((p) => p.type === 'timeZoneName');
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(part ? part.value : '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] || 0) * 60) * 1000 : 0;
  } catch {
    return 0;
  }
}

/** "2026-11-27" (+ days) → the ISO instant that day starts in time zone tz (UTC when none). */
export function dayStart(day, tz, plusDays = 0) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return '';
  const [y, m, d] = day.split('-').map(Number);
  const utc = Date.UTC(y, m - 1, d + plusDays);
  if (!tz) return new Date(utc).toISOString();
  let t = utc - offsetMs(tz, utc);
  t = utc - offsetMs(tz, t);
  return new Date(t).toISOString();
}

/** Money typed by a person ("12.50") → cents, or '' when empty or not a number. */
export function toCents(v) {
  if (v === null || v === undefined || String(v).trim() === '') return '';
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? String(Math.round(n * 100)) : '';
}

export function decisionBadge(f) {
  if (!f || !f.decision) return '—';
  const tone = { approve: 'ok', review: 'warn', decline: 'bad' }[f.decision] || '';
  return (
    <span class={`badge ${tone}`} data-decision={f.decision}>
      {f.decision} {f.score !== undefined ? `(${fmt.number(f.score, 0)})` : ''}
    </span>
  );
}

export const saleColumns = (stores) => [
  { key: 'id', title: 'Sale', render: (t) => <Link href={`/transactions/${t.id}`}>#{t.id}</Link> },
  { key: 'occurred_at', title: 'When (store time)', render: (t) => fmt.dateTime(t.occurred_at, storeTz(t.store_id)) },
  { key: 'store_id', title: 'Store', render: (t) => storeName(t.store_id) },
  { key: 'customer_id', title: 'Customer', render: (t) => (t.customer_id ? <CustomerName id={t.customer_id} /> : '—') },
  { key: 'total_cents', title: 'Total', align: 'right', render: (t) => fmt.money(t.total_cents) },
  { key: 'status', title: 'Status' },
  { key: 'decision', title: 'Fraud decision', render: (t) => decisionBadge(t.fraud) },
  { key: 'channel', title: 'Channel', render: (t) => `${t.channel} · ${t.payment_method}` },
];

export default function Transactions({ search }) {
  const q = (k) => search.get(k) || '';
  const storeId = q('store_id');
  const tz = storeId ? storeTz(storeId) : undefined;
  const { data: stores } = useFetch(() => loadStores(), []);
  const query = {
    store_id: storeId,
    status: q('status'),
    decision: q('decision'),
    from: dayStart(q('from'), tz),
    to: dayStart(q('to'), tz, 1),
    min_total_cents: toCents(q('min')),
    max_total_cents: toCents(q('max')),
    void_flagged: q('void_flagged'),
    customer_id: q('customer_id'),
    order: q('order') === 'oldest' ? 'oldest' : 'newest',
  };
  return (
    <div class="transactions">
      <form class="filters" role="search" aria-label="Filter sales" onSubmit={(e) => e.preventDefault()}>
        <StoreField value={storeId} onInput={(v) => setQuery({ store_id: v })} />
        <Field
          label="Status"
          name="status"
          value={q('status')}
          onInput={(v) => setQuery({ status: v })}
          options={[['', 'Any'], 'completed', 'declined', 'voided']}
        />
        <Field
          label="Fraud decision"
          name="decision"
          value={q('decision')}
          onInput={(v) => setQuery({ decision: v })}
          options={[['', 'Any'], 'approve', 'review', 'decline']}
        />
        <Field label="From (store date)" name="from" type="date" value={q('from')} onInput={(v) => setQuery({ from: v })} />
        <Field label="To (store date, included)" name="to" type="date" value={q('to')} onInput={(v) => setQuery({ to: v })} />
        <Field label="Total at least" name="min_total_cents" type="number" min="0" step="0.01" value={q('min')} onInput={(v) => setQuery({ min: v })} />
        <Field label="Total at most" name="max_total_cents" type="number" min="0" step="0.01" value={q('max')} onInput={(v) => setQuery({ max: v })} />
        <Field
          label="Voids"
          name="void_flagged"
          value={q('void_flagged')}
          onInput={(v) => setQuery({ void_flagged: v })}
          options={[
            ['', 'Any sale'],
            ['true', 'Flagged or declined voids'],
            ['false', 'Not a flagged void'],
          ]}
        />
        <Field label="Customer id" name="customer_id" type="number" min="1" value={q('customer_id')} onInput={(v) => setQuery({ customer_id: v })} />
        <Field
          label="Order"
          name="order"
          value={q('order')}
          onInput={(v) => setQuery({ order: v })}
          options={[
            ['', 'Newest first'],
            ['oldest', 'Oldest first'],
          ]}
        />
      </form>
      <PagedTable path="/api/v1/transactions" query={query} caption="Sales" empty="No sale matches these filters." columns={saleColumns(stores)} />
    </div>
  );
}
