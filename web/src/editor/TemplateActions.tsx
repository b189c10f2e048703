import { useState, type ReactNode } from 'react';
import type { Api } from '../api/endpoints.js';
import type { Template } from '../api/types.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { navigate, useClipboard, useExclusiveAction } from '../components/hooks.js';
import type { EditorField } from '../state/fields.js';
import { routeHref } from '../state/route.js';
import { buildSampleData } from '../state/sample.js';
import { generateCurl, generateJavaScript, generatePython } from '../state/snippets.js';

type Lang = 'curl' | 'javascript' | 'python';
const SNIPPETS: Record<Lang, { label: string; make: (origin: string, id: string, data: unknown) => string }> = {
  curl: { label: 'curl', make: generateCurl },
  javascript: { label: 'JavaScript', make: generateJavaScript },
  python: { label: 'Python', make: generatePython },
};

interface Props {
  api: Api;
  template: Template;
  fields: readonly EditorField[];
  onTemplate: (t: Template) => void;
  /** Saves pending field edits (a duplicate copies what the server has). */
  flush: () => Promise<void>;
  /** More template actions, shown before the API snippet (the editor's replace-the-PDF). */
  children?: ReactNode;
}

/** Rename, the id (copyable), duplicate, archive, delete, replace the PDF, and the call that generates from it. */
export function TemplateActions({ api, template, fields, onTemplate, flush, children }: Props) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [copied, copy] = useClipboard();
  const [error, setError] = useState<unknown>(null);
  const [lang, setLang] = useState<Lang>('curl');
  const action = useExclusiveAction();
  const id = template.templateId;

  const run = (fn: () => Promise<void>) =>
    void action.run(async () => {
      setError(null);
      try {
        await fn();
      } catch (err) {
        setError(err);
      }
    });

  const sample = buildSampleData(fields);
  const snippet = SNIPPETS[lang].make(window.location.origin, id, sample);

  return (
    <details className="template-actions">
      <summary>Template</summary>
      <div className="group-body">
        {renaming === null ? (
          <button type="button" onClick={() => setRenaming(template.name)}>
            Rename…
          </button>
        ) : (
          <form
            className="button-row"
            onSubmit={(e) => {
              e.preventDefault();
              const name = renaming.trim();
              if (!name) return;
              run(async () => {
                onTemplate((await api.patchTemplate(id, { name })).template);
                setRenaming(null);
              });
            }}
          >
            <label>
              Template name
              <input value={renaming} onChange={(e) => setRenaming(e.target.value)} maxLength={200} required autoFocus />
            </label>
            <button type="submit" className="primary" disabled={action.busy}>
              Save name
            </button>
            <button type="button" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </form>
        )}
        <p>
          Template id <code data-testid="template-id">{id}</code>{' '}
          <button type="button" onClick={() => void copy(id, 'id')}>
            Copy id
          </button>
        </p>
        <div className="button-row">
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              run(async () => {
                await flush();
                const copy = await api.duplicateTemplate(id);
                navigate(routeHref({ name: 'editor', templateId: copy.template.templateId }));
              })
            }
          >
            Duplicate
          </button>
          <button
            type="button"
            disabled={action.busy || template.status === 'archived'}
            onClick={() => run(async () => onTemplate((await api.archiveTemplate(id)).template))}
          >
            Archive
          </button>
          {confirmDelete ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={action.busy}
                onClick={() =>
                  run(async () => {
                    await api.deleteTemplate(id);
                    navigate(routeHref({ name: 'dashboard' }));
                  })
                }
              >
                Delete for good
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )}
        </div>
        {confirmDelete && (
          <p className="warn" data-testid="delete-confirm">
            Deletes the template, its fields, its PDF and every published version: API calls with its id then answer 404. Documents already
            generated from it stay downloadable until they expire.
          </p>
        )}
        {children}
        <h3>Use the API</h3>
        <p className="muted">Generates one PDF from this template&apos;s live version, with sample data for each of its binding keys.</p>
        <div className="button-row" role="group" aria-label="Language">
          {(Object.keys(SNIPPETS) as Lang[]).map((l) => (
            <button key={l} type="button" aria-pressed={lang === l} onClick={() => setLang(l)}>
              {SNIPPETS[l].label}
            </button>
          ))}
        </div>
        <p className="muted">Set PDF_STUDIO_KEY to one of your API keys; each writes document.pdf.</p>
        <pre data-testid="template-snippet" data-lang={lang}>
          {snippet}
        </pre>
        <button type="button" onClick={() => void copy(snippet, 'snippet')}>
          Copy {SNIPPETS[lang].label}
        </button>
        <span role="status" className="notice">
          {copied === 'id' ? 'Id copied.' : copied === 'snippet' ? `${SNIPPETS[lang].label} copied.` : ''}
        </span>
        <ErrorMessage error={error} />
      </div>
    </details>
  );
}
