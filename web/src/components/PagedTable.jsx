// PagedTable: a list route's pages, by the API's cursors (docs/api.md
// "Lists": limit and cursor in, {items, next_cursor} out). Previous pages are
// the cursors already walked, so going back re-reads the same page.
//   path: "/api/v1/products"; query: the filters ({store_id: 2});
//   columns: [{key, title, render?(row), align?: 'right'}]; rowKey?(row);
//   reloadKey: change it to read the first page again (after a write).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { useFetch } from '../useFetch.js';
import { ErrorBox } from './ErrorBox.jsx';
import { Loading } from './Loading.jsx';
import { Empty } from './Empty.jsx';

export function PagedTable({ path, query = {}, columns, limit = 50, caption, empty, rowKey, reloadKey, onRows }) {
  const qkey = JSON.stringify(query);
  const [cursors, setCursors] = useState([null]); // cursors[i]: page i's cursor
  useEffect(() => setCursors([null]), [path, qkey, reloadKey]);
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const { data, error, loading } = useFetch(
    () => get(path, { ...query, limit, cursor }),
    [path, qkey, cursor, reloadKey],
  );
  useEffect(() => {
    if (data && onRows) onRows(data.items);
  }, [data]);
  return (
    <div class="paged-table">
      <ErrorBox error={error} />
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.align === 'right' ? 'num' : undefined}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data &&
            data.items.map((row, i) => (
              <tr key={rowKey ? rowKey(row) : (row.id ?? i)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.align === 'right' ? 'num' : undefined}>
                    {c.render ? c.render(row) : fmtCell(row[c.key])}
                  </td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
      {loading && <Loading />}
      {!loading && data && data.items.length === 0 && <Empty>{empty || 'No rows match.'}</Empty>}
      <nav class="pager" aria-label={`${caption || 'table'} pages`}>
        <button type="button" disabled={page === 0 || loading} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <span>Page {page + 1}</span>
        <button
          type="button"
          disabled={!data || !data.next_cursor || loading}
          onClick={() => setCursors([...cursors, data.next_cursor])}
        >
          Next
        </button>
      </nav>
    </div>
  );
}

function fmtCell(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
