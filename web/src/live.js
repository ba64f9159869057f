// src/live.js — the dashboard's live events: the WebSocket
// /api/v1/ws/dashboard (docs/analytics.md "Live updates"). A browser cannot
// set a header on a WebSocket, so the access token goes as the subprotocols
// "bearer, <token>". The client keeps, per source, the highest seq seen and
// reconnects with since=source:seq after a drop, so nothing is missed or
// shown twice; 4401 (token expired or revoked) reconnects with a fresh
// token; 4409 (too far behind) asks the page to reload its data and
// reconnects without since.
import { freshToken } from './api.js';

/**
 * Opens the stream. opts: {channels: ['sales', 'alerts'] (default: every one
 * the role may read), onEvent(msg), onReady(msg), onStatus('connecting' |
 * 'live' | 'retrying' | 'closed'), onReload()}. Returns {close()}.
 */
export function connectLive(opts) {
  const seq = {}; // source → highest seq seen
  let ws = null;
  let stopped = false;
  let delay = 500;
  let timer = null;
  const status = (s) => opts.onStatus && opts.onStatus(s);

  const url = () => {
    const q = new URLSearchParams();
    if (opts.channels && opts.channels.length) q.set('channels', opts.channels.join(','));
    const since = Object.entries(seq).map(([s, n]) => `${s}:${n}`);
    if (since.length) q.set('since', since.join(','));
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const qs = q.toString();
    return `${proto}//${location.host}/api/v1/ws/dashboard${qs ? `?${qs}` : ''}`;
  };

  const retry = () => {
    if (stopped) return;
    status('retrying');
    timer = setTimeout(open, delay);
    delay = Math.min(delay * 2, 15000);
  };

  async function open() {
    if (stopped) return;
    status('connecting');
    const token = await freshToken(60);
    if (!token) {
      status('closed');
      return;
    }
    ws = new WebSocket(url(), ['bearer', token]);
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg.type === 'ready') {
        for (const [s, n] of Object.entries(msg.seq || {})) if (!(seq[s] > n)) seq[s] = n;
        delay = 500;
        status('live');
        if (opts.onReady) opts.onReady(msg);
      } else if (msg.type === 'event' && msg.event) {
        const { source, seq: n } = msg.event;
        if (source && typeof n === 'number' && !(seq[source] >= n)) seq[source] = n;
        if (opts.onEvent) opts.onEvent(msg);
      }
    };
    ws.onclose = (e) => {
      ws = null;
      if (stopped) return;
      if (e.code === 4409) {
        for (const k of Object.keys(seq)) delete seq[k];
        if (opts.onReload) opts.onReload();
      }
      if (e.code === 4401) delay = 0; // a fresh token and back at once
      retry();
    };
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      if (ws) ws.close(1000);
      status('closed');
    },
  };
}
