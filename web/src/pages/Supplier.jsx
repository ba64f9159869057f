// One supplier (GET /api/v1/suppliers/{id}): its measured performance
// (GET .../performance: on-time and fill rates, lead time from receipts, or
// the quoted ones until there are enough), its offers with their price breaks
// (GET .../offers), and with supplier.write: mark it preferred or inactive,
// add an offer, withdraw one.
import { useState } from 'preact/hooks';
import { del, get, patch, post } from '../api.js';
import { can } from '../session.js';
import { Link } from '../router.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { ProductName, invalidateName } from '../names.jsx';

function Performance({ id }) {
  const { data: p, error, loading } = useFetch(() => get(`/api/v1/suppliers/${id}/performance`), [id]);
  return (
    <section class="panel" aria-labelledby="perf-h">
      <h2 id="perf-h">Measured performance</h2>
      <ErrorBox error={error} title="Performance did not load" />
      {loading && <Loading />}
      {p && (
        <>
          <dl class="kpis">
            <div class="kpi">
              <dt>Receipts measured</dt>
              <dd>{fmt.number(p.receipts, 0)}</dd>
            </div>
            <div class="kpi">
              <dt>On time</dt>
              <dd>{fmt.percent(p.on_time_rate)}</dd>
            </div>
            <div class="kpi">
              <dt>Fill rate</dt>
              <dd>{fmt.percent(p.fill_rate)}</dd>
            </div>
            <div class="kpi">
              <dt>Lead time (days)</dt>
              <dd>
                {fmt.number(p.lead_time_mean_days, 1)} ± {fmt.number(p.lead_time_sd_days, 1)}
              </dd>
            </div>
          </dl>
          {p.quoted && (
            <p class="muted" data-quoted>
              Fewer than {p.min_receipts} receipts: the rates are the quoted ones and each offer's own lead time is used.
            </p>
          )}
        </>
      )}
    </section>
  );
}

function breaks(o) {
  return (o.price_breaks || []).map((b) => `${fmt.number(b.min_quantity, 0)}+ @ ${fmt.money(b.unit_price_cents)}`).join(' · ');
}

function NewOffer({ id, onDone }) {
  const empty = { product_id: '', breaks: '1:', lead_time_days: '', moq: '1', pack_size: '1', shipping: '', free_over: '' };
  const [f, setF] = useState(empty);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const cents = (v) => Math.round(Number(v) * 100);
  const act = useAction(async () => {
    // "1:2.50, 10:2.20": from 1 unit 2.50 each, from 10 units 2.20 each
    const price_breaks = f.breaks
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => {
        const [q, p] = x.split(':');
        return { min_quantity: Number(q), unit_price_cents: cents(p) };
      });
    const body = {
      product_id: Number(f.product_id),
      price_breaks,
      lead_time_days: Number(f.lead_time_days),
      moq: Number(f.moq) || 1,
      pack_size: Number(f.pack_size) || 1,
    };
    if (f.shipping) body.shipping_cost_cents = cents(f.shipping);
    if (f.free_over) body.free_shipping_threshold_cents = cents(f.free_over);
    await post(`/api/v1/suppliers/${id}/offers`, body);
    setF(empty);
    onDone();
  });
  const err = act.error;
  const submit = act.onSubmit;
  return (
    <details class="panel">
      <summary>Add an offer</summary>
      <form onSubmit={submit}>
        <ErrorBox error={err} title="The offer was not added" />
        <div class="filters">
          <Field label="Product id" name="product_id" type="number" min="1" value={f.product_id} error={err} onInput={set('product_id')} required />
          <Field
            label="Price breaks"
            name="price_breaks"
            value={f.breaks}
            error={err}
            onInput={set('breaks')}
            hint="from quantity : unit price, comma separated (1:2.50, 10:2.20)"
            required
          />
          <Field label="Lead time (days)" name="lead_time_days" type="number" min="0" value={f.lead_time_days} error={err} onInput={set('lead_time_days')} required />
          <Field label="Minimum order" name="moq" type="number" min="1" value={f.moq} error={err} onInput={set('moq')} />
          <Field label="Pack size" name="pack_size" type="number" min="1" value={f.pack_size} error={err} onInput={set('pack_size')} />
          <Field label="Shipping" name="shipping_cost_cents" type="number" min="0" step="0.01" value={f.shipping} error={err} onInput={set('shipping')} />
          <Field
            label="Free shipping from"
            name="free_shipping_threshold_cents"
            type="number"
            min="0"
            step="0.01"
            value={f.free_over}
            error={err}
            onInput={set('free_over')}
          />
        </div>
        <button type="submit">Add offer</button>
      </form>
    </details>
  );
}

