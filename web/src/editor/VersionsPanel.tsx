import { useState } from 'react';
import type { Api } from '../api/endpoints.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useExclusiveAction } from '../components/hooks.js';
import { diffVersion, isUnchanged, summarize, type VersionDiff, type VersionedField } from '../state/versions.js';
import { fieldInputSchema } from '@/shared/domain/field.js';

export interface VersionEntry {
  version: number;
  publishedAt: string;
  fieldCount: number;
}

/** The live (latest published) version and the fields it froze, for the draft to be compared with. */
export interface LiveVersion {
  version: number;
  fields: VersionedField[];
}

/** A version's stored fields as the editor compares them: specs with every default filled, by id. */
export function versionedFields(fields: readonly ({ fieldId: string } & Record<string, unknown>)[]): VersionedField[] {
  return fields.map((f) => ({ fieldId: f.fieldId, spec: fieldInputSchema.parse(f) }));
}

/** Whether the base PDF was replaced after the latest published version (so API output still uses the old one). */
export function pdfReplacedSince(t: { baseReplacedAt?: string | null }, versions: readonly VersionEntry[]): boolean {
  const last = versions[versions.length - 1];
  return Boolean(t.baseReplacedAt && last && Date.parse(t.baseReplacedAt) > Date.parse(last.publishedAt));
}

/**
 * What the template's draft is against its published versions, said in the editor's head: API
 * generation uses the latest published version, so edits not yet published do not reach it.
 */
export function DraftState({
  live,
  diff,
  pdfReplaced = false,
}: {
  live: LiveVersion | null;
  diff: VersionDiff | null;
  /** The base PDF was replaced after the live version was published: its PDF is not live yet either. */
  pdfReplaced?: boolean;
}) {
  if (!live)
    return (
      <span className="badge draft" data-testid="draft-state" data-status="unpublished" role="status">
        Draft — not published yet
      </span>
    );
  if ((!diff || isUnchanged(diff)) && !pdfReplaced)
    return (
      <span className="badge active" data-testid="draft-state" data-status="live" role="status">
        v{live.version} is live — the draft is the same
      </span>
    );
  return (
    <span className="badge changed" data-testid="draft-state" data-status="changed" role="status" title={diff ? describe(diff) : undefined}>
      Draft — changes not published (v{live.version} is live):{' '}
      {[pdfReplaced ? 'new PDF' : '', diff ? summarize(diff) : ''].filter(Boolean).join(', ')}
    </span>
  );
}

function describe(d: VersionDiff): string {
  const line = (label: string, names: string[]) => (names.length ? `${label}: ${names.join(', ')}` : '');
  return [line('Added', d.added), line('Removed', d.removed), line('Moved', d.moved), line('Changed', d.changed)]
    .filter(Boolean)
    .join('\n');
}

interface Props {
  api: Api;
  templateId: string;
  versions: readonly VersionEntry[];
  /** The draft's fields as the diff wants them (id and spec). */
  draft: readonly VersionedField[];
  /** Replaces the draft's fields by those of `version` (after the user confirmed). */
  onRestore: (version: number) => Promise<void>;
}

/** Published versions, newest first: when, how many fields, how each differs from the draft, restore one as the draft. */
export function VersionsPanel({ api, templateId, versions, draft, onRestore }: Props) {
  const [compared, setCompared] = useState<{ version: number; fields: VersionedField[] } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const action = useExclusiveAction();

  async function compare(version: number) {
    setError(null);
    try {
      const v = await api.getVersion(templateId, version);
      setCompared({ version, fields: versionedFields(v.fields) });
    } catch (err) {
      setError(err);
    }
  }

  async function restore(version: number) {
    setError(null);
    try {
      await onRestore(version);
      setConfirming(null);
      setCompared(null);
    } catch (err) {
      setError(err);
    }
  }

  const diff = compared ? diffVersion(compared.fields, draft) : null;
  return (
    <section className="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {versions.length === 0 && <p className="muted">Nothing published yet: API generation uses the draft until you publish.</p>}
      <ol className="version-list" reversed>
        {[...versions].reverse().map((v) => (
          <li key={v.version} data-testid="version">
            <strong>v{v.version}</strong> <time dateTime={v.publishedAt}>{new Date(v.publishedAt).toLocaleString()}</time>{' '}
            <span className="muted">
              {v.fieldCount} field{v.fieldCount === 1 ? '' : 's'}
            </span>
            <div className="button-row">
              <button type="button" onClick={() => void action.run(() => compare(v.version))} disabled={action.busy}>
                Compare with draft
              </button>
              {confirming === v.version ? (
                <>
                  <button
                    type="button"
                    className="primary"
                    disabled={action.busy}
                    onClick={() => void action.run(() => restore(v.version))}
                  >
                    Replace the draft with v{v.version}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(v.version)}>
                  Restore as draft…
                </button>
              )}
            </div>
            {confirming === v.version && (
              <p className="muted">
                The draft&apos;s fields are replaced by the {v.fieldCount} of v{v.version}; published versions stay as they are.
              </p>
            )}
            {compared?.version === v.version && diff && (
              <div data-testid="version-diff">
                {isUnchanged(diff) ? (
                  <p>The draft is the same as v{v.version}.</p>
                ) : (
                  <ul>
                    {(['added', 'removed', 'moved', 'changed'] as const).map((k) =>
                      diff[k].length ? (
                        <li key={k}>
                          In the draft, {k}: {diff[k].join(', ')}
                        </li>
                      ) : null,
                    )}
                  </ul>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      <ErrorMessage error={error} />
    </section>
  );
}
