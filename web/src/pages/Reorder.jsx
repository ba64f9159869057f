// Reorder: the reorder suggestions (GET /api/v1/inventory/reorder-suggestions,
// docs/reorder.md) filtered by status and store, each opening on its whole
// arithmetic (/reorder/:id); with reorder.write, a suggestion for one
// level is computed now (POST .../generate-reorder-suggestion/{product_id}).
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { can } from '../session.js';
import { Link, navigate, setQuery } from '../router.js';
import { loadStores, storeTz, storeName } from '../stores.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { StoreField } from '../components/StoreField.jsx';
import { ProductName } from '../names.jsx';

export const STATUSES = ['open', 'approving', 'approved', 'rejected', 'no_supplier', 'expired'];

export function statusBadge(status) {
  const tone = { open: 'warn', approving: 'warn', no_supplier: 'bad', approved: 'ok' }[status] || '';
  return (
    <span class={`badge ${tone}`} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}

function Generate({ defaultStore }) {
  const [form, setForm] = useState({ product_id: '', store_id: defaultStore || '' });
  const [note, setNote] = useState('');
  const act = useAction(async () => {
    setNote('');
    const r = await post(`/api/v1/inventory/generate-reorder-suggestion/${encodeURIComponent(form.product_id.trim())}`, {
      store_id: Number(form.store_id) || form.store_id,
    });
    if (r && r.suggestion) navigate(`/reorder/${r.suggestion.id}`);
    else setNote('The level is above its reorder point: nothing to order now.');
  });
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <details class="panel">
      <summary>Compute a suggestion for one product now</summary>
      <form class="filters" onSubmit={submit}>
        <StoreField value={form.store_id} all={null} error={err} onInput={(v) => setForm({ ...form, store_id: v })} />
        <Field
          label="Product id"
          name="product_id"
          type="number"
          min="1"
          value={form.product_id}
          error={err}
          onInput={(v) => setForm({ ...form, product_id: v })}
        />
        <div class="field">
          <button type="submit" disabled={act.busy || !form.product_id || !form.store_id}>
            Compute
          </button>
        </div>
      </form>
      <ErrorBox error={err} title="No suggestion" />
      {note && <p role="status">{note}</p>}
    </details>
  );
}

export default function Reorder({ search }) {
  const status = search.get('status') || 'open'; // 'any': every status
  const storeId = search.get('store_id') || '';
  const { data: stores } = useFetch(() => loadStores(), []);
  const columns = [
    { key: 'id', title: 'Suggestion', render: (s) => <Link href={`/reorder/${s.id}`}>#{s.id}</Link> },
    { key: 'store_id', title: 'Store', render: (s) => storeName(s.store_id) },
    { key: 'product_id', title: 'Product', render: (s) => <ProductName id={s.product_id} /> },
    { key: 'status', title: 'Status', render: (s) => statusBadge(s.status) },
    { key: 'urgency', title: 'Urgency' },
    { key: 'position', title: 'Position', align: 'right', render: (s) => fmt.number(s.position, 0) },
    { key: 'reorder_point', title: 'Reorder point', align: 'right', render: (s) => fmt.number(s.reorder_point, 0) },
    { key: 'order_up_to', title: 'Order up to', align: 'right', render: (s) => fmt.number(s.order_up_to, 0) },
    { key: 'order_quantity', title: 'Order', align: 'right', render: (s) => fmt.number(s.order_quantity, 0) },
    { key: 'abc_class', title: 'Class', render: (s) => `${s.abc_class} · ${fmt.percent(s.fill_rate_target)}` },
    { key: 'lead_time_source', title: 'Lead time' },
    { key: 'stockout_date', title: 'Stock-out', render: (s) => fmt.date(s.stockout_date, storeTz(s.store_id)) },
    { key: 'created_at', title: 'Suggested', render: (s) => fmt.dateTime(s.created_at, storeTz(s.store_id)) },
  ];
  return (
    <div class="reorder">
      <div class="filters">
        <Field
          label="Status"
          name="status"
          value={status}
          onInput={(v) => setQuery({ status: v === 'open' ? null : v })}
          options={[['any', 'Any status'], ...STATUSES.map((s) => [s, s.replace('_', ' ')])]}
        />
        <StoreField value={storeId} onInput={(v) => setQuery({ store_id: v })} />
      </div>
      {can('reorder.write') && <Generate defaultStore={storeId} />}
      <PagedTable
        path="/api/v1/inventory/reorder-suggestions"
        query={{ status: status === 'any' ? '' : status, store_id: storeId }}
        caption="Reorder suggestions"
        empty="No suggestion matches: levels above their reorder point need none."
        columns={columns}
      />
    </div>
  );
}
