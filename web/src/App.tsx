import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from './api/client.js';
import type { Api } from './api/endpoints.js';
import type { User } from './api/types.js';
import { ServicesContext } from './components/context.js';
import { navigate, useRoute } from './components/hooks.js';
import { Layout } from './components/Layout.js';
import { EditorPage } from './editor/EditorPage.js';
import { ApiKeysPage } from './pages/ApiKeysPage.js';
import { AuthPage } from './pages/AuthPage.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { JobsPage } from './pages/JobsPage.js';

export function App({ client, api }: { client: ApiClient; api: Api }) {
  const services = useMemo(() => ({ client, api }), [client, api]);
  const route = useRoute();
  const [user, setUser] = useState<User | null>(client.user);
  const [restoring, setRestoring] = useState(() => !client.user && client.hasRefreshToken());

  useEffect(() => client.onAuthChange(setUser), [client]);
  useEffect(() => {
    if (!restoring) return;
    client
      .restore()
      .catch(() => null)
      .finally(() => setRestoring(false));
  }, [client, restoring]);

  let body;
  if (restoring) {
    body = (
      <p className="centered" role="status">
        Restoring your session…
      </p>
    );
  } else if (!user) {
    // Keyed by mode: an error of the sign-in form must not follow the user to the sign-up form.
    const mode = route.name === 'signup' ? 'signup' : 'signin';
    body = <AuthPage key={mode} mode={mode} notice={mode === 'signin' ? client.endedReason : null} />;
  } else if (route.name === 'signin' || route.name === 'signup') {
    navigate('#/');
    body = null;
  } else if (route.name === 'editor') {
    body = <EditorPage key={route.templateId} templateId={route.templateId} />;
  } else if (route.name === 'jobs') {
    body = <JobsPage jobId={route.jobId} />;
  } else if (route.name === 'keys') {
    body = <ApiKeysPage />;
  } else {
    body = <DashboardPage />;
  }

  return (
    <ServicesContext.Provider value={services}>
      <Layout user={user} route={route}>
        {body}
      </Layout>
    </ServicesContext.Provider>
  );
}
