import { useState, type FormEvent } from 'react';
import type { CreatedApiKey } from '../api/types.js';
import { useServices } from '../components/context.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatDate, useAsync, useClipboard } from '../components/hooks.js';
import { generateCurl } from '../state/snippets.js';
import { buildSampleData } from '../state/sample.js';
import type { FieldSpec } from '@/shared/domain/field.js';

/**
 * The generate call with the new key, for the user's latest template (its id, and a body of its
 * own binding keys); a placeholder id only while the user has no template.
 */
export function curlExample(origin: string, key: string, template?: { templateId: string; fields: readonly FieldSpec[] }): string {
  const data = template ? buildSampleData(template.fields) : { customer: { name: 'Ada Lovelace' } };
  return generateCurl(origin, template?.templateId ?? 'TEMPLATE_ID', data, `x-api-key: ${key}`);
}

export function ApiKeysPage() {
  const { api } = useServices();
  const keys = useAsync(() => api.listApiKeys(), [api]);
  const latest = useAsync(async () => {
    const t = (await api.listTemplates({ limit: 1 })).items[0];
    return t ? { templateId: t.templateId, name: t.name, fields: (await api.listFields(t.templateId)).items } : null;
  }, [api]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [copied, copy] = useClipboard();
  const [error, setError] = useState<unknown>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await api.createApiKey(name.trim() || 'Studio key'));
      setName('');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await api.revokeApiKey(id);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  const curl = created ? curlExample(window.location.origin, created.key, latest.data ?? undefined) : '';

  return (
    <div className="keys">
      <h1>API keys</h1>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label>
          Key name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Billing server" />
        </label>
        <button type="submit" className="primary">
          Create key
        </button>
      </form>
      <ErrorMessage error={error ?? keys.error} />
      {created && (
        <section className="card secret" aria-labelledby="secret-title">
          <h2 id="secret-title">Your new key “{created.name}”</h2>
          <p>Copy it now: it is shown only once.</p>
          <div className="copy-row">
            <code data-testid="api-key-secret">{created.key}</code>
            <button type="button" onClick={() => void copy(created.key, 'key')}>
              Copy key
            </button>
          </div>
          <p>
            Ready-to-paste request
            {latest.data ? ` for your latest template, “${latest.data.name}”` : ' (replace TEMPLATE_ID with a template’s id)'}:
          </p>
          <pre data-testid="curl">{curl}</pre>
          <div className="button-row">
            <button type="button" onClick={() => void copy(curl, 'curl')}>
              Copy curl
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              I have stored it
            </button>
            <span role="status">{copied && `Copied ${copied}.`}</span>
          </div>
        </section>
      )}
      <DataTable
        caption="API keys"
        rows={keys.data?.items}
        rowKey={(k) => k.id}
        empty="No keys yet."
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Prefix', cell: (k) => <code>{k.prefix}…</code> },
          { header: 'Created', cell: (k) => formatDate(k.createdAt) },
          { header: 'Last used', cell: (k) => formatDate(k.lastUsedAt) },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (k) =>
              k.revokedAt ? (
                `Revoked ${formatDate(k.revokedAt)}`
              ) : (
                <button type="button" onClick={() => void revoke(k.id)} aria-label={`Revoke ${k.name}`}>
                  Revoke
                </button>
              ),
          },
        ]}
      />
    </div>
  );
}
