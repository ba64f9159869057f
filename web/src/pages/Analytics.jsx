// Analytics: the sales reports of tm-analytics (docs/analytics.md "Routes"):
// hourly sales (chart and table), top products by revenue, units or margin,
// customer segments (RFM), category performance, each with the same date
// range, store and category filters kept in the URL, and each downloadable
// as CSV (the routes answer ?format=csv). The range: the last 7 days unless
// the URL says otherwise (`range=today`: each store's own today, as the API
// answers with no range; `range=30d`; or `from`/`to`, each store's local
// days, both included).
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { setQuery } from '../router.js';
import { loadStores, storeName, storesToday } from '../stores.js';
import { useFetch } from '../useFetch.js';
import { downloadCsv } from '../download.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { StoreField } from '../components/StoreField.jsx';
import { TimeChart } from '../components/TimeChart.jsx';

const SEGMENTS = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalists: 'Potential loyalists',
  new: 'New',
  promising: 'Promising',
  need_attention: 'Need attention',
  about_to_sleep: 'About to sleep',
  at_risk: 'At risk',
  cant_lose: 'Cannot lose',
  hibernating: 'Hibernating',
  lost: 'Lost',
};
const ROWS_STEP = 100; // hourly rows drawn at a time (the report is one answer, not a paged list)
const n0 = (v) => fmt.number(v, 0);

