import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

import { ApiError, api } from './api';
import { LiveProvider, useLive } from './live';
import { JobDetailPage } from './pages/job-detail-page';
import { JobsPage } from './pages/jobs-page';
import { NodesPage } from './pages/nodes-page';
import { OverviewPage } from './pages/overview-page';
import { ShipmentsPage } from './pages/shipments-page';
import { SignInPage } from './pages/sign-in-page';
import { Link, navigate, usePath } from './router';
import './styles.css';
import { type Session } from './types';

function LiveIndicator() {
  const { connected } = useLive();
  return (
    <span className={connected ? 'live on' : 'live off'} data-testid="live-indicator" data-connected={connected}>
      {connected ? '● live' : '○ reconnecting'}
    </span>
  );
}

function Page({ session }: { session: Session }) {
  const path = usePath();
  const job = /^\/jobs\/([0-9a-f-]{36})$/.exec(path);
  if (job?.[1]) return <JobDetailPage key={job[1]} jobId={job[1]} session={session} />;
  if (path === '/jobs') return <JobsPage />;
  if (path === '/nodes') return <NodesPage session={session} />;
  if (path === '/shipments') return <ShipmentsPage />;
  return <OverviewPage />;
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = usePath();
  useEffect(() => {
    api<Session>('/api/session')
      .then(setSession)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setSession(null);
        else throw error;
      });
  }, []);
  if (session === undefined) return null;
  if (session === null) return <SignInPage onSignedIn={setSession} />;
  const signOut = () => {
    void api('/api/session', { method: 'DELETE' }).then(() => {
      setSession(null);
      navigate('/');
    });
  };
  const tab = (to: string, label: string) => (
    <Link to={to} className={(to === '/' ? path === '/' : path.startsWith(to)) ? 'tab active' : 'tab'}>
      {label}
    </Link>
  );
  return (
    <LiveProvider>
      <nav className="top">
        <strong className="brand">Seedship</strong>
        {tab('/', 'Overview')}
        {tab('/jobs', 'Jobs')}
        {tab('/nodes', 'Nodes & bays')}
        {tab('/shipments', 'Shipments')}
        <span className="spacer" />
        <LiveIndicator />
        <span className="who" data-testid="who">{session.subject} ({session.role})</span>
        <button onClick={signOut}>Sign out</button>
      </nav>
      <main>
        <Page session={session} />
      </main>
    </LiveProvider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