export default function Supplier({ params }) {
  const id = encodeURIComponent(params.id);
  const [rk, setRk] = useState(0);
  const { data: s, error, loading, reload } = useFetch(() => get(`/api/v1/suppliers/${id}`), [id]);
  const write = can('supplier.write');
  const act = useAction(async (what) => {
    if (what.offer) {
      await del(`/api/v1/suppliers/${id}/offers/${what.offer.id}`);
      setRk((k) => k + 1);
    } else {
      await patch(`/api/v1/suppliers/${id}`, what.patch);
      invalidateName('supplier', id);
      reload();
    }
  });
  const err = act.error;
  const change = (body) => act.run({ patch: body });
  const withdraw = (o) => act.run({ offer: o });
  if (error) return <ErrorBox error={error} title="The supplier did not load" />;
  if (!s) return loading ? <Loading /> : null;
  return (
    <div class="supplier" data-supplier={s.id}>
      <p>
        <Link href="/suppliers">← All suppliers</Link> · <Link href={`/purchase-orders?supplier_id=${s.id}`}>Its purchase orders</Link>
      </p>
      <section class="panel" aria-labelledby="sup-h">
        <h2 id="sup-h">
          {s.name} <small class="muted">{s.code}</small>{' '}
          {s.preferred && <span class="badge ok">preferred</span>} {!s.active && <span class="badge bad">inactive</span>}
        </h2>
        <p>
          Prices in {s.currency} · contact {s.contact || '—'} · orders {s.api_url ? `through ${s.api_url}` : 'sent by hand'}
        </p>
        <ErrorBox error={err} />
        {write && (
          <p class="filters">
            <button type="button" class="secondary" onClick={() => change({ preferred: !s.preferred })}>
              {s.preferred ? 'Not preferred' : 'Mark preferred'}
            </button>
            <button type="button" class="secondary" onClick={() => change({ active: !s.active })}>
              {s.active ? 'Deactivate' : 'Activate'}
            </button>
          </p>
        )}
      </section>
      <Performance id={id} />
      {write && <NewOffer id={id} onDone={() => setRk(rk + 1)} />}
      <PagedTable
        path={`/api/v1/suppliers/${id}/offers`}
        caption="Offers"
        reloadKey={rk}
        empty="This supplier offers nothing yet."
        columns={[
          { key: 'product_id', title: 'Product', render: (o) => <ProductName id={o.product_id} /> },
          { key: 'price_breaks', title: 'Price breaks', render: breaks },
          { key: 'moq', title: 'MOQ', align: 'right' },
          { key: 'pack_size', title: 'Pack', align: 'right' },
          {
            key: 'lead_time_days',
            title: 'Lead time (d)',
            align: 'right',
            render: (o) => `${o.lead_time_days}${o.lead_time_spread_days ? ` ± ${o.lead_time_spread_days}` : ''}`,
          },
          {
            key: 'shipping_cost_cents',
            title: 'Shipping',
            align: 'right',
            render: (o) =>
              `${fmt.money(o.shipping_cost_cents)}${o.free_shipping_threshold_cents ? ` (free from ${fmt.money(o.free_shipping_threshold_cents)})` : ''}`,
          },
          { key: 'valid', title: 'Valid', render: (o) =>
              o.valid_from || o.valid_to
                ? `${o.valid_from ? `from ${fmt.date(o.valid_from)}` : ''}${o.valid_from && o.valid_to ? ' ' : ''}${o.valid_to ? `until ${fmt.date(o.valid_to)}` : ''}`
                : 'always',
          },
          { key: 'active', title: 'Active', render: (o) => (o.active ? 'yes' : 'withdrawn') },
          ...(write
            ? [
                {
                  key: 'act',
                  title: 'Action',
                  render: (o) =>
                    o.active ? (
                      <button type="button" class="secondary" onClick={() => withdraw(o)} aria-label={`Withdraw the offer of product ${o.product_id}`}>
                        Withdraw
                      </button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}
