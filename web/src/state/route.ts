/**
 * Routes live in the URL hash (`#/templates/abc`), so the API can serve the studio as one
 * index.html with no server-side fallback and a reload stays on the same screen.
 */
export type Route =
  | { name: 'dashboard' }
  | { name: 'editor'; templateId: string }
  | { name: 'jobs'; jobId?: string }
  | { name: 'keys' }
  | { name: 'signin' }
  | { name: 'signup' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const m = /^\/templates\/([^/?#]+)/.exec(path);
  if (m) return { name: 'editor', templateId: decodeURIComponent(m[1]) };
  const j = /^\/jobs(?:\/([^/?#]+))?/.exec(path);
  if (j) return j[1] ? { name: 'jobs', jobId: decodeURIComponent(j[1]) } : { name: 'jobs' };
  if (path.startsWith('/api-keys')) return { name: 'keys' };
  if (path.startsWith('/signin')) return { name: 'signin' };
  if (path.startsWith('/signup')) return { name: 'signup' };
  return { name: 'dashboard' };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'dashboard':
      return '#/';
    case 'editor':
      return `#/templates/${encodeURIComponent(r.templateId)}`;
    case 'jobs':
      return r.jobId ? `#/jobs/${encodeURIComponent(r.jobId)}` : '#/jobs';
    case 'keys':
      return '#/api-keys';
    case 'signin':
      return '#/signin';
    case 'signup':
      return '#/signup';
  }
}
