import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { madeFrom, type PreflightCheck, type PreflightLine } from '../state/preflight.js';
import { buildSampleData, parseSample } from '../state/sample.js';
import type { EditorField } from '../state/fields.js';
import { PdfaCheck } from './PdfaCheck.js';
import { PreflightNotes } from './PreflightNotes.js';
import { PreviewPages } from './PreviewPages.js';
import { SampleRows } from './SampleRows.js';

interface Props {
  api: Api;
  templateId: string;
  fields: EditorField[];
  /** Saves pending edits first: preview and generate read the template from the server. */
  flush: () => Promise<void>;
  /** The last preflight's findings, each naming its field (kept by the editor across tab switches). */
  findings: readonly PreflightLine[] | null;
  /** The same check's word on each table: rows in its box, rows continuing, pages added. */
  tableNotes?: readonly PreflightLine[] | null;
  /** …on each repeating group: items in the cells of its page, items continuing, pages added. */
  groupNotes?: readonly PreflightLine[] | null;
  /** …on each text that continues: its lines, lines continuing, pages added. */
  textNotes?: readonly PreflightLine[] | null;
  /** …on the document's length. */
  pageNote?: string | null;
  /** The last check was for other fields or sample data than the current ones. */
  stale?: boolean;
  /** The answer of a check, with the fields and sample it was made for. */
  onPreflight: (check: PreflightCheck) => void;
  /** The sample JSON, kept by the editor so switching tabs does not lose it (null: not yet made). */
  sample: string | null;
  onSample: (text: string) => void;
  /** Shows (selects, on its page) the field a finding concerns. */
  onShowField?: (key: string) => void;
  /** Pages of the template's PDF: the preview counts the pages added after them. */
  basePages?: number;
}

/** Sample JSON (from the binding keys), preflight warnings, and the generated PDF. */
export function PreviewPanel({
  api,
  templateId,
  fields,
  flush,
  findings,
  tableNotes = null,
  groupNotes = null,
  textNotes = null,
  pageNote = null,
  stale = false,
  onPreflight,
  sample,
  onSample,
  onShowField,
  basePages = 1,
}: Props) {
  const text = sample ?? JSON.stringify(buildSampleData(fields), null, 2);
  const setText = onSample;
  const [parseError, setParseError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'' | 'preflight' | 'generate'>('');
  // The preview remembers what it was made from, like a preflight answer (madeFrom): after
  // an edit it stays visible, but says it shows the earlier fields or data.
  const [preview, setPreview] = useState<{
    url: string;
    bytes: ArrayBuffer;
    fields: readonly EditorField[];
    sample: string | null;
  } | null>(null);
  const pdfUrl = preview?.url ?? null;
  // The viewer's page (a page picture clicked); the viewer opens on page 1 of each new PDF.
  const [viewerPage, setViewerPage] = useState<number | null>(null);
  const parsed = useMemo(() => parseSample(text, fields), [text, fields]);
  const previewStale = useMemo(() => preview !== null && !madeFrom(preview, fields, sample), [preview, fields, sample]);

  useEffect(
    () => () => {
      if (pdfUrl) URL.revokeObjectURL(pdfUrl);
    },
    [pdfUrl],
  );

  function data(): unknown {
    try {
      const d: unknown = JSON.parse(text);
      setParseError(null);
      return d;
    } catch (err) {
      setParseError(`The sample data is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  function refill() {
    let previous: unknown = {};
    try {
      previous = JSON.parse(text);
    } catch {
      // start from scratch
    }
    setText(JSON.stringify(buildSampleData(fields, previous), null, 2));
  }

  async function preflight() {
    setBusy('preflight');
    setError(null);
    try {
      const d = data();
      // What is checked: these fields and this sample, as they are now (the answer says so).
      const checked = { fields, sample };
      await flush();
      onPreflight({ result: await api.preflight(templateId, d), ...checked });
    } catch (err) {
      if (!(err instanceof SyntaxError)) setError(err);
    } finally {
      setBusy('');
    }
  }

  async function generate() {
    setBusy('generate');
    setError(null);
    try {
      const d = data();
      const made = { fields, sample };
      await flush();
      const { blob } = await api.generatePdf(templateId, d);
      const bytes = await new Blob([blob]).arrayBuffer();
      setViewerPage(null);
      setPreview({ url: URL.createObjectURL(new Blob([blob], { type: 'application/pdf' })), bytes, ...made });
    } catch (err) {
      if (!(err instanceof SyntaxError)) setError(err);
    } finally {
      setBusy('');
    }
  }

  const count = findings?.length ?? 0;

  return (
    <section className="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <label htmlFor="sample-data">Sample data (JSON)</label>
      <textarea id="sample-data" className="code" spellCheck={false} rows={10} value={text} onChange={(e) => setText(e.target.value)} />
      <SampleRows fields={fields} sample={parsed} onSample={setText} />
      {parseError && (
        <p className="error" role="alert">
          {parseError}
        </p>
      )}
      <div className="button-row">
        <button type="button" onClick={refill}>
          Fill from fields
        </button>
        <button type="button" onClick={() => void preflight()} disabled={busy !== ''}>
          {busy === 'preflight' ? 'Checking…' : 'Check for problems'}
        </button>
        <button type="button" className="primary" onClick={() => void generate()} disabled={busy !== ''}>
          {busy === 'generate' ? 'Generating…' : 'Generate PDF'}
        </button>
      </div>
      <ErrorMessage error={error} />
      {stale ? (
        <div role="status" className="muted" data-testid="preflight-summary" data-status="stale">
          The fields or the sample data changed since the last check: check again.
        </div>
      ) : (
        findings && (
          <div role="status" className={count ? 'warn' : 'ok'} data-testid="preflight-summary" data-status={count ? 'problems' : 'ok'}>
            {count === 0 ? 'No problems found.' : `${count} problem(s) — marked on the fields.`}
            {count > 0 && (
              <ul className="issues">
                {findings.map((l, i) => (
                  <li key={i}>
                    {l.key && onShowField ? (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => onShowField(l.key!)}
                        aria-label={`Show field ${l.label}`}
                      >
                        {l.label}
                      </button>
                    ) : (
                      <strong>{l.label}</strong>
                    )}
                    : {l.message}
                  </li>
                ))}
              </ul>
            )}
            <PreflightNotes tables={tableNotes} groups={groupNotes} texts={textNotes} pages={pageNote} />
          </div>
        )
      )}
      <PdfaCheck api={api} templateId={templateId} />
      {pdfUrl && preview && (
        <div className="generated">
          {previewStale && (
            <p role="status" className="muted" data-testid="preview-stale">
              This PDF was made from earlier fields or sample data: generate again to see the changes.
            </p>
          )}
          <a href={pdfUrl} download="preview.pdf" className="button">
            Download PDF
          </a>
          <PreviewPages bytes={preview.bytes} basePages={basePages} onShowPage={setViewerPage} />
          <iframe title="Generated PDF" src={viewerPage ? `${pdfUrl}#page=${viewerPage}` : pdfUrl} data-testid="generated-pdf" />
        </div>
      )}
    </section>
  );
}
