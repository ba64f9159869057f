// Field: one labelled input (text, number, date, select via `options`,
// textarea via type="textarea"). When `error` (an ApiError) names this
// field, the input is marked invalid and the message is tied to it.
import { useState } from 'preact/hooks';

let seq = 0;

export function Field({ label, name, type = 'text', value, onInput, options, error, hint, id, ...rest }) {
  const [auto] = useState(() => `f-${name}-${++seq}`);
  const fid = id || auto;
  const bad = error && error.field === name;
  const described = [hint ? `${fid}-hint` : null, bad ? `${fid}-err` : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id: fid,
    name,
    value: value ?? '',
    'aria-invalid': bad ? 'true' : undefined,
    'aria-describedby': described,
    onInput: (e) => onInput && onInput(e.currentTarget.value, e),
    ...rest,
  };
  let input;
  if (options)
    input = (
      <select {...common}>
        {options.map((o) => {
          const [v, text] = Array.isArray(o) ? o : [o, o];
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    );
  else if (type === 'textarea') input = <textarea {...common} />;
  else input = <input type={type} {...common} />;
  return (
    <div class={`field${bad ? ' field-bad' : ''}`}>
      <label for={fid}>{label}</label>
      {input}
      {hint && (
        <small id={`${fid}-hint`} class="hint">
          {hint}
        </small>
      )}
      {bad && (
        <small id={`${fid}-err`} class="field-error">
          {error.message}
        </small>
      )}
    </div>
  );
}
