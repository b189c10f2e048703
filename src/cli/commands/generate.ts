import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { GenerateSummary } from '../remote-generate.js';

interface GenerateOptions {
  template?: string;
  base?: string;
  user?: string;
  url?: string;
  data: string;
  out: string;
  templateVersion?: string;
  fillable: boolean;
  test: boolean;
  stopOnError: boolean;
  jobSize: string;
}

function parseVersion(v: string | undefined): number | 'draft' | undefined {
  if (v === undefined || v === 'draft') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--template-version ${v}: a version number (1, 2, …) or 'draft'`, 2);
  return n;
}

function report(summary: GenerateSummary, out: string): void {
  for (const e of summary.errors) console.error(`record ${e.position}: ${e.message}`);
  const skipped = summary.skipped ? `, ${summary.skipped} malformed line(s) skipped` : '';
  console.log(`${summary.written} PDF(s) written to ${out}, ${summary.failed} failed${skipped}`);
  if (summary.failed || summary.skipped) process.exitCode = 2;
}

/** `pdf-studio generate`: JSON Lines in, one PDF per record out — from files, a stored template, or a running server. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate [templateId]')
    .description(
      'one PDF per record of --data (JSON Lines; a *.json file: one object or an array) into the --out directory, with progress:\n' +
        '  files only:       generate --template t.json --base base.pdf --data records.jsonl --out dir/\n' +
        '  a running server: generate <templateId> --url http://127.0.0.1:3000 --data records.jsonl --out dir/  (PDF_STUDIO_API_KEY)\n' +
        '  the database:     generate <templateId> --user owner@example.com --data records.jsonl --out dir/  (server stopped)',
    )
    .option('--template <file>', 'fields as JSON ({fields: [...]} or an array): files mode')
    .option('--base <file>', 'the base PDF: files mode')
    .option('--url <url>', 'a running server (also PDF_STUDIO_URL); the API key is read from PDF_STUDIO_API_KEY')
    .option('--user <email>', "the template owner's email: database mode")
    .requiredOption('--data <file>', 'the records: JSON Lines, or a *.json file with one object or an array of objects')
    .option('--out <path>', 'output directory (database mode: or a .pdf file for a single record)', 'out')
    .option('--template-version <n>', "published version number or 'draft' (default: latest published)")
    .option('--fillable', 'keep form fields fillable instead of flattening (not in remote mode: jobs flatten)', false)
    .option('--test', 'test mode: "TEST MODE" stamped across every page', false)
    .option('--stop-on-error', 'stop at the first malformed input line (default: report it with its line number and skip it)', false)
    .option('--job-size <n>', 'remote mode: records per job', '1000')
    .action(async (templateId: string | undefined, opts: GenerateOptions) => {
      const onSkip = (_: number, message: string) => console.error(message);
      const url = opts.url ?? process.env.PDF_STUDIO_URL;
      if (opts.template || opts.base) {
        if (!opts.template || !opts.base) throw new CliError('files mode needs both --template and --base', 2);
        const { generateFiles } = await import('./generate-files.js');
        const result = await generateFiles({
          template: opts.template,
          base: opts.base,
          data: opts.data,
          out: opts.out,
          fillable: opts.fillable,
          stopOnError: opts.stopOnError,
          onSkip,
        });
        return report(result, opts.out);
      }
      if (!templateId) throw new CliError('give <templateId> (with --url or --user), or --template and --base', 2);
      const version = parseVersion(opts.templateVersion);
      if (url) {
        const apiKey = process.env.PDF_STUDIO_API_KEY;
        if (!apiKey)
          throw new CliError('remote mode needs an API key in PDF_STUDIO_API_KEY (create one: POST /api/api-keys, or in the studio)', 2);
        if (opts.fillable) throw new CliError('--fillable is not available in remote mode: jobs always flatten', 2);
        const jobSize = Number(opts.jobSize);
        if (!Number.isInteger(jobSize) || jobSize < 1 || jobSize > 10_000)
          throw new CliError('--job-size: a whole number from 1 to 10000', 2);
        const { remoteGenerate } = await import('../remote-generate.js');
        const summary = await remoteGenerate({
          url,
          apiKey,
          templateId,
          data: opts.data,
          out: opts.out,
          version,
          testMode: opts.test,
          stopOnError: opts.stopOnError,
          onSkip,
          jobSize,
        });
        return report(summary, opts.out);
      }
      if (!opts.user) throw new CliError('give --url (a running server) or --user <email> (the database) with <templateId>', 2);
      const { storedGenerate } = await import('../stored-generate.js');
      const summary = await storedGenerate({
        templateId,
        user: opts.user,
        data: opts.data,
        out: opts.out,
        version,
        fillable: opts.fillable,
        testMode: opts.test,
        stopOnError: opts.stopOnError,
        onSkip,
        onWarning: (m) => console.error(m),
      });
      report(summary, opts.out);
    });
}
