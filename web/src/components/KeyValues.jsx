// KeyValues: an object's every member as a two-column table (name, value),
// nested objects flattened to dotted names ("forecast.model"): for the
// inputs and terms of a computation, shown whole so none is hidden.
//   obj; caption; fmtValue?(name, value) → text (numbers: fmt.number).
import * as fmt from '../format.js';

function rows(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj || {})) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) rows(v, name, out);
    else out.push([name, v]);
  }
  return out;
}

function show(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmt.number(v, 4);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  return String(v);
}

export function KeyValues({ obj, caption, fmtValue }) {
  const list = rows(obj, '', []);
  return (
    <table class="kv">
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" class="num">
            Value
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map(([k, v]) => (
          <tr key={k} data-name={k}>
            <th scope="row">
              <code>{k}</code>
            </th>
            <td class="num">{(fmtValue && fmtValue(k, v)) ?? show(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
