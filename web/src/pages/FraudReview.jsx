// Fraud review (fraud.review, docs/fraud.md "Review and risk"): the queue of
// flagged sales not yet labelled (GET /api/v1/transactions/suspicious; with
// "include reviewed", every flagged one), each opening on the sale to be
// labelled, and the fraud statistics (GET /api/v1/fraud/stats): flag rate,
// precision of reviewed flags overall, per rule and per rule-set version,
// and the time to review.
import { get } from '../api.js';
import { setQuery } from '../router.js';
import { loadStores } from '../stores.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Loading } from '../components/Loading.jsx';
import { Empty } from '../components/Empty.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import { StoreField } from '../components/StoreField.jsx';
import { dayStart, saleColumns } from './Transactions.jsx';

function isoDay(t) {
  return new Date(t).toISOString().slice(0, 10);
}

function Stats({ from, to }) {
  const { data: s, error, loading } = useFetch(
    () => get('/api/v1/fraud/stats', { from: dayStart(from), to: dayStart(to, undefined, 1) }),
    [from, to],
  );
  return (
    <section class="panel" aria-labelledby="stats-h">
      <h2 id="stats-h">Fraud statistics</h2>
      <div class="filters">
        <Field label="From (UTC date)" name="stats_from" type="date" value={from} onInput={(v) => setQuery({ stats_from: v })} />
        <Field label="To (UTC date, included)" name="stats_to" type="date" value={to} onInput={(v) => setQuery({ stats_to: v })} />
      </div>
      <ErrorBox error={error} title="The statistics did not load" />
      {loading && <Loading />}
      {s && (
        <>
          <dl class="kpis">
            <div class="kpi">
              <dt>Sales scored</dt>
              <dd>{fmt.number(s.transactions, 0)}</dd>
            </div>
            <div class="kpi">
              <dt>Flagged (review or decline)</dt>
              <dd>
                {fmt.number(s.flagged, 0)} · {fmt.percent(s.flag_rate, 2)}
              </dd>
            </div>
            <div class="kpi">
              <dt>Declined</dt>
              <dd>{fmt.number(s.declined, 0)}</dd>
            </div>
            <div class="kpi">
              <dt>Reviewed</dt>
              <dd>{fmt.number(s.reviewed, 0)}</dd>
            </div>
            <div class="kpi">
              <dt>Confirmed fraud</dt>
              <dd>{fmt.number(s.confirmed_fraud, 0)}</dd>
            </div>
            <div class="kpi">
              <dt>Precision of reviewed flags</dt>
              <dd data-kpi="precision">{fmt.percent(s.precision)}</dd>
            </div>
            <div class="kpi">
              <dt>Time to review (median · mean)</dt>
              <dd>
                {s.review_minutes && s.review_minutes.median !== null
                  ? `${fmt.number(s.review_minutes.median, 1)} · ${fmt.number(s.review_minutes.mean, 1)} min`
                  : '—'}
              </dd>
            </div>
          </dl>
          <div class="grid">
            <table>
              <caption>Per rule</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col" class="num">Fired</th>
                  <th scope="col" class="num">Reviewed</th>
                  <th scope="col" class="num">Fraud</th>
                  <th scope="col" class="num">Precision</th>
                </tr>
              </thead>
              <tbody>
                {(s.by_rule || []).map((r) => (
                  <tr key={r.code}>
                    <td>
                      <code>{r.code}</code>
                    </td>
                    <td class="num">{fmt.number(r.fired, 0)}</td>
                    <td class="num">{fmt.number(r.reviewed, 0)}</td>
                    <td class="num">{fmt.number(r.fraud, 0)}</td>
                    <td class="num">{fmt.percent(r.precision)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <caption>Per rule-set version</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col" class="num">Sales</th>
                  <th scope="col" class="num">Flagged</th>
                  <th scope="col" class="num">Reviewed</th>
                  <th scope="col" class="num">Fraud</th>
                  <th scope="col" class="num">Precision</th>
                </tr>
              </thead>
              <tbody>
                {(s.by_rule_set || []).map((r) => (
                  <tr key={r.version}>
                    <td>{r.version}</td>
                    <td class="num">{fmt.number(r.transactions, 0)}</td>
                    <td class="num">{fmt.number(r.flagged, 0)}</td>
                    <td class="num">{fmt.number(r.reviewed, 0)}</td>
                    <td class="num">{fmt.number(r.fraud, 0)}</td>
                    <td class="num">{fmt.percent(r.precision)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {(!s.by_rule || s.by_rule.length === 0) && <Empty>No rule fired in these days.</Empty>}
        </>
      )}
    </section>
  );
}

export default function FraudReview({ search }) {
  const storeId = search.get('store_id') || '';
  const all = search.get('reviewed') === 'true';
  const to = search.get('stats_to') || isoDay(Date.now());
  const from = search.get('stats_from') || isoDay(Date.now() - 29 * 86400000);
  const { data: stores } = useFetch(() => loadStores(), []);
  const { data: sum } = useFetch(() => get('/api/v1/transactions/suspicious/summary', { store_id: storeId }), [storeId]);
  return (
    <div class="fraud">
      <section class="panel" aria-labelledby="queue-h">
        <h2 id="queue-h">
          Review queue{' '}
          {sum && (
            <span class="badge warn" data-waiting={sum.waiting_review}>
              {fmt.number(sum.waiting_review, 0)} waiting
            </span>
          )}
        </h2>
        <div class="filters">
          <StoreField value={storeId} onInput={(v) => setQuery({ store_id: v })} />
          <Field
            label="Show"
            name="reviewed"
            value={all ? 'true' : ''}
            onInput={(v) => setQuery({ reviewed: v })}
            options={[
              ['', 'Waiting for review'],
              ['true', 'Every flagged sale, reviewed too'],
            ]}
          />
        </div>
        <PagedTable
          path="/api/v1/transactions/suspicious"
          query={{ store_id: storeId, reviewed: all ? 'true' : '' }}
          caption="Flagged sales"
          empty="Nothing waiting: every flagged sale has been labelled."
          columns={[
            ...saleColumns(stores),
            { key: 'review', title: 'Label', render: (t) => (t.review ? t.review.label : 'waiting') },
          ]}
        />
      </section>
      <Stats from={from} to={to} />
    </div>
  );
}
