import { useState, type FormEvent } from 'react';
import { login, signInWithApiKey } from '../api/client.ts';
import { ErrorMessage } from '../components/status.tsx';

/** Sign in with a username and password, or paste an API key (for a machine or a kiosk screen). */
export function LoginPage() {
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      if (mode === 'password') await login(String(form.get('username')), String(form.get('password')));
      else await signInWithApiKey(String(form.get('apiKey')).trim());
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  }

  return (
    <section className="login">
      <h1>Sign in</h1>
      <fieldset className="choices row" aria-label="How to sign in">
        <label className="inline"><input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> With username and password</label>
        <label className="inline"><input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} /> With an API key</label>
      </fieldset>
      <form onSubmit={(e) => void submit(e)} className="stack" aria-busy={busy}>
        {mode === 'password' ? (
          <>
            <label>Username<input name="username" autoComplete="username" required autoFocus /></label>
            <label>Password<input name="password" type="password" autoComplete="current-password" required /></label>
          </>
        ) : (
          <label>API key<input name="apiKey" autoComplete="off" spellCheck={false} required autoFocus /></label>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </section>
  );
}
