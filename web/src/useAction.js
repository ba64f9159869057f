// src/useAction.js — the one hook a page's write actions (a form's submit, a
// button) go through: runs an async action, says it is busy meanwhile, and
// keeps the ApiError it failed with for <ErrorBox> and <Field error>.
//   const act = useAction(async (body) => post(path, body));
//   act.run(body) → the action's answer, or undefined when it failed (act.error)
//   <form onSubmit={act.onSubmit}> runs it with no arguments
import { useState } from 'preact/hooks';

export function useAction(fn) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (...args) => {
    setBusy(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e) => {
    e.preventDefault();
    run();
  };
  return { run, onSubmit, error, busy };
}
