// Suppliers: who TechMart buys from (GET /api/v1/suppliers), each opening on
// its offers, price breaks and measured performance (/suppliers/:id); with
// supplier.write, a new supplier is added here.
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { can } from '../session.js';
import { Link, navigate, setQuery } from '../router.js';
import { CURRENCY } from '../format.js';
import { useAction } from '../useAction.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';

function NewSupplier() {
  const [f, setF] = useState({ code: '', name: '', currency: CURRENCY, contact: '', api_url: '' });
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const act = useAction(async () => {
    const body = { code: f.code.trim(), name: f.name.trim(), currency: f.currency.trim() };
    if (f.contact.trim()) body.contact = f.contact.trim();
    if (f.api_url.trim()) body.api_url = f.api_url.trim();
    const s = await post('/api/v1/suppliers', body);
    navigate(`/suppliers/${s.id}`);
  });
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <details class="panel">
      <summary>Add a supplier</summary>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The supplier was not added" />
        <div class="filters">
          <Field label="Code" name="code" value={f.code} error={err} onInput={set('code')} required maxLength={32} />
          <Field label="Name" name="name" value={f.name} error={err} onInput={set('name')} required />
          <Field label="Currency" name="currency" value={f.currency} error={err} onInput={set('currency')} maxLength={3} />
          <Field label="Contact" name="contact" value={f.contact} error={err} onInput={set('contact')} />
          <Field label="Ordering API URL" name="api_url" value={f.api_url} error={err} onInput={set('api_url')} hint="Empty: POs are sent by hand." />
        </div>
        <button type="submit" disabled={act.busy}>
          Add supplier
        </button>
      </form>
    </details>
  );
}

export default function Suppliers({ search }) {
  const active = search.get('active') ?? 'true';
  return (
    <div class="suppliers">
      <p>
        <Link href="/purchase-orders">Purchase orders →</Link>
      </p>
      <div class="filters">
        <Field
          label="Active"
          name="active"
          value={active}
          onInput={(v) => setQuery({ active: v === 'true' ? null : v || 'any' })}
          options={[
            ['true', 'Active suppliers'],
            ['false', 'Inactive suppliers'],
            ['any', 'All suppliers'],
          ]}
        />
      </div>
      {can('supplier.write') && <NewSupplier />}
      <PagedTable
        path="/api/v1/suppliers"
        query={{ active: active === 'any' ? '' : active }}
        caption="Suppliers"
        empty="No supplier matches."
        columns={[
          { key: 'code', title: 'Code', render: (s) => <Link href={`/suppliers/${s.id}`}>{s.code}</Link> },
          { key: 'name', title: 'Name' },
          { key: 'currency', title: 'Currency' },
          { key: 'contact', title: 'Contact', render: (s) => s.contact || '—' },
          { key: 'preferred', title: 'Preferred', render: (s) => (s.preferred ? 'yes' : 'no') },
          { key: 'api_url', title: 'Ordering', render: (s) => (s.api_url ? 'API' : 'by hand') },
          { key: 'active', title: 'Active', render: (s) => (s.active ? 'yes' : 'no') },
        ]}
      />
    </div>
  );
}
