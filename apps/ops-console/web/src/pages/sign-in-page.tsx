import { useState } from 'react';

import { ApiError, api } from '../api';
import { type Session } from '../types';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="sign-in"
      data-testid="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        api<Session>('/api/session', { method: 'POST', body: { token } })
          .then(onSignedIn)
          .catch((caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)));
      }}
    >
      <h1>Seedship ops console</h1>
      <label>
        Access token
        <input name="token" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} />
      </label>
      <button type="submit">Sign in</button>
      {error ? <p className="error-note">{error}</p> : null}
      <p className="muted small">Single sign-on (OIDC) uses the same session once it is configured.</p>
    </form>
  );
}
