// src/useAction.js — the one hook a page's writes go through (a form's
// submit, a row's button): busy while the call runs (buttons disabled), and
// the error it ended with (an ApiError, or a parse.js refusal) for ErrorBox
// and Field. Two ways to call it:
//   const act = useAction(async (body) => post(path, body));
//   act.run(body)      → the action's answer, or undefined when it failed (act.error)
//   <form onSubmit={act.onSubmit}> runs the action with no arguments
// or, for a page with several writes, one hook and the call given to run:
//   const act = useAction();
//   act.run(async () => …)
// run clears the last error first; setError shows a refusal made before any call.
import { useState } from 'preact/hooks';

export function useAction(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (...args) => {
    const fn = action || args.shift();
    setError(null);
    setBusy(true);
    try {
      return await fn(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e) => {
    e.preventDefault();
    run();
  };
  return { busy, error, setError, run, onSubmit };
}
