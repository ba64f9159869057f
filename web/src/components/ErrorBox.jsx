// ErrorBox: an API error as the user must see it — its message AND the field
// it names (docs/api.md: every error has code, message, field).
export function ErrorBox({ error, title = 'That did not work' }) {
  if (!error) return null;
  const field = error.field || '';
  return (
    <div class="error-box" role="alert" data-code={error.code || ''} data-field={field}>
      <strong>{title}:</strong> <span class="error-message">{error.message || String(error)}</span>
      {field && (
        <span class="error-field">
          {' '}
          (field: <code>{field}</code>)
        </span>
      )}
      {error.status ? <span class="error-code"> [{error.status} {error.code}]</span> : null}
    </div>
  );
}
