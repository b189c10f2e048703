import { useId, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { Api } from '../api/endpoints.js';
import { ApiError, errorMessage } from '../api/problem.js';
import type { CreateJobInput, JobOutput } from '../api/types.js';
import { navigate } from '../components/hooks.js';
import type { EditorField } from '../state/fields.js';
import { recordProblems } from '../state/record-check.js';
import { parseRecords, type ParsedRecords, type RecordFormat } from '../state/records.js';
import { routeHref } from '../state/route.js';

interface Props {
  api: Pick<Api, 'createJob'>;
  templateId: string;
  fields: EditorField[];
  /** Saves pending edits first: the job renders the template as the server has it. */
  flush: () => Promise<void>;
}

const OUTPUTS: { value: JobOutput; label: string }[] = [
  { value: 'individual', label: 'One PDF per record' },
  { value: 'merged', label: 'One merged PDF' },
  { value: 'zip', label: 'A ZIP of the PDFs' },
];

const FIELD_NAMES: Record<string, string> = { webhookUrl: 'Webhook URL', notifyEmail: 'Email', records: 'Records', output: 'Output' };

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The API's validation issues say `records.2.name`; people count records from 1. */
export function describeJobError(err: unknown): string {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const p = err.problem;
  const issues = p.errors?.map((e) => {
    // Fastify names the part of the request first: `body.records.1`.
    const path = e.path.replace(/^body\.?/, '');
    const m = /^records\.(\d+)(?:\.(.+))?$/.exec(path);
    const where = m ? `Record ${Number(m[1]) + 1}${m[2] ? ` (${m[2]})` : ''}` : (FIELD_NAMES[path] ?? path);
    return `${where ? `${where}: ` : ''}${e.message}`;
  });
  if (!issues?.length) return err.message;
  return `${(p.detail ?? p.title ?? 'The job was refused').replace(/\.?$/, '.')} ${issues.join('; ')}`;
}

/**
 * Starts an async batch job from records pasted or uploaded as JSON, JSON Lines or CSV. The
 * Idempotency-Key is kept while the form is unchanged, so submitting again after a network failure
 * returns the job the first attempt may have created instead of starting a second one.
 */
export function BatchPanel({ api, templateId, fields, flush }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | undefined>();
  const [format, setFormat] = useState<RecordFormat | 'auto'>('auto');
  const [output, setOutput] = useState<JobOutput>('individual');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [notifyEmail, setNotifyEmail] = useState('');
  const [testMode, setTestMode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const key = useRef(newKey());

  const parsed = useMemo(() => parseRecords(text, format, fileName), [text, format, fileName]);
  // The records' values checked against the fields (on Start job), for exactly these parsed records.
  const [valueCheck, setValueCheck] = useState<{ of: ParsedRecords; problems: string[] } | null>(null);
  const problems = parsed.errors.length ? parsed.errors : valueCheck?.of === parsed ? valueCheck.problems : [];
  const keys = [...new Set(fields.map((f) => f.bindingKey))];

  function changed<T>(set: (v: T) => void) {
    return (v: T) => {
      key.current = newKey();
      setError(null);
      set(v);
    };
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    const content = await file.text();
    changed(setText)(content);
    setFileName(file.name);
    setTouched(true);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (parsed.errors.length) return;
    setBusy(true);
    setError(null);
    const found = await recordProblems(parsed, fields).catch(() => []);
    setValueCheck({ of: parsed, problems: found });
    if (found.length) {
      setBusy(false);
      return;
    }
    const body: CreateJobInput = { records: parsed.records, output, testMode };
    if (webhookUrl.trim()) body.webhookUrl = webhookUrl.trim();
    if (notifyEmail.trim()) body.notifyEmail = notifyEmail.trim();
    try {
      await flush();
      const { job } = await api.createJob(templateId, body, key.current);
      navigate(routeHref({ name: 'jobs', jobId: job.id }));
    } catch (err) {
      setError(describeJobError(err));
    } finally {
      setBusy(false);
    }
  }

  const showErrors = touched && problems.length > 0;

  return (
    <form className="batch" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={`${id}-title`}>Batch job</h2>
      <p className="hint">
        Generate many PDFs at once: one record per document, keys as the binding keys
        {keys.length ? ` (${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''})` : ''}.
      </p>
      <label htmlFor={`${id}-records`}>Records (JSON array, JSON Lines or CSV with a header row)</label>
      <textarea
        id={`${id}-records`}
        className="code"
        spellCheck={false}
        rows={8}
        value={text}
        aria-invalid={showErrors || undefined}
        aria-describedby={`${id}-summary`}
        onChange={(e) => {
          changed(setText)(e.target.value);
          setFileName(undefined);
        }}
        onBlur={() => setTouched(true)}
      />
      <div className="button-row">
        <label className="file-button">
          Upload a file
          <input type="file" accept=".csv,.tsv,.json,.jsonl,.ndjson,.txt,text/csv,application/json" onChange={(e) => void onFile(e)} />
        </label>
        <button type="button" disabled={keys.length === 0} onClick={() => changed(setText)(`${keys.join(',')}\n`)}>
          Start a CSV from the fields
        </button>
      </div>
      <label className="prop">
        Format
        <select value={format} onChange={(e) => changed(setFormat)(e.target.value as RecordFormat | 'auto')}>
          <option value="auto">Detect</option>
          <option value="json">JSON array</option>
          <option value="jsonl">JSON Lines</option>
          <option value="csv">CSV</option>
        </select>
      </label>
      <div id={`${id}-summary`} role="status" className={showErrors ? 'warn' : 'muted'}>
        {text.trim() &&
          problems.length === 0 &&
          `${parsed.records.length} record(s) read as ${parsed.format.toUpperCase()}${fileName ? ` from ${fileName}` : ''}.`}
        {showErrors && (
          <ul className="issues" aria-label="Problems in the records">
            {problems.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        )}
      </div>
      <label className="prop">
        Output
        <select value={output} onChange={(e) => changed(setOutput)(e.target.value as JobOutput)}>
          {OUTPUTS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="prop">
        Webhook URL (optional)
        <input
          type="url"
          value={webhookUrl}
          placeholder="https://example.com/hooks/pdf"
          onChange={(e) => changed(setWebhookUrl)(e.target.value)}
        />
      </label>
      <label className="prop">
        Email me when done (optional)
        <input type="email" value={notifyEmail} placeholder="you@example.com" onChange={(e) => changed(setNotifyEmail)(e.target.value)} />
      </label>
      <label className="prop check">
        <input type="checkbox" checked={testMode} onChange={(e) => changed(setTestMode)(e.target.checked)} /> Test mode (watermarked)
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          {busy
            ? 'Starting…'
            : parsed.records.length && !parsed.errors.length
              ? `Start job (${parsed.records.length} record${parsed.records.length === 1 ? '' : 's'})`
              : 'Start job'}
        </button>
      </div>
    </form>
  );
}
