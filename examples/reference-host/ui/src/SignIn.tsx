import { useState } from 'preact/hooks';
import { api, setToken } from './api';
import type { Whoami } from './types';

/** The sign-in form: an API token, checked against `/api/whoami`, kept in session storage. */
export function SignIn({ onSignedIn }: { onSignedIn: (who: Whoami) => void }) {
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget as HTMLFormElement).get('token') ?? '').trim();
    if (!token) return setError('enter an API token');
    try {
      const who = await api<Whoami>('GET', '/api/whoami', token);
      setToken(token);
      onSignedIn(who);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="signin" onSubmit={submit} data-testid="signin">
      <h1>innominatus</h1>
      <label>
        API token <input name="token" type="password" autocomplete="off" required />
      </label>
      <button type="submit">Sign in</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
