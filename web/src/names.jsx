// src/names.jsx — names for cells that hold only an id (ledger rows,
// transfer and PO lines, offers, suggestions, alert scopes, a PO's supplier,
// a sale's customer): GET /api/v1/products/{id}, /api/v1/suppliers/{id} or
// /api/v1/customers/{id} once per id per session (the gateway caches product
// reads too), shared by every cell that asks. One the principal may not
// read (a role without customer.read), or that is gone, keeps its id
// ("product 17").
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';

const MAX = 2000; // names kept per kind; past it that kind's start again
const KINDS = { product: '/api/v1/products', supplier: '/api/v1/suppliers', customer: '/api/v1/customers' };
let cache = new Map(); // kind → Map(id → Promise<{name, code} | null>)

function lookup(kind, id) {
  let names = cache.get(kind);
  if (!names || names.size >= MAX) cache.set(kind, (names = new Map()));
  let p = names.get(id);
  if (!p) {
    p = get(`${KINDS[kind]}/${id}`).then(
      (x) => ({ name: x.name, code: x.sku || x.code || '' }),
      (err) => {
        // refused or gone: the id it stays; anything else is asked again next time
        if (!(err && (err.status === 403 || err.status === 404))) names.delete(id);
        return null;
      },
    );
    names.set(id, p);
  }
  return p;
}

/** Forgets one name (after it was changed here), so the next cell reads it again. */
export function invalidateName(kind, id) {
  const names = cache.get(kind);
  if (names) names.delete(Number(id));
}

/** The {name, code} (code: a product's sku, a supplier's code) once known; null meanwhile or when unreadable. */
function useNamed(kind, id) {
  const n = Number(id);
  const [v, setV] = useState(null);
  useEffect(() => {
    let live = true;
    setV(null);
    if (Number.isInteger(n) && n > 0) lookup(kind, n).then((x) => live && setV(x));
    return () => {
      live = false;
    };
  }, [kind, n]);
  return v;
}

/** The product's name for a label or a sentence ("product 17" until known). */
export function useProductLabel(id) {
  const p = useNamed('product', id);
  return p ? p.name : `product ${id}`;
}

/** A cell's product: its name and sku, or "product 17" until (or unless) known. */
export function ProductName({ id }) {
  const p = useNamed('product', id);
  if (!p) return <span data-product-id={id}>product {id}</span>;
  return (
    <span data-product-id={id}>
      {p.name} <small class="muted">{p.code}</small>
    </span>
  );
}

/** A supplier's name ("supplier 3" until, or unless, known). */
export function SupplierName({ id }) {
  const s = useNamed('supplier', id);
  return <span data-supplier-id={id}>{s ? s.name : `supplier ${id}`}</span>;
}

/** A customer's name ("customer 12" until known, or for a role without customer.read). */
export function CustomerName({ id }) {
  const c = useNamed('customer', id);
  return <span data-customer-id={id}>{c ? c.name : `customer ${id}`}</span>;
}

/** Forgets the names (after sign-out: another principal may read others). */
export function resetNames() {
  cache = new Map();
}
