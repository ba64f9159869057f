// Forecasts: one product's demand at one store (or across every store), as
// the forecasting engine sees it (docs/forecasting.md "API"):
//   GET /api/v1/inventory/predictions/{product}?store_id=&horizon_days=
// the daily forecast with its 80 % and 95 % bands beside the recent sales
// (the ledger's `sale` movements, GET /api/v1/stock-movements), the demand
// class and the model chosen with its parameters, the backtest error beside
// seasonal naive's, the weekday and trend patterns, and what was known in
// advance (holidays, closures, events, promotions) with their measured
// effects; the calendar events and promotions on record for the store.
// "Recompute now" (stock.write) is POST .../predictions/{product}/refresh.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { can } from '../session.js';
import { Link, setQuery } from '../router.js';
import { loadStores, storeName, storesToday } from '../stores.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { StoreField } from '../components/StoreField.jsx';
import { ProductField } from '../components/ProductField.jsx';
import { TimeChart } from '../components/TimeChart.jsx';

const DAY = 86400000;
const HISTORY_PAGES = 25; // at most 25 × 200 sale movements read for the chart's recent history
const CLASSES = {
  smooth: 'smooth (regular demand, little variation)',
  erratic: 'erratic (regular demand, sizes vary a lot)',
  intermittent: 'intermittent (many days without a sale)',
  lumpy: 'lumpy (intermittent, sizes vary a lot)',
  too_short: 'too short a history to classify',
  no_demand: 'no demand in the history',
};
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const n1 = (v) => fmt.number(v, 1);
const n2 = (v) => fmt.number(v, 2);
const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Units sold per UTC day over the last `days` days (the series' own days), from the ledger. */
async function salesByDay(productId, storeId, days) {
  const from = utcDay(Date.now() - days * DAY);
  const sums = new Map();
  let cursor = null;
  let pages = 0;
  do {
    const page = await get('/api/v1/stock-movements', { product_id: productId, store_id: storeId, type: 'sale', from, limit: 200, cursor });
    for (const m of page.items) {
      const d = (m.created_at || '').slice(0, 10);
      sums.set(d, (sums.get(d) || 0) - m.quantity);
    }
    cursor = page.next_cursor;
  } while (cursor && ++pages < HISTORY_PAGES);
  return { from, sums, truncated: Boolean(cursor) };
}

function Accuracy({ bt, without }) {
  if (!bt || !bt.chosen) return <Empty>No backtest: the history is too short to hold one out.</Empty>;
  const rows = [
    ['The chosen model', bt.chosen],
    ['Seasonal naive (same weekday last week)', bt.seasonal_naive],
    ['Seed formula', bt.seed_formula],
  ];
  if (without) rows.push(['The chosen model without holidays and promotions', without]);
  const c = bt.chosen.mase;
  const s = bt.seasonal_naive && bt.seasonal_naive.mase;
  return (
    <>
      <table data-table="backtest">
        <caption>
          {bt.origins} origins, {bt.horizon_days} days ahead each (MASE and RMSSE: lower is better; 1 is as good as the day-before rule in sample)
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" class="num">MASE</th>
            <th scope="col" class="num">RMSSE</th>
            <th scope="col" class="num">Bias</th>
            <th scope="col" class="num">In the 80 % band</th>
            <th scope="col" class="num">In the 95 % band</th>
          </tr>
        </thead>
        <tbody>
          {rows
            .filter(([, a]) => a)
            .map(([name, a]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td class="num">{n2(a.mase)}</td>
                <td class="num">{n2(a.rmsse)}</td>
                <td class="num">{fmt.percent(a.bias)}</td>
                <td class="num">{a.coverage_80 === undefined ? '—' : fmt.percent(a.coverage_80)}</td>
                <td class="num">{a.coverage_95 === undefined ? '—' : fmt.percent(a.coverage_95)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {c !== undefined && s !== undefined && s > 0 && (
        <p data-vs-naive>
          {c <= s
            ? `The chosen model's error is ${fmt.percent(1 - c / s)} below seasonal naive's.`
            : `The chosen model's error is ${fmt.percent(c / s - 1)} above seasonal naive's.`}
        </p>
      )}
    </>
  );
}

function Patterns({ p }) {
  if (!p) return <Empty>No patterns measured.</Empty>;
  const wd = p.weekday;
  const tr = p.trend;
  return (
    <>
      {wd && wd.index ? (
        <table>
          <caption>Weekday index (1 = an average day), strength {fmt.percent(wd.strength)} of the within-week variation</caption>
          <thead>
            <tr>
              {Object.keys(wd.index)
                .sort((a, b) => WEEKDAYS.indexOf(a.slice(0, 3).toLowerCase()) - WEEKDAYS.indexOf(b.slice(0, 3).toLowerCase()))
                .map((k) => (
                  <th scope="col" class="num" key={k}>
                    {k}
                  </th>
                ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {Object.keys(wd.index)
                .sort((a, b) => WEEKDAYS.indexOf(a.slice(0, 3).toLowerCase()) - WEEKDAYS.indexOf(b.slice(0, 3).toLowerCase()))
                .map((k) => (
                  <td class="num" key={k}>
                    {n2(wd.index[k])}
                  </td>
                ))}
            </tr>
          </tbody>
        </table>
      ) : (
        <p class="muted">No weekday pattern (under a year of weeks or no demand).</p>
      )}
      {tr && (
        <p data-trend={tr.direction}>
          Trend over the last {tr.weeks} weeks: <strong>{tr.direction}</strong>
          {tr.direction !== 'flat' ? `, ${fmt.percent(tr.per_week)} of the mean a week` : ''} (R² {n2(tr.strength)}).
        </p>
      )}
      {p.yearly_peaks && p.yearly_peaks.length > 0 && (
        <p>
          Busy months: {p.yearly_peaks.map((m) => `${MONTHS[m.month - 1] || m.month} (${n2(m.index)})`).join(', ')} over {p.years} years.
        </p>
      )}
    </>
  );
}

function Known({ r }) {
  if (!r) return <p class="muted">Series across stores read no holidays or promotions (they are a store's).</p>;
  const days = r.known_days || {};
  return (
    <>
      <p data-regressors={r.used ? 'used' : 'not-used'}>
        {r.offered && r.offered.length
          ? `Offered to the engine: ${r.offered.join(', ')}; ${r.used ? 'used: the backtest was better with them.' : 'not used: the backtest was no better with them.'}`
          : 'Nothing known in advance had both days with it and days without it in the history, so nothing could be measured.'}
      </p>
      {r.effects && r.effects.length > 0 && (
        <table>
          <caption>Measured effects</caption>
          <thead>
            <tr>
              <th scope="col">Kind of day</th>
              <th scope="col" class="num">Effect on demand</th>
              <th scope="col" class="num">Days seen</th>
            </tr>
          </thead>
          <tbody>
            {r.effects.map((e) => (
              <tr key={e.name}>
                <td>{e.name}</td>
                <td class="num">{e.lift === null || e.lift === undefined ? '—' : `${e.lift >= 0 ? '+' : ''}${fmt.percent(e.lift)}`}</td>
                <td class="num">{fmt.number(e.active_days, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table>
        <caption>Days known in advance</caption>
        <thead>
          <tr>
            <th scope="col">Kind of day</th>
            <th scope="col" class="num">In the history</th>
            <th scope="col" class="num">In the forecast</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(days).map(([k, v]) => (
            <tr key={k}>
              <td>{k}</td>
              <td class="num">{fmt.number(v.history, 0)}</td>
              <td class="num">{fmt.number(v.horizon, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Chart({ f, hist }) {
  const start = Date.parse(`${hist.from}T00:00:00Z`);
  const firstFc = f.daily.length ? Date.parse(`${f.daily[0].date}T00:00:00Z`) : Date.now();
  const x = [];
  const actual = [];
  for (let t = start; t < firstFc; t += DAY) {
    x.push(t);
    actual.push(hist.sums.get(utcDay(t)) || 0);
  }
  const nh = x.length;
  const pad = (vals) => [...new Array(nh).fill(null), ...vals];
  for (const d of f.daily) x.push(Date.parse(`${d.date}T00:00:00Z`));
  const col = (k) => pad(f.daily.map((d) => d[k]));
  return (
    <TimeChart
      title="Units sold per day and the forecast with its 80 % and 95 % bands"
      x={x}
      tz="UTC"
      xfmt={(t) => fmt.date(utcDay(t))}
      series={[
        { label: 'Sold', values: [...actual, ...new Array(f.daily.length).fill(null)], color: '#15803d', fmt: n1 },
        { label: 'Forecast', values: col('forecast'), color: '#1f5fbf', fmt: n1 },
        { label: 'Low 80 %', values: col('lo80'), color: '#7aa5e6', fmt: n1 },
        { label: 'High 80 %', values: col('hi80'), color: '#7aa5e6', fmt: n1 },
        { label: 'Low 95 %', values: col('lo95'), color: '#c2d6f3', fmt: n1 },
        { label: 'High 95 %', values: col('hi95'), color: '#c2d6f3', fmt: n1 },
      ]}
    />
  );
}

function Forecast({ productId, storeId, horizon, weeks }) {
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [refreshErr, setRefreshErr] = useState(null);
  const [refreshed, setRefreshed] = useState(null);
  const fc = useFetch(
    () => get(`/api/v1/inventory/predictions/${encodeURIComponent(productId)}`, { store_id: storeId, horizon_days: horizon }),
    [productId, storeId, horizon, tick],
  );
  const hist = useFetch(() => salesByDay(productId, storeId, weeks * 7), [productId, storeId, weeks, tick]);
  const recompute = async () => {
    setBusy(true);
    setRefreshErr(null);
    setRefreshed(null);
    try {
      setRefreshed(await post(`/api/v1/inventory/predictions/${encodeURIComponent(productId)}/refresh`, undefined, { horizon_days: horizon }));
      setTick((t) => t + 1);
    } catch (e) {
      setRefreshErr(e);
    } finally {
      setBusy(false);
    }
  };
  const f = fc.data && fc.data.forecast;
  return (
    <>
      {can('stock.write') && (
        <div class="filters">
          <button type="button" onClick={recompute} disabled={busy}>
            Recompute now
          </button>
          {refreshed && (
            <p role="status" class="muted" data-refreshed={refreshed.series}>
              Recomputed and stored {fmt.number(refreshed.series, 0)} series
              {refreshed.skipped ? `; ${fmt.number(refreshed.skipped, 0)} stores left out for too little history` : ''}.
            </p>
          )}
        </div>
      )}
      <ErrorBox error={refreshErr} title="The forecast was not recomputed" />
      <ErrorBox error={fc.error} title="No forecast" />
      {fc.loading && <Loading label="Forecasting…" />}
      {f && (
        <>
          <section class="panel" aria-labelledby="fc-h">
            <h2 id="fc-h">
              {f.scope === 'store' || f.store_id ? `At ${storeName(f.store_id)}` : 'Every store together'}: the next {f.horizon_days} days
            </h2>
            <dl class="kpis">
              <div class="kpi">
                <dt>Expected demand</dt>
                <dd data-kpi="total">{n1(f.total)}</dd>
              </div>
              <div class="kpi">
                <dt>80 % range</dt>
                <dd>
                  {n1(f.total_interval && f.total_interval.lo80)} – {n1(f.total_interval && f.total_interval.hi80)}
                </dd>
              </div>
              <div class="kpi">
                <dt>95 % range</dt>
                <dd>
                  {n1(f.total_interval && f.total_interval.lo95)} – {n1(f.total_interval && f.total_interval.hi95)}
                </dd>
              </div>
              <div class="kpi">
                <dt>Model</dt>
                <dd data-kpi="model">{f.model}</dd>
              </div>
              <div class="kpi">
                <dt>Demand class</dt>
                <dd data-kpi="class">{f.class}</dd>
              </div>
            </dl>
            <p class="muted" data-stored={fc.data.stored ? 'stored' : 'computed'}>
              {fc.data.stored ? 'The stored forecast of the last refresh (computed today).' : 'Computed for this view (no fresh stored forecast).'} History:{' '}
              {fmt.number(f.history && f.history.days, 0)} days from {fmt.date(f.history && f.history.first_day)}
              {f.history && f.history.missing_days ? `, ${fmt.number(f.history.missing_days, 0)} of them missing (out of stock, nothing sold)` : ''}.
            </p>
            <ErrorBox error={hist.error} title="The recent sales did not load" />
            {hist.data ? <Chart f={f} hist={hist.data} /> : <Loading label="Reading the recent sales…" />}
            {hist.data && hist.data.truncated && <p class="muted">The chart shows the first {HISTORY_PAGES * 200} sales of the period only.</p>}
          </section>
          <div class="grid">
            <section class="panel" aria-labelledby="model-h">
              <h2 id="model-h">Why this model</h2>
              <p>
                Demand is <strong>{CLASSES[f.class] || f.class}</strong>
                {f.class_reason ? ` — ${f.class_reason}` : ''} (ADI {n2(f.adi)}, CV² {n2(f.cv2)}).
              </p>
              <p>
                Chosen: <strong>{f.model}</strong>, the lowest backtest error of the candidates; intervals are {f.intervals}.
              </p>
              {f.parameters && Object.keys(f.parameters).length > 0 && (
                <dl class="kpis">
                  {Object.entries(f.parameters).map(([k, v]) => (
                    <div class="kpi" key={k}>
                      <dt>{k}</dt>
                      <dd>{fmt.number(v, 3)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </section>
            <section class="panel" aria-labelledby="bt-h">
              <h2 id="bt-h">Backtest error</h2>
              <Accuracy bt={f.backtest} without={f.regressors && f.regressors.backtest_without} />
            </section>
          </div>
          <div class="grid">
            <section class="panel" aria-labelledby="pat-h">
              <h2 id="pat-h">Weekday and trend</h2>
              <Patterns p={f.patterns} />
            </section>
            <section class="panel" aria-labelledby="known-h">
              <h2 id="known-h">Holidays, events and promotions</h2>
              <Known r={f.regressors} />
            </section>
          </div>
        </>
      )}
    </>
  );
}

/**
 * With no product chosen: the best sellers of the last 28 days (by units,
 * at the chosen store or every store), each a link to its forecast.
 */
function BestSellers({ storeId }) {
  const to = storesToday(storeId); // the API counts each store's own days
  const query = { from: fmt.daysBefore(to, 27), to, store_id: storeId, by: 'units', limit: 10 };
  const top = useFetch(() => get('/api/v1/analytics/top-products', query), [storeId]);
  return (
    <section class="panel" aria-labelledby="best-h">
      <h2 id="best-h">Choose a product, or one of the best sellers of the last 28 days</h2>
      <ErrorBox error={top.error} title="The best sellers did not load" />
      {top.loading && <Loading />}
      {top.data && top.data.items.length === 0 && <Empty>Nothing sold in the last 28 days: choose a product above.</Empty>}
      {top.data && top.data.items.length > 0 && (
        <table>
          <caption>Best sellers by units{storeId ? ` at ${storeName(storeId)}` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" class="num">Units</th>
              <th scope="col" class="num">Sales with it</th>
            </tr>
          </thead>
          <tbody>
            {top.data.items.map((p) => (
              <tr key={p.product_id} data-best={p.product_id}>
                <td>
                  <Link href={`/forecasts?${new URLSearchParams({ product_id: String(p.product_id), ...(storeId ? { store_id: storeId } : {}) })}`}>
                    {p.name}
                  </Link>{' '}
                  <small class="muted">{p.sku}</small>
                </td>
                <td class="num">{fmt.number(p.units, 0)}</td>
                <td class="num">{fmt.number(p.transactions, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function Forecasts({ search }) {
  const productId = search.get('product_id') || '';
  const storeId = search.get('store_id') || '';
  const horizon = search.get('horizon_days') || '14';
  const weeks = Number(search.get('weeks') || 8);
  const ready = useFetch(() => loadStores(), []);
  return (
    <div class="forecasts">
      <div class="filters">
        <ProductField value={productId} onInput={(v) => setQuery({ product_id: v })} />
        <StoreField value={storeId} all="Every store together" onInput={(v) => setQuery({ store_id: v })} />
        <Field label="Days ahead" name="horizon_days" value={horizon} onInput={(v) => setQuery({ horizon_days: v === '14' ? '' : v })} options={['7', '14', '28', '56', '90']} />
        <Field
          label="Sales shown"
          name="weeks"
          value={String(weeks)}
          onInput={(v) => setQuery({ weeks: v === '8' ? '' : v })}
          options={[['4', 'last 4 weeks'], ['8', 'last 8 weeks'], ['13', 'last 13 weeks'], ['26', 'last 26 weeks']]}
        />
      </div>
      <ErrorBox error={ready.error} title="The stores did not load" />
      {ready.loading && <Loading />}
      {!ready.loading && !productId && <BestSellers storeId={storeId} />}
      {!ready.loading && productId && <Forecast productId={productId} storeId={storeId} horizon={horizon} weeks={weeks} />}
      {!ready.loading && productId && (
        <div class="grid">
          <section class="panel" aria-labelledby="ev-h">
            <h2 id="ev-h">Calendar events on record</h2>
            <PagedTable
              path="/api/v1/calendar-events"
              query={{ store_id: storeId }}
              limit={20}
              caption="Closures, local events and holidays the forecasts read"
              empty="No calendar event on record."
              columns={[
                { key: 'name', title: 'Event' },
                { key: 'kind', title: 'Kind' },
                { key: 'days', title: 'Days', render: (e) => (e.from === e.to || !e.to ? fmt.date(e.from || e.date) : `${fmt.date(e.from)} – ${fmt.date(e.to)}`) },
                { key: 'store', title: 'Store', render: (e) => (e.store_id ? storeName(e.store_id) : 'every store') },
              ]}
            />
          </section>
          <section class="panel" aria-labelledby="pr-h">
            <h2 id="pr-h">Promotions of this product</h2>
            <PagedTable
              path="/api/v1/promotions"
              query={{ product_id: productId, store_id: storeId }}
              limit={20}
              caption="Price cuts and merchandising the forecasts read"
              empty="No promotion on record."
              columns={[
                { key: 'days', title: 'Days', render: (p) => `${fmt.date(p.from)} – ${fmt.date(p.to)}` },
                { key: 'price', title: 'Price', align: 'right', render: (p) => (p.promo_price_cents ? fmt.money(p.promo_price_cents) : '—') },
                { key: 'discount', title: 'Discount', align: 'right', render: (p) => (p.discount ? fmt.percent(p.discount) : '—') },
                { key: 'flags', title: 'Flags', render: (p) => (p.flags && p.flags.length ? p.flags.join(', ') : '—') },
                { key: 'status', title: 'Status' },
                { key: 'store', title: 'Store', render: (p) => (p.store_id ? storeName(p.store_id) : 'every store') },
              ]}
            />
          </section>
        </div>
      )}
    </div>
  );
}
