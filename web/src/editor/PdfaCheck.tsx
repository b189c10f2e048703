import { useState } from 'react';
import type { Api } from '../api/endpoints.js';
import type { PdfaPreflightResult } from '../api/types.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

type Level = '2b' | '3b';

/**
 * Can this template's base PDF become PDF/A? Asked of the server's PDF/A preflight (the same check
 * generation with PDF/A or Factur-X output applies), so the answer — and each reason, such as a font
 * the base uses without embedding it — is seen before anyone relies on archival output.
 */
export function PdfaCheck({ api, templateId }: { api: Pick<Api, 'pdfaPreflight'>; templateId: string }) {
  const [level, setLevel] = useState<Level>('3b');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<PdfaPreflightResult | null>(null);

  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.pdfaPreflight(templateId, level));
    } catch (e) {
      setResult(null);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pdfa-check" data-testid="pdfa-check">
      <label>
        PDF/A part{' '}
        <select
          value={level}
          onChange={(e) => {
            setLevel(e.target.value as Level);
            setResult(null);
          }}
        >
          <option value="2b">PDF/A-2b</option>
          <option value="3b">PDF/A-3b (Factur-X)</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => void check()} disabled={busy}>
        {busy ? 'Checking…' : 'Check PDF/A'}
      </button>
      <ErrorMessage error={error} />
      {result && (
        <div role="status" className={result.ok ? 'ok' : 'warn'} data-testid="pdfa-result" data-status={result.ok ? 'ok' : 'problems'}>
          {result.ok
            ? `The base PDF can be made PDF/A-${result.level}.`
            : `The base PDF cannot be made PDF/A-${result.level}: ${result.issues.length} problem(s).`}
          {result.issues.length > 0 && (
            <ul className="issues">
              {result.issues.map((issue, i) => (
                <li key={i}>{issue.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
