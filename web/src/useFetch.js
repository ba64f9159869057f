// src/useFetch.js — the one hook pages load data with: runs an async loader
// (usually a src/api.js call) when its deps change, drops answers to stale
// requests, and gives {data, error, loading, reload}.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export function useFetch(loader, deps) {
  const [st, setSt] = useState({ data: null, error: null, loading: true });
  const gen = useRef(0);
  const run = useCallback(() => {
    const mine = ++gen.current;
    setSt((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(loader)
      .then(
        (data) => mine === gen.current && setSt({ data, error: null, loading: false }),
        (error) => mine === gen.current && setSt({ data: null, error, loading: false }),
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    run();
    return () => {
      gen.current++;
    };
  }, [run]);
  return { ...st, reload: run };
}
