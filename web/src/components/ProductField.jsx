// ProductField: choose a product by name or sku (GET /api/v1/products?q=),
// a labelled search box and a labelled list of the matches. `value` is the
// product id (a string); onInput(id) when one is chosen.
import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { useFetch } from '../useFetch.js';
import { Field } from './Field.jsx';

export function ProductField({ label = 'Product', name = 'product_id', value, onInput, error }) {
  const [q, setQ] = useState('');
  const { data: matches } = useFetch(() => get('/api/v1/products', { q: q.trim(), limit: 25 }), [q]);
  const { data: chosen } = useFetch(() => (value ? get(`/api/v1/products/${encodeURIComponent(value)}`) : null), [value]);
  const items = (matches && matches.items) || [];
  const options = items.map((p) => [String(p.id), `${p.name} (${p.sku})`]);
  if (chosen && !options.some(([v]) => v === String(chosen.id)))
    options.unshift([String(chosen.id), `${chosen.name} (${chosen.sku})`]);
  if (!value) options.unshift(['', items.length ? 'Choose a product…' : 'No product matches']);
  return (
    <div class="product-field" style={{ display: 'flex', gap: '0.75rem', alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <Field label={`Find ${label.toLowerCase()}`} name={`${name}_q`} type="search" value={q} onInput={setQ} hint="name or sku" />
      <Field label={label} name={name} value={value} onInput={onInput} options={options} error={error} />
    </div>
  );
}
