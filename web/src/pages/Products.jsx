// Products: the catalogue (GET /api/v1/products, /api/v1/categories; docs/api.md
// "Catalogue"). Everyone with catalog.read searches products (name or sku,
// category, active) and browses the categories; catalog.write (admin, buyer)
// creates and edits products — prices typed as amounts, sent as cents — and
// categories. Products and categories are deactivated, never deleted.
import { useRef, useState } from 'preact/hooks';
import { get, patch, post } from '../api.js';
import { can } from '../session.js';
import { setQuery } from '../router.js';
import { useAction } from '../useAction.js';
import { useFetch } from '../useFetch.js';
import * as fmt from '../format.js';
import * as parse from '../parse.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Field } from '../components/Field.jsx';
import { PagedTable } from '../components/PagedTable.jsx';
import './backoffice.css';
import { invalidateName } from '../names.jsx';

const UNITS = ['each', 'kg', 'g', 'l', 'ml', 'm', 'pack', 'box', 'pair'];
const CAT_MAX = 2000; // categories read for names and pickers (a chain has dozens)

async function allCategories() {
  const all = [];
  let cursor = null;
  do {
    const page = await get('/api/v1/categories', { limit: 200, cursor });
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && all.length < CAT_MAX);
  return all;
}

const activeOptions = [
  ['', 'Any'],
  ['true', 'Active'],
  ['false', 'Inactive'],
];

function ActiveBadge({ on }) {
  return <span class={`badge ${on ? 'ok' : 'warn'}`}>{on ? 'active' : 'inactive'}</span>;
}

/** The product form: new (product null) or edit (only the changed fields are sent). */
function ProductForm({ product, categories, onDone, onCancel }) {
  const init = product
    ? {
        sku: product.sku,
        name: product.name,
        category_id: String(product.category_id ?? ''),
        price: parse.centsText(product.unit_price_cents),
        cost: parse.centsText(product.unit_cost_cents),
        unit_of_measure: product.unit_of_measure || 'each',
        pack_size: String(product.pack_size ?? 1),
        active: product.active ? 'true' : 'false',
      }
    : { sku: '', name: '', category_id: '', price: '', cost: '', unit_of_measure: 'each', pack_size: '1', active: 'true' };
  const [v, setV] = useState(init);
  const { busy, error: err, run } = useAction();
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const full = {
        sku: v.sku.trim(),
        name: v.name.trim(),
        category_id: parse.id(v.category_id, 'category_id'),
        unit_price_cents: parse.cents(v.price, 'unit_price_cents'),
        unit_cost_cents: parse.cents(v.cost, 'unit_cost_cents'),
        unit_of_measure: v.unit_of_measure,
        pack_size: v.pack_size === '' ? null : Number(v.pack_size),
        active: v.active === 'true',
      };
      const body = {};
      if (product) {
        for (const [k, x] of Object.entries(full)) if (k !== 'sku' && x !== product[k]) body[k] = x;
      } else {
        for (const [k, x] of Object.entries(full)) if (x !== null) body[k] = x;
      }
      const saved = product ? await patch(`/api/v1/products/${product.id}`, body) : await post('/api/v1/products', body);
      if (product) invalidateName('product', product.id);
      onDone(saved, product ? 'saved' : 'created');
    });
  };
  const catOptions = [['', '— choose —'], ...categories.map((c) => [String(c.id), c.name])];
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="pf-h">
      <h2 id="pf-h">{product ? `Edit product ${product.sku}` : 'New product'}</h2>
      <ErrorBox error={err} title={product ? 'Not saved' : 'Not created'} />
      <div class="filters">
        {!product && <Field label="SKU" name="sku" value={v.sku} onInput={set('sku')} error={err} required />}
        <Field label="Name" name="name" value={v.name} onInput={set('name')} error={err} required />
        <Field label="Category" name="category_id" value={v.category_id} onInput={set('category_id')} options={catOptions} error={err} />
        <Field label="Price" name="unit_price_cents" value={v.price} onInput={set('price')} error={err} inputMode="decimal" hint={`in ${fmt.CURRENCY}, e.g. 12.99`} />
        <Field label="Cost" name="unit_cost_cents" value={v.cost} onInput={set('cost')} error={err} inputMode="decimal" hint={`in ${fmt.CURRENCY}`} />
        <Field label="Unit of measure" name="unit_of_measure" value={v.unit_of_measure} onInput={set('unit_of_measure')} options={UNITS} error={err} />
        <Field label="Pack size" name="pack_size" type="number" min="1" value={v.pack_size} onInput={set('pack_size')} error={err} />
        <Field label="Status" name="active" value={v.active} onInput={set('active')} options={activeOptions.slice(1)} error={err} />
      </div>
      <button type="submit" disabled={busy}>
        {product ? 'Save product' : 'Create product'}
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

