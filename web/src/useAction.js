// src/useAction.js — the one hook a page's writes go through (a form's
// submit, a row's button): busy while the call runs (buttons disabled), and
// the error it ended with (an ApiError, or a parse.js refusal) for ErrorBox
// and Field. run(fn) clears the last error, awaits fn and answers its value,
// or undefined when it threw (the error is then in `error`).
import { useState } from 'preact/hooks';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setError(null);
    setBusy(true);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
