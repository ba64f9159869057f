// Purchase orders (GET /api/v1/purchase-orders, docs/purchase-orders.md) by
// status, supplier and store (a store manager: its stores'); with
// supplier.write a draft is created here (one line per product), then sent,
// confirmed, received or cancelled on its own page (/purchase-orders/:id).
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
import { SupplierName } from '../names.jsx';

export const PO_STATUSES = ['draft', 'sending', 'sent', 'confirmed', 'partially_received', 'received', 'cancelled'];

export function poBadge(status) {
  const tone = { received: 'ok', cancelled: 'bad', sending: 'warn', draft: '' }[status] ?? 'warn';
  return (
    <span class={`badge ${tone}`} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}

function NewOrder({ supplier, store }) {
  const [f, setF] = useState({ supplier_id: supplier || '', store_id: store || '', lines: '', reference: '' });
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const act = useAction(async () => {
    // "12 x 36, 14 x 6": product 12, 36 units; product 14, 6 units
    const lines = f.lines
      .split(/[,\n]/)
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => {
        const [p, q] = x.split(/\s*[x×:]\s*/);
        return { product_id: Number(p), quantity: Number(q) };
      });
    const body = { supplier_id: Number(f.supplier_id), store_id: Number(f.store_id), lines };
    if (f.reference.trim()) body.reference = f.reference.trim();
    const po = await post('/api/v1/purchase-orders', body);
    navigate(`/purchase-orders/${po.id}`);
  });
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <details class="panel">
      <summary>Create a purchase order</summary>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The purchase order was not created" />
        <div class="filters">
          <Field label="Supplier id" name="supplier_id" type="number" min="1" value={f.supplier_id} error={err} onInput={set('supplier_id')} required />
          <StoreField value={f.store_id} all={null} error={err} onInput={set('store_id')} />
          <Field
            label="Lines"
            name="lines"
            type="textarea"
            value={f.lines}
            error={err && err.field && err.field.startsWith('lines') ? { ...err, field: 'lines' } : err}
            onInput={set('lines')}
            hint="product id x quantity, one a line or comma separated (12 x 36)"
            required
          />
          <Field label="Reference" name="reference" value={f.reference} error={err} onInput={set('reference')} />
        </div>
        <button type="submit" disabled={act.busy}>
          Create draft
        </button>
      </form>
    </details>
  );
}

export default function PurchaseOrders({ search }) {
  const status = search.get('status') || '';
  const storeId = search.get('store_id') || '';
  const supplierId = search.get('supplier_id') || '';
  const { data: stores } = useFetch(() => loadStores(), []);
  return (
    <div class="purchase-orders">
      <p>
        <Link href="/suppliers">Suppliers →</Link>
      </p>
      <div class="filters">
        <Field
          label="Status"
          name="status"
          value={status}
          onInput={(v) => setQuery({ status: v })}
          options={[['', 'Any status'], ...PO_STATUSES.map((s) => [s, s.replace('_', ' ')])]}
        />
        <StoreField value={storeId} onInput={(v) => setQuery({ store_id: v })} />
        <Field label="Supplier id" name="supplier_id" type="number" min="1" value={supplierId} onInput={(v) => setQuery({ supplier_id: v })} />
      </div>
      {can('supplier.write') && <NewOrder supplier={supplierId} store={storeId} />}
      <PagedTable
        path="/api/v1/purchase-orders"
        query={{ status, store_id: storeId, supplier_id: supplierId }}
        caption="Purchase orders"
        empty="No purchase order matches."
        columns={[
          { key: 'id', title: 'PO', render: (p) => <Link href={`/purchase-orders/${p.id}`}>PO #{p.id}</Link> },
          { key: 'status', title: 'Status', render: (p) => poBadge(p.status) },
          { key: 'supplier_id', title: 'Supplier', render: (p) => <Link href={`/suppliers/${p.supplier_id}`}><SupplierName id={p.supplier_id} /></Link> },
          { key: 'store_id', title: 'Store', render: (p) => storeName(p.store_id) },
          { key: 'reference', title: 'Reference', render: (p) => p.reference || '—' },
          { key: 'total_cents', title: 'Total', align: 'right', render: (p) => fmt.money(p.total_cents, p.currency || fmt.CURRENCY) },
          { key: 'expected_delivery', title: 'Expected', render: (p) => fmt.date(p.expected_delivery, storeTz(p.store_id)) },
          { key: 'created_at', title: 'Created', render: (p) => fmt.dateTime(p.created_at, storeTz(p.store_id)) },
        ]}
      />
    </div>
  );
}
