// Dashboard: the overview every staff role opens first — today's and the
// last 24 h's sales, the hourly chart, stock low and out, sales waiting for
// fraud review, open alerts (GET /api/v1/dashboard/overview, docs/analytics.md)
// — and a live feed of sales and alerts over the WebSocket (src/live.js).
// Each event also re-reads the overview (at most once a second), so the
// numbers move with the feed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { can, myStores } from '../session.js';
import { connectLive } from '../live.js';
import { setQuery } from '../router.js';
import { loadStores, storeTz, store as storeOf } from '../stores.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { TimeChart } from '../components/TimeChart.jsx';

const FEED_MAX = 50;

function Kpis({ id, title, w }) {
  const v = w || {};
  return (
    <section class="panel" aria-labelledby={id} data-window={id}>
      <h2 id={id}>{title}</h2>
      <dl class="kpis">
        <div class="kpi">
          <dt>Revenue</dt>
          <dd data-kpi="revenue">{fmt.money(v.revenue_cents)}</dd>
        </div>
        <div class="kpi">
          <dt>Sales</dt>
          <dd data-kpi="transactions">{fmt.number(v.transactions, 0)}</dd>
        </div>
        <div class="kpi">
          <dt>Average basket</dt>
          <dd>{fmt.money(v.average_basket_cents)}</dd>
        </div>
        <div class="kpi">
          <dt>Active customers</dt>
          <dd>{fmt.number(v.active_customers, 0)}</dd>
        </div>
      </dl>
    </section>
  );
}

function Attention({ d }) {
  const na = (v, why) => (v === null || v === undefined ? <span class="muted">{why}</span> : fmt.number(v, 0));
  const review = d.sources && d.sources.txn === 'not_permitted' ? 'not for your role' : 'unavailable';
  return (
    <section class="panel" aria-labelledby="att">
      <h2 id="att">Needs attention</h2>
      <dl class="kpis">
        <div class="kpi">
          <dt>Low stock</dt>
          <dd data-kpi="low_stock">{na(d.low_stock, 'unavailable')}</dd>
        </div>
        <div class="kpi">
          <dt>Out of stock</dt>
          <dd data-kpi="out_of_stock">{na(d.out_of_stock, 'unavailable')}</dd>
        </div>
        <div class="kpi">
          <dt>Sales waiting for review</dt>
          <dd data-kpi="waiting_review">{na(d.waiting_review, review)}</dd>
        </div>
        <div class="kpi">
          <dt>Open alerts</dt>
          <dd data-kpi="open_alerts">{na(d.open_alerts, 'unavailable')}</dd>
        </div>
      </dl>
    </section>
  );
}

function describe(msg) {
  const e = msg.event;
  const d = e.data || {};
  const st = d.store_id ?? (d.alert && d.alert.store_id);
  const where = st ? ` · ${(storeOf(st) && storeOf(st).name) || `store ${st}`}` : '';
  switch (e.topic) {
    case 'txn.created':
      return `Sale ${d.id ?? ''}: ${fmt.money(d.total_cents)}${d.fraud && d.fraud.decision === 'review' ? ' (flagged for review)' : ''}${where}`;
    case 'txn.voided':
      return `Sale ${d.id ?? ''} voided${where}`;
    case 'txn.declined':
      return `Sale declined: ${fmt.money(d.total_cents)}${where}`;
    case 'txn.reviewed':
      return `Sale ${d.id ?? ''} reviewed${where}`;
    case 'alert.fired':
    case 'alert.acknowledged':
    case 'alert.resolved':
      return `Alert ${e.topic.slice(6)}: ${d.title || d.kind || ''} (${d.severity || ''})${where}`;
    case 'alert.escalated':
      return `Alert escalated: ${(d.alert && d.alert.title) || ''}${where}`;
    default:
      return `${e.topic}${where}`;
  }
}

