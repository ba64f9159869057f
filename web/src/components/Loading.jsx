// Loading: a polite live region, so screen readers hear that data is coming.
export function Loading({ label = 'Loading…' }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}
