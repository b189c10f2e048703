import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import type { PreflightResult } from '../api/types.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { buildSampleData } from '../state/sample.js';
import type { EditorField } from '../state/fields.js';

interface Props {
  api: Api;
  templateId: string;
  fields: EditorField[];
  /** Saves pending edits first: preview and generate read the template from the server. */
  flush: () => Promise<void>;
  onPreflight: (r: PreflightResult | null) => void;
}

/** Sample JSON (from the binding keys), preflight warnings, and the generated PDF. */
export function PreviewPanel({ api, templateId, fields, flush, onPreflight }: Props) {
  const [text, setText] = useState(() => JSON.stringify(buildSampleData(fields), null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'' | 'preflight' | 'generate'>('');
  const [result, setResult] = useState<PreflightResult | null>(null);
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);

  useEffect(() => () => {
    if (pdfUrl) URL.revokeObjectURL(pdfUrl);
  }, [pdfUrl]);

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
      await flush();
      const r = await api.preflight(templateId, d);
      setResult(r);
      onPreflight(r);
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
      await flush();
      const { blob } = await api.generatePdf(templateId, d);
      setPdfUrl(URL.createObjectURL(new Blob([blob], { type: 'application/pdf' })));
    } catch (err) {
      if (!(err instanceof SyntaxError)) setError(err);
    } finally {
      setBusy('');
    }
  }

  const count = result ? result.errors.length + result.missingGlyphs.length + result.overflows.length : 0;

  return (
    <section className="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <label htmlFor="sample-data">Sample data (JSON)</label>
      <textarea id="sample-data" className="code" spellCheck={false} rows={10} value={text} onChange={(e) => setText(e.target.value)} />
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
          {busy === 'preflight' ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="primary" onClick={() => void generate()} disabled={busy !== ''}>
          {busy === 'generate' ? 'Generating…' : 'Generate PDF'}
        </button>
      </div>
      <ErrorMessage error={error} />
      {result && (
        <div role="status" className={count ? 'warn' : 'ok'}>
          {count === 0 ? 'No problems found.' : `${count} problem(s) — marked on the fields.`}
          {count > 0 && (
            <ul className="issues">
              {result.errors.map((e, i) => (
                <li key={`e${i}`}>
                  <strong>{e.bindingKey}</strong>: {e.message}
                </li>
              ))}
              {result.overflows.map((o, i) => (
                <li key={`o${i}`}>{o.message}</li>
              ))}
              {result.missingGlyphs.map((g, i) => (
                <li key={`g${i}`}>
                  Missing glyph “{g.char}” (U+{g.codePoint.toString(16).toUpperCase().padStart(4, '0')})
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {pdfUrl && (
        <div className="generated">
          <a href={pdfUrl} download="preview.pdf" className="button">
            Download PDF
          </a>
          <iframe title="Generated PDF" src={pdfUrl} data-testid="generated-pdf" />
        </div>
      )}
    </section>
  );
}