function LiveFeed({ onChange }) {
  const channels = [can('txn.read') && 'sales', can('alert.read') && 'alerts'].filter(Boolean);
  const [items, setItems] = useState([]);
  const [status, setStatus] = useState('connecting');
  const seen = useRef(new Set());
  useEffect(() => {
    if (!channels.length) return undefined;
    const live = connectLive({
      channels,
      onStatus: setStatus,
      onReload: onChange,
      onEvent: (msg) => {
        const e = msg.event;
        const key = `${e.source}:${e.seq}`;
        if (seen.current.has(key)) return; // a flagged sale comes on two channels
        seen.current.add(key);
        const item = { key, channel: msg.channel, topic: e.topic, ts: e.ts, text: describe(msg), at: Date.now(), data: e.data };
        setItems((old) => [item, ...old].slice(0, FEED_MAX));
        onChange();
      },
    });
    return () => live.close();
  }, [channels.join(',')]);
  if (!channels.length) return null;
  const label = { connecting: 'connecting…', live: 'live', retrying: 'reconnecting…', closed: 'closed' }[status];
  return (
    <section class="panel" aria-labelledby="feed-h">
      <h2 id="feed-h">
        Live: {channels.join(' and ')}{' '}
        <span class={`badge ${status === 'live' ? 'ok' : 'warn'}`} data-live={status}>
          {label}
        </span>
      </h2>
      {items.length === 0 ? (
        <Empty>Nothing new since you opened the page; sales and alerts appear here as they happen.</Empty>
      ) : (
        <ul class="feed" aria-live="polite" aria-relevant="additions">
          {items.map((it) => (
            <li key={it.key} data-topic={it.topic} data-id={it.data && it.data.id} data-at={it.at}>
              <time dateTime={it.ts}>{fmt.time(it.ts, storeTz(it.data && it.data.store_id))}</time> {it.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function Dashboard({ search }) {
  const storeId = search.get('store_id') || '';
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useFetch(
    () => get('/api/v1/dashboard/overview', { store_id: storeId }),
    [storeId, tick],
  );
  const { data: stores } = useFetch(() => loadStores(), []);
  const pending = useRef(null);
  // events re-read the overview, at most once a second
  const changed = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      setTick((t) => t + 1);
    }, 1000);
  };
  useEffect(() => () => clearTimeout(pending.current), []);
  useEffect(() => {
    // the test's and bench's time to interactive: the overview drawn
    if (data && !performance.getEntriesByName('tm-dashboard-ready').length) performance.mark('tm-dashboard-ready');
  }, [data]);
  const mine = myStores();
  const choices = (stores || []).filter((s) => !mine.length || mine.includes(s.id));
  const tz = storeId ? storeTz(storeId) : undefined;
  return (
    <div class="dashboard">
      <div class="filters">
        <Field
          label="Store"
          name="store_id"
          value={storeId}
          onInput={(v) => setQuery({ store_id: v })}
          options={[['', mine.length ? 'All my stores' : 'All stores'], ...choices.map((s) => [String(s.id), s.name])]}
        />
        {data && (
          <p class="muted" data-generated={data.generated_at}>
            As of {fmt.dateTime(data.generated_at, tz)}
          </p>
        )}
      </div>
      <ErrorBox error={error} title="The overview did not load" />
      {!data && loading && <Loading />}
      {data && (
        <>
          {data.partial && (
            <p class="error-box" role="status">
              Some numbers are missing: {(data.missing || []).join(', ')} did not answer in time.
            </p>
          )}
          <div class="grid">
            <Kpis id="k-today" title="Today" w={data.today} />
            <Kpis id="k-24h" title="Last 24 hours" w={data.last_24h} />
          </div>
          <Attention d={data} />
          <div class="grid">
            <section class="panel" aria-labelledby="hourly-h">
              <h2 id="hourly-h">Sales per hour, last 24 h</h2>
              {data.hourly && data.hourly.length ? (
                <TimeChart
                  title="Revenue and sales per hour"
                  x={data.hourly.map((h) => h.hour)}
                  tz={tz}
                  xfmt={(t) => fmt.dateTime(t, tz)}
                  series={[
                    { label: 'Revenue', values: data.hourly.map((h) => h.revenue_cents), fmt: (v) => fmt.money(v) },
                    { label: 'Sales', values: data.hourly.map((h) => h.transactions), scale: 'y2', fmt: (v) => fmt.number(v, 0) },
                  ]}
                />
              ) : (
                <Empty>No sales in the last 24 hours.</Empty>
              )}
            </section>
            <section class="panel" aria-labelledby="top-h">
              <h2 id="top-h">Top products today</h2>
              {data.top_products && data.top_products.length ? (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Product</th>
                      <th scope="col" class="num">
                        Units
                      </th>
                      <th scope="col" class="num">
                        Revenue
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.top_products.map((p) => (
                      <tr key={p.product_id}>
                        <td>
                          {p.name || `product ${p.product_id}`} <small class="muted">{p.sku}</small>
                        </td>
                        <td class="num">{fmt.number(p.units, 0)}</td>
                        <td class="num">{fmt.money(p.revenue_cents)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <Empty>No sales yet today.</Empty>
              )}
            </section>
          </div>
        </>
      )}
      <LiveFeed onChange={changed} />
    </div>
  );
}
