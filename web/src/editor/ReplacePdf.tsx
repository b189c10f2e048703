import { useEffect, useRef, useState } from 'react';
import type { BaseReplaceReview, Template } from '../api/types.js';
import { uploadFile } from '../api/upload.js';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useExclusiveAction } from '../components/hooks.js';

/**
 * Replacing the template's PDF with a new revision, fields kept: the chosen file is uploaded and
 * the server's review (POST …/base-pdf without apply) is shown before anything changes — which
 * fields follow their form field, which stay put, and which moved pages or fell off the new
 * pages and need a look. Only "Replace the PDF" applies it.
 */

type Match = BaseReplaceReview['fields'][number];
type Box = Match['from'];

const STATUS_WORDS: Record<Match['status'], string> = {
  kept: 'Stays where it is',
  moved: 'Moves with its form field',
  moved_page: 'Moved to another page',
  outside: 'Outside the new pages',
};

/** The flagged first: what the designer has to look at. */
const ORDER: Record<Match['status'], number> = { moved_page: 0, outside: 1, moved: 2, kept: 3 };

const where = (b: Box) => `p. ${b.page} · ${Math.round(b.x)}, ${Math.round(b.y)} · ${Math.round(b.width)} × ${Math.round(b.height)}`;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function reviewSummary(r: BaseReplaceReview): string {
  const c = r.counts;
  const parts = [
    `${plural(c.kept, 'field')} kept in place`,
    c.moved ? `${c.moved} moved with ${c.moved === 1 ? 'its form field' : 'their form fields'}` : '',
    c.moved_page ? `${c.moved_page} moved to another page` : '',
    c.outside ? `${c.outside} outside the new pages` : '',
  ].filter(Boolean);
  return `${r.fileName ?? 'The new PDF'}: ${plural(r.to.pageCount, 'page')} (now ${r.from.pageCount}). ${parts.join(', ')}.`;
}

function ReviewDialog({
  review,
  busy,
  onApply,
  onCancel,
}: {
  review: BaseReplaceReview;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    // jsdom has no showModal; a browser always does.
    if (d && typeof d.showModal === 'function' && !d.open) d.showModal();
    else d?.setAttribute('open', '');
  }, []);
  const rows = [...review.fields].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name));
  const flagged = review.counts.moved_page + review.counts.outside;
  return (
    <dialog ref={dialog} className="replace-review" aria-labelledby="replace-title" onCancel={onCancel} data-testid="replace-review">
      <h2 id="replace-title">Replace the PDF: review</h2>
      <p data-testid="replace-summary">{reviewSummary(review)}</p>
      <p className="muted">
        {review.formFields > 0
          ? 'The new PDF has form fields: fields made from a form field follow the one of the same name; the others keep their place.'
          : 'The new PDF has no form fields: every field keeps its page and position.'}{' '}
        Published versions keep the old PDF; API output changes when you publish again.
      </p>
      {flagged > 0 && (
        <p className="warn" role="status">
          {plural(flagged, 'field')} to look at after the replacement (marked below).
        </p>
      )}
      <div className="replace-table">
        <table>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Matched by</th>
              <th scope="col">Now</th>
              <th scope="col">After</th>
              <th scope="col">What happens</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr
                key={m.fieldId}
                data-testid="replace-field"
                data-name={m.name}
                data-status={m.status}
                className={m.status === 'moved_page' || m.status === 'outside' ? 'flagged' : undefined}
              >
                <th scope="row">
                  {m.name} <span className="muted">({m.bindingKey})</span>
                </th>
                <td>{m.matchedBy === 'form_field' ? 'form field name' : 'position'}</td>
                <td>{where(m.from)}</td>
                <td>{where(m.to)}</td>
                <td>
                  {m.status === 'moved_page' || m.status === 'outside' ? '⚠ ' : ''}
                  {STATUS_WORDS[m.status]}
                  {m.note && <div className="muted">{m.note}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button type="button" className="primary" disabled={busy} onClick={onApply}>
          Replace the PDF
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

interface Props {
  templateId: string;
  /** Saves pending field edits first: the review is of what the server has. */
  flush: () => Promise<void>;
  /** After the replacement: the editor reloads the template, its PDF and its fields. */
  onReplaced: (t: Template) => void;
}

export function ReplacePdf({ templateId, flush, onReplaced }: Props) {
  const { api, client } = useServices();
  const [review, setReview] = useState<BaseReplaceReview | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const action = useExclusiveAction();
  const input = useRef<HTMLInputElement>(null);

  const choose = (file: File | undefined) =>
    void action.run(async () => {
      if (!file) return;
      setError(null);
      try {
        await flush();
        setProgress(0);
        const uploaded = await uploadFile(client, file, setProgress);
        setReview((await api.replaceBasePdf(templateId, uploaded.id, false)).review);
      } catch (err) {
        setError(err);
      } finally {
        setProgress(null);
        if (input.current) input.current.value = '';
      }
    });

  const apply = () =>
    void action.run(async () => {
      if (!review) return;
      try {
        const { template } = await api.replaceBasePdf(templateId, review.fileId, true);
        setReview(null);
        onReplaced(template);
      } catch (err) {
        setReview(null);
        setError(err);
      }
    });

  return (
    <div className="replace-pdf">
      <h3>Replace the PDF</h3>
      <p className="muted">Upload a new revision of the document; its fields are kept, and you review where each goes first.</p>
      <label>
        New revision (PDF)
        <input ref={input} type="file" accept="application/pdf,.pdf" disabled={action.busy} onChange={(e) => choose(e.target.files?.[0])} />
      </label>
      {progress !== null && <span className="notice">Uploading… {Math.round(progress * 100)} %</span>}
      <ErrorMessage error={error} />
      {review && <ReviewDialog review={review} busy={action.busy} onApply={apply} onCancel={() => setReview(null)} />}
    </div>
  );
}
