// StoreField: a labelled store picker over the stores the principal may read
// (src/stores.js), a store-scoped role's own only. `all`: the text of the
// "every store" choice ('' value), or null when a store must be chosen.
import { loadStores } from '../stores.js';
import { myStores } from '../session.js';
import { useFetch } from '../useFetch.js';
import { Field } from './Field.jsx';

export function StoreField({ label = 'Store', name = 'store_id', value, onInput, all = 'All stores', error }) {
  const { data } = useFetch(() => loadStores(), []);
  const mine = myStores();
  const choices = (data || []).filter((s) => !mine.length || mine.includes(s.id));
  const options = choices.map((s) => [String(s.id), `${s.name} (${s.code})`]);
  if (all !== null) options.unshift(['', mine.length ? `All my stores` : all]);
  else if (!value) options.unshift(['', 'Choose a store…']);
  return <Field label={label} name={name} value={value} onInput={onInput} options={options} error={error} />;
}

/** The first store the principal may read (a page's default), or null. */
export async function firstStore() {
  const all = await loadStores();
  const mine = myStores();
  const s = all.find((x) => !mine.length || mine.includes(x.id));
  return s ? s.id : null;
}
