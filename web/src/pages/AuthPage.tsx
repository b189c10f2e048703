import { useState, type FormEvent } from 'react';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { navigate } from '../components/hooks.js';

export function AuthPage({ mode, notice = null }: { mode: 'signin' | 'signup'; notice?: string | null }) {
  const { client } = useServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signup) await client.register({ email, password, name });
      else await client.login({ email, password });
      navigate('#/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="auth card" aria-labelledby="auth-title">
      <h1 id="auth-title">{signup ? 'Create your account' : 'Sign in'}</h1>
      {notice && !error && (
        <p className="warn" role="status" data-testid="session-ended">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        {signup && (
          <label>
            Name
            <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={signup ? 'new-password' : 'current-password'}
            minLength={signup ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {signup ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p>
        {signup ? (
          <>
            Already have an account? <a href="#/signin">Sign in</a>
          </>
        ) : (
          <>
            New here? <a href="#/signup">Create an account</a>
          </>
        )}
      </p>
    </section>
  );
}
