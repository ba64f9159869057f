// StoreSelect: a labelled choice of the stores the principal may see (a
// store-scoped role: its own stores only), with "all" first when the list
// may span stores (allLabel: null makes a store required).
import { myStores } from '../session.js';
import { loadStores } from '../stores.js';
import { useFetch } from '../useFetch.js';
import { Field } from './Field.jsx';

export function StoreSelect({ label = 'Store', name = 'store_id', value, onInput, allLabel, error }) {
  const { data: stores } = useFetch(() => loadStores(), []);
  const mine = myStores();
  const choices = (stores || []).filter((s) => !mine.length || mine.includes(s.id));
  const first = allLabel === null ? 'Choose a store' : allLabel || (mine.length ? 'All my stores' : 'All stores');
  return (
    <Field
      label={label}
      name={name}
      value={value}
      onInput={onInput}
      error={error}
      options={[['', first], ...choices.map((s) => [String(s.id), `${s.name} (${s.code})`])]}
    />
  );
}

/** A store's name for a table cell ("store 3" until the list has loaded). */
export function storeName(id, stores) {
  const s = (stores || []).find((x) => x.id === Number(id));
  return s ? s.name : `store ${id}`;
}
