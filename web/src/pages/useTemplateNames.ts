import { useMemo } from 'react';
import type { Api } from '../api/endpoints.js';
import { useAsync } from '../components/hooks.js';

/**
 * Template names by id, for lists of jobs and documents (which carry only the id): one call for
 * the user's newest 100 templates. A template not among them (older, or deleted) is shown by id;
 * a failed call only loses the names.
 */
export function useTemplateNames(api: Pick<Api, 'listTemplates'>): Map<string, string> {
  const list = useAsync(
    () => api.listTemplates({ limit: 100 }).catch(() => ({ items: [] as { templateId: string; name: string }[] })),
    [api],
  );
  return useMemo(() => new Map((list.data?.items ?? []).map((t) => [t.templateId, t.name])), [list.data]);
}