/** A report section: its heading, a CSV button, and the load's states. */
function Report({ id, title, path, query, file, children, controls }) {
  const [csvErr, setCsvErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const r = useFetch(() => get(path, query), [path, JSON.stringify(query)]);
  const csv = async () => {
    setBusy(true);
    setCsvErr(null);
    try {
      await downloadCsv(path, query, file);
    } catch (e) {
      setCsvErr(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby={`${id}-h`} data-report={id}>
      <h2 id={`${id}-h`}>{title}</h2>
      <div class="filters">
        {controls}
        <button type="button" class="secondary" onClick={csv} disabled={busy} aria-label={`Download CSV: ${title}`}>
          Download CSV
        </button>
      </div>
      <ErrorBox error={csvErr} title="The download did not work" />
      <ErrorBox error={r.error} title={`${title} did not load`} />
      {r.loading && <Loading />}
      {!r.loading && r.data && children(r.data)}
    </section>
  );
}

function Hourly({ q, categoryId }) {
  const [shown, setShown] = useState(ROWS_STEP);
  const query = { ...q, category_id: categoryId };
  return (
    <Report id="hourly" title="Hourly sales" path="/api/v1/analytics/hourly-sales" query={query} file="hourly-sales.csv">
      {(d) => {
        if (!d.items.length) return <Empty>No sales in this range.</Empty>;
        // the chart adds the stores up by each store's local hour (the wall clock the rows carry)
        const by = new Map();
        for (const r of d.items) {
          const t = by.get(r.hour) || { revenue: 0, transactions: 0 };
          t.revenue += r.revenue_cents;
          t.transactions += r.transactions;
          by.set(r.hour, t);
        }
        const hours = [...by.keys()].sort();
        const rows = d.items.slice(0, shown);
        return (
          <>
            <TimeChart
              title="Revenue and sales per local hour"
              x={hours.map((h) => Date.parse(`${h}Z`))}
              tz="UTC"
              xfmt={(t) => fmt.wallTime(t)}
              series={[
                { label: 'Revenue', values: hours.map((h) => by.get(h).revenue), fmt: (v) => fmt.money(v) },
                { label: 'Sales', values: hours.map((h) => by.get(h).transactions), scale: 'y2', fmt: n0 },
              ]}
            />
            <table>
              <caption>Per store and local hour ({n0(d.items.length)} rows)</caption>
              <thead>
                <tr>
                  <th scope="col">Store</th>
                  <th scope="col">Local hour</th>
                  <th scope="col" class="num">Revenue</th>
                  <th scope="col" class="num">Units</th>
                  <th scope="col" class="num">Sales</th>
                  <th scope="col" class="num">Customers</th>
                  <th scope="col" class="num">Average basket</th>
                  <th scope="col" class="num">Voided</th>
                  <th scope="col" class="num">Declined</th>
                  <th scope="col" class="num">Flagged</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.store_id}:${r.hour}`}>
                    <td>{storeName(r.store_id)}</td>
                    <td>{fmt.wallTime(r.hour)}</td>
                    <td class="num">{fmt.money(r.revenue_cents)}</td>
                    <td class="num">{n0(r.units)}</td>
                    <td class="num">{n0(r.transactions)}</td>
                    <td class="num">{n0(r.customers)}</td>
                    <td class="num">{fmt.money(r.average_basket_cents)}</td>
                    <td class="num">{n0(r.voided)}</td>
                    <td class="num">{n0(r.declined)}</td>
                    <td class="num">{n0(r.flagged)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.items.length > shown && (
              <button type="button" class="secondary" onClick={() => setShown(shown + ROWS_STEP)}>
                Show {n0(Math.min(ROWS_STEP, d.items.length - shown))} more of {n0(d.items.length - shown)}
              </button>
            )}
          </>
        );
      }}
    </Report>
  );
}

function TopProducts({ q, search }) {
  const by = search.get('by') || 'revenue';
  const limit = search.get('limit') || '10';
  const controls = (
    <>
      <Field label="Rank by" name="by" value={by} onInput={(v) => setQuery({ by: v === 'revenue' ? '' : v })} options={[['revenue', 'Revenue'], ['units', 'Units'], ['margin', 'Margin']]} />
      <Field label="How many" name="limit" value={limit} onInput={(v) => setQuery({ limit: v === '10' ? '' : v })} options={['10', '25', '50', '100']} />
    </>
  );
  return (
    <Report id="top" title="Top products" path="/api/v1/analytics/top-products" query={{ ...q, by, limit }} file={`top-products-by-${by}.csv`} controls={controls}>
      {(d) =>
        d.items.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col" class="num">#</th>
                <th scope="col">Product</th>
                <th scope="col" class="num">Revenue</th>
                <th scope="col" class="num">Units</th>
                <th scope="col" class="num">Sales</th>
                <th scope="col" class="num">Margin</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((p, i) => (
                <tr key={p.product_id} data-product={p.product_id}>
                  <td class="num">{i + 1}</td>
                  <td>
                    {p.name} <small class="muted">{p.sku}</small>
                  </td>
                  <td class="num">{fmt.money(p.revenue_cents)}</td>
                  <td class="num">{n0(p.units)}</td>
                  <td class="num">{n0(p.transactions)}</td>
                  <td class="num">{fmt.money(p.margin_cents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No product sold in this range.</Empty>
        )
      }
    </Report>
  );
}

function Segments({ storeId }) {
  return (
    <Report id="segments" title="Customer segments (RFM)" path="/api/v1/analytics/customer-segments" query={{ store_id: storeId }} file="customer-segments.csv">
      {(d) =>
        d.customers ? (
          <table>
            <caption>
              {n0(d.customers)} customers scored by recency, frequency and money spent{d.as_of ? `, as of ${fmt.dateTime(d.as_of)}` : ''} (all time, not the date range)
            </caption>
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col" class="num">Customers</th>
                <th scope="col" class="num">Share</th>
                <th scope="col" class="num">Days since last sale (avg)</th>
                <th scope="col" class="num">Sales (avg)</th>
                <th scope="col" class="num">Revenue (avg)</th>
                <th scope="col" class="num">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((s) => (
                <tr key={s.segment}>
                  <td>{SEGMENTS[s.segment] || s.segment}</td>
                  <td class="num">{n0(s.customers)}</td>
                  <td class="num">{fmt.percent(s.share)}</td>
                  <td class="num">{fmt.number(s.average_recency_days, 1)}</td>
                  <td class="num">{fmt.number(s.average_transactions, 1)}</td>
                  <td class="num">{fmt.money(s.average_revenue_cents)}</td>
                  <td class="num">{fmt.money(s.revenue_cents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No customer has a completed sale yet.</Empty>
        )
      }
    </Report>
  );
}

function Categories({ q, names }) {
  return (
    <Report id="categories" title="Category performance" path="/api/v1/analytics/category-performance" query={q} file="category-performance.csv">
      {(d) =>
        d.items.length ? (
          <table>
            <caption>Against the period of the same length just before</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Parent</th>
                <th scope="col" class="num">Revenue</th>
                <th scope="col" class="num">Units</th>
                <th scope="col" class="num">Margin</th>
                <th scope="col" class="num">Share</th>
                <th scope="col" class="num">Previous revenue</th>
                <th scope="col" class="num">Growth</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((c) => (
                <tr key={c.category_id}>
                  <td>{c.name}</td>
                  <td>{c.parent_id ? names.get(c.parent_id) || `category ${c.parent_id}` : '—'}</td>
                  <td class="num">{fmt.money(c.revenue_cents)}</td>
                  <td class="num">{n0(c.units)}</td>
                  <td class="num">{fmt.money(c.margin_cents)}</td>
                  <td class="num">{fmt.percent(c.share)}</td>
                  <td class="num">{fmt.money(c.previous_revenue_cents)}</td>
                  <td class="num">{fmt.percent(c.growth)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No category sold in this range or the one before.</Empty>
        )
      }
    </Report>
  );
}

const PRESETS = [
  ['today', 'Today'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];

/**
 * The range the URL asks for: {preset, from, to} ('' from and to: each
 * store's today). The presets end with the chosen store's today (with every
 * store, the latest of their todays): the API counts each store's own days.
 */
function rangeOf(search, storeId) {
  const from = search.get('from') || '';
  const to = search.get('to') || '';
  if (from || to) return { preset: '', from, to };
  const preset = search.get('range') || '7d';
  if (preset === 'today') return { preset, from: '', to: '' };
  const end = storesToday(storeId);
  return { preset: preset === '30d' ? preset : '7d', from: fmt.daysBefore(end, preset === '30d' ? 29 : 6), to: end };
}

export default function Analytics({ search }) {
  const storeId = search.get('store_id') || '';
  const { preset, from, to } = rangeOf(search, storeId);
  const categoryId = search.get('category_id') || '';
  const ready = useFetch(() => loadStores(), []);
  const cats = useFetch(() => get('/api/v1/categories', { limit: 200 }), []);
  const names = new Map(((cats.data && cats.data.items) || []).map((c) => [c.id, c.name]));
  const q = { from, to, store_id: storeId };
  return (
    <div class="analytics">
      <form class="filters" aria-label="Report filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="From (local day)" name="from" type="date" value={from} onInput={(v) => setQuery({ range: '', from: v, to })} />
        <Field label="To (local day, included)" name="to" type="date" value={to} onInput={(v) => setQuery({ range: '', from, to: v })} />
        <StoreField value={storeId} onInput={(v) => setQuery({ store_id: v })} />
        <Field
          label="Category (hourly sales)"
          name="category_id"
          value={categoryId}
          onInput={(v) => setQuery({ category_id: v })}
          options={[['', 'Every category'], ...((cats.data && cats.data.items) || []).map((c) => [String(c.id), c.name])]}
        />
        <div class="presets" role="group" aria-label="Range">
          {PRESETS.map(([k, label]) => (
            <button
              key={k}
              type="button"
              class={k === preset ? undefined : 'secondary'}
              aria-pressed={k === preset ? 'true' : 'false'}
              onClick={() => setQuery({ range: k === '7d' ? '' : k, from: '', to: '' })}
            >
              {label}
            </button>
          ))}
        </div>
      </form>
      <p class="muted">{from || to ? `From ${from || '…'} to ${to || '…'}, each store's local days.` : "Each store's own today."}</p>
      <ErrorBox error={ready.error || cats.error} title="The filters did not load" />
      {ready.loading ? (
        <Loading />
      ) : (
        <>
          <Hourly q={q} categoryId={categoryId} />
          <TopProducts q={q} search={search} />
          <Segments storeId={storeId} />
          <Categories q={q} names={names} />
        </>
      )}
    </div>
  );
}