function CategoryForm({ category, categories, onDone, onCancel }) {
  const [v, setV] = useState({
    name: category ? category.name : '',
    description: category ? category.description || '' : '',
    parent_id: category && category.parent_id ? String(category.parent_id) : '',
    active: category && !category.active ? 'false' : 'true',
  });
  const { busy, error: err, run } = useAction();
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { name: v.name.trim(), description: v.description, active: v.active === 'true' };
      const parent = v.parent_id ? Number(v.parent_id) : null;
      if (category || parent) body.parent_id = parent;
      const saved = category ? await patch(`/api/v1/categories/${category.id}`, body) : await post('/api/v1/categories', body);
      onDone(saved, category ? 'saved' : 'created');
    });
  };
  const parents = [['', '— top level —'], ...categories.filter((c) => !category || c.id !== category.id).map((c) => [String(c.id), c.name])];
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="cf-h">
      <h2 id="cf-h">{category ? `Edit category ${category.name}` : 'New category'}</h2>
      <ErrorBox error={err} title={category ? 'Not saved' : 'Not created'} />
      <div class="filters">
        <Field label="Category name" name="name" value={v.name} onInput={set('name')} error={err} required />
        <Field label="Description" name="description" value={v.description} onInput={set('description')} error={err} />
        <Field label="Parent category" name="parent_id" value={v.parent_id} onInput={set('parent_id')} options={parents} error={err} />
        <Field label="Category status" name="active" value={v.active} onInput={set('active')} options={activeOptions.slice(1)} error={err} />
      </div>
      <button type="submit" disabled={busy}>
        {category ? 'Save category' : 'Create category'}
      </button>{' '}
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

export default function Products({ search }) {
  const q = search.get('q') || '';
  const categoryId = search.get('category_id') || '';
  const active = search.get('active') || '';
  const [typed, setTyped] = useState(q);
  const [form, setForm] = useState(null); // {kind: 'product'|'category', row: null|object}
  const [notice, setNotice] = useState('');
  const [reload, setReload] = useState(0);
  const top = useRef(null);
  const write = can('catalog.write');
  const cats = useFetch(allCategories, [reload]);
  const categories = cats.data || [];
  const catName = (id) => {
    const c = categories.find((x) => x.id === id);
    return c ? c.name : id ? `#${id}` : '—';
  };
  const open = (kind, row) => {
    setNotice('');
    setForm({ kind, row });
    setTimeout(() => top.current && top.current.querySelector('input, select')?.focus(), 0);
  };
  const done = (saved, what) => {
    setForm(null);
    setNotice(`${saved.sku ? `Product ${saved.sku}` : `Category ${saved.name}`} ${what}.`);
    setReload(reload + 1);
  };
  const productCols = [
    { key: 'sku', title: 'SKU' },
    { key: 'name', title: 'Name' },
    { key: 'category_id', title: 'Category', render: (p) => catName(p.category_id) },
    { key: 'unit_price_cents', title: 'Price', align: 'right', render: (p) => fmt.money(p.unit_price_cents) },
    { key: 'unit_cost_cents', title: 'Cost', align: 'right', render: (p) => fmt.money(p.unit_cost_cents) },
    {
      key: 'margin',
      title: 'Margin',
      align: 'right',
      render: (p) => (p.unit_price_cents > 0 ? fmt.percent((p.unit_price_cents - p.unit_cost_cents) / p.unit_price_cents) : '—'),
    },
    { key: 'unit_of_measure', title: 'Unit', render: (p) => `${p.unit_of_measure || 'each'}${p.pack_size > 1 ? ` × ${p.pack_size}` : ''}` },
    { key: 'active', title: 'Status', render: (p) => <ActiveBadge on={p.active} /> },
    { key: 'updated_at', title: 'Updated', render: (p) => fmt.dateTime(p.updated_at) },
  ];
  if (write)
    productCols.push({
      key: 'edit',
      title: 'Actions',
      render: (p) => (
        <button type="button" class="secondary" onClick={() => open('product', p)} aria-label={`Edit ${p.sku}`}>
          Edit
        </button>
      ),
    });
  const catCols = [
    { key: 'name', title: 'Category' },
    { key: 'description', title: 'Description', render: (c) => c.description || '—' },
    { key: 'parent_id', title: 'Parent', render: (c) => (c.parent_id ? catName(c.parent_id) : 'top level') },
    { key: 'active', title: 'Status', render: (c) => <ActiveBadge on={c.active} /> },
  ];
  if (write)
    catCols.push({
      key: 'edit',
      title: 'Actions',
      render: (c) => (
        <button type="button" class="secondary" onClick={() => open('category', c)} aria-label={`Edit category ${c.name}`}>
          Edit
        </button>
      ),
    });
  const catFilter = [['', 'Any category'], ...categories.map((c) => [String(c.id), c.name])];
  return (
    <div class="products">
      <ErrorBox error={cats.error} title="Categories did not load" />
      <form
        class="filters"
        role="search"
        aria-label="Products"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: typed.trim() });
        }}
      >
        <Field label="Search name or SKU" name="q" type="search" value={typed} onInput={setTyped} maxLength={100} />
        <Field label="Category" name="category_id" value={categoryId} options={catFilter} onInput={(x) => setQuery({ category_id: x })} />
        <Field label="Status" name="active" value={active} options={activeOptions} onInput={(x) => setQuery({ active: x })} />
        <p>
          <button type="submit">Search</button>
        </p>
      </form>
      {write && !form && (
        <p>
          <button type="button" onClick={() => open('product', null)}>
            New product
          </button>{' '}
          <button type="button" class="secondary" onClick={() => open('category', null)}>
            New category
          </button>
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div ref={top}>
        {form && form.kind === 'product' && (
          <ProductForm product={form.row} categories={categories} onDone={done} onCancel={() => setForm(null)} />
        )}
        {form && form.kind === 'category' && (
          <CategoryForm category={form.row} categories={categories} onDone={done} onCancel={() => setForm(null)} />
        )}
      </div>
      <PagedTable
        path="/api/v1/products"
        query={{ q, category_id: categoryId, active }}
        columns={productCols}
        caption="Products"
        empty={q || categoryId || active ? 'No product matches these filters.' : 'No products yet.'}
        reloadKey={reload}
      />
      <PagedTable path="/api/v1/categories" columns={catCols} caption="Categories" empty="No categories yet." reloadKey={reload} />
    </div>
  );
}
