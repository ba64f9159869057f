// The sign-in page: email and password → POST /api/v1/auth/login. Every
// refusal shows its message and field (a wrong password, a rate limit).
import { useEffect, useState } from 'preact/hooks';
import { signIn } from '../session.js';
import { navigate, safeNext } from '../router.js';
import { ErrorBox } from '../components/ErrorBox.jsx';
import { Field } from '../components/Field.jsx';

export default function SignIn({ next }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!performance.getEntriesByName('tm-signin-ready').length) performance.mark('tm-signin-ready');
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      navigate(safeNext(next), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="signin" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to TechMart</h1>
      <ErrorBox error={error} title="Sign-in failed" />
      <Field label="Email" name="email" type="email" autocomplete="username" value={email} onInput={setEmail} error={error} required />
      <Field
        label="Password"
        name="password"
        type="password"
        autocomplete="current-password"
        value={password}
        onInput={setPassword}
        error={error}
        required
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
