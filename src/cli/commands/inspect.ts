import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { PdfError } from '@/pdf/errors.js';
import { inspect, type InspectResult, type InspectedField } from '@/pdf/inspect/index.js';

/**
 * `pdf-studio inspect <file.pdf> [--json] [--max-fields n]`: what inspect() sees in a PDF, as a
 * table for people or JSON for scripts. Exit codes: 0 ok, 2 bad input (unreadable file or a typed
 * PdfError: empty, not a PDF, corrupt, encrypted with a password, too large, too many pages),
 * 1 anything unexpected.
 */

export interface InspectCliOptions {
  json?: boolean;
  maxFields?: number;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export function registerInspectCommand(program: Command, io: CliIo = processIo): void {
  program
    .command('inspect')
    .description('show pages, metadata and form fields of a PDF (and the template fields we would suggest)')
    .argument('<file.pdf>', 'the PDF to inspect')
    .option('--json', 'print the full inspection result as JSON')
    .option('--max-fields <n>', 'read at most n form fields', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error('--max-fields must be a positive integer');
      return n;
    })
    .action(async (file: string, opts: InspectCliOptions) => {
      process.exitCode = await runInspect(file, opts, io);
    });
}

export async function runInspect(file: string, opts: InspectCliOptions, io: CliIo = processIo): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (err) {
    io.err(`error (file_unreadable): cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  let result: InspectResult;
  try {
    result = await inspect(bytes, opts.maxFields ? { maxFields: opts.maxFields } : {});
  } catch (err) {
    if (err instanceof PdfError) {
      if (opts.json)
        io.out(`${JSON.stringify({ error: { code: err.code, message: err.message, details: err.details ?? null } }, null, 2)}\n`);
      io.err(`error (${err.code}): ${err.message}\n`);
      return 2;
    }
    io.err(`unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  io.out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatInspection(file, bytes.byteLength, result));
  return 0;
}

/** The human view: summary, pages table, fields table, skipped and notes. */
export function formatInspection(file: string, size: number, r: InspectResult): string {
  const lines: string[] = [];
  lines.push(`${file}: PDF ${r.pdfVersion ?? '?'}, ${size.toLocaleString('en-US')} bytes, ${r.pageCount} page(s)`);
  lines.push(
    `encrypted: ${r.encrypted ? `yes, owner password only (V${r.encryption?.version} R${r.encryption?.revision}); decrypted` : 'no'}   XFA: ${r.xfaOnly ? 'yes (XFA only)' : r.xfa ? 'yes (with AcroForm)' : 'no'}`,
  );
  const meta = Object.entries(r.metadata);
  if (meta.length > 0) lines.push(...meta.map(([k, v]) => `  ${k}: ${v}`));
  lines.push(
    '',
    table(
      ['page', 'width', 'height', 'rotation'],
      r.pages.map((p) => [String(p.page), num(p.width), num(p.height), String(p.rotation)]),
    ),
  );
  lines.push('', `form fields: ${r.fields.length}${r.truncated ? ' (cut at the limit)' : ''}`);
  if (r.fields.length > 0) {
    lines.push(table(['name', 'type', 'page', 'x', 'y', 'width', 'height', 'value', 'flags'], r.fields.map(fieldRow)));
  }
  lines.push('', `suggested template fields: ${r.suggestedFields.length} (use --json to see them)`);
  if (r.skipped.length > 0)
    lines.push(
      `skipped: ${r.skipped.length}`,
      ...r.skipped.slice(0, 20).map((s) => `  ${s.name}: ${s.reason}`),
      ...(r.skipped.length > 20 ? [`  … ${r.skipped.length - 20} more`] : []),
    );
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return `${lines.join('\n')}\n`;
}

function fieldRow(f: InspectedField): string[] {
  const flags = [
    f.required && 'required',
    f.readOnly && 'read-only',
    f.multiline && 'multiline',
    f.comb && 'comb',
    f.maxLength !== undefined && `max ${f.maxLength}`,
    f.widgets.length > 1 && `${f.widgets.length} widgets`,
  ]
    .filter(Boolean)
    .join(', ');
  const value = f.value === null ? '' : Array.isArray(f.value) ? f.value.join('|') : String(f.value);
  const r = f.rect;
  return [
    clip(f.name, 48),
    f.type,
    f.page === null ? '-' : String(f.page),
    r ? num(r.x) : '-',
    r ? num(r.y) : '-',
    r ? num(r.width) : '-',
    r ? num(r.height) : '-',
    clip(value, 24),
    flags,
  ];
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function clip(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, ' ')];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

function table(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(width[i] - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
