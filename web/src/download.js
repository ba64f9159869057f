// src/download.js — saves what a route answers as a file (a report's
// ?format=csv): the call goes through src/api.js (bearer token, refresh on a
// 401, ApiError on a refusal), so a plain <a href> — which would carry no
// token — is never used for the API. Rejects with ApiError.
import { api } from './api.js';

/**
 * GET path with query plus format=csv, saved as filename. The answer is read
 * whole (the analytics reports are built whole and bounded, docs/analytics.md).
 */
export async function downloadCsv(path, query, filename) {
  const res = await api('GET', path, { query: { ...query, format: 'csv' }, raw: true, accept: 'text/csv' });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
}
