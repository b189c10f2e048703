import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getConfig } from '@/shared/config/index.js';

/** `pdf-studio generate <templateId> --user <email> --data <file.json> --out <file.pdf>`: one document, as the API would make it. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate [templateId]')
    .description(
      'from files: generate --template t.json --base base.pdf --data records.jsonl --out dir/ (one PDF per line, all cores, progress bar);\n' +
        'from a stored template: generate <templateId> --user <email> --data data.json --out file.pdf (stored like an API generation)',
    )
    .option('--template <file>', 'fields as JSON ({fields: [...]} or an array): file mode')
    .option('--base <file>', 'the base PDF: file mode')
    .option('--user <email>', 'the template owner: stored-template mode')
    .requiredOption('--data <file>', 'JSONL records (file mode) or one JSON object (stored-template mode)')
    .option('--out <path>', 'output directory (file mode) or file', 'out')
    .option('--template-version <n>', "published version number or 'draft' (default: latest published)")
    .option('--fillable', 'keep form fields fillable instead of flattening', false)
    .option('--test', 'test mode (watermarked)', false)
    .action(
      async (
        templateId: string | undefined,
        opts: {
          template?: string;
          base?: string;
          user?: string;
          data: string;
          out: string;
          templateVersion?: string;
          fillable: boolean;
          test: boolean;
        },
      ) => {
        if (opts.template || opts.base) {
          if (!opts.template || !opts.base) throw new Error('file mode needs both --template and --base');
          const { generateFiles } = await import('./generate-files.js');
          const result = await generateFiles({
            template: opts.template,
            base: opts.base,
            data: opts.data,
            out: opts.out,
            fillable: opts.fillable,
            progress: process.stderr.isTTY,
          });
          console.log(`${result.written} PDF(s) written to ${opts.out}, ${result.failed} failed`);
          for (const e of result.errors) console.error(`record ${e.index + 1}: ${e.error}`);
          if (result.failed) process.exitCode = 2;
          return;
        }
        if (!templateId || !opts.user) throw new Error('give <templateId> and --user, or --template and --base');
        const outFile = opts.out === 'out' ? 'out.pdf' : opts.out;
        const { startInfrastructure } = await import('@/runtime/infrastructure.js');
        const { createServices } = await import('@/runtime/services.js');
        const { generateAndStore, PayloadInvalidError } = await import('@/services/generation/generate.js');
        const payload = JSON.parse(await readFile(opts.data, 'utf8')) as Record<string, unknown>;
        const infra = await startInfrastructure(getConfig());
        try {
          const services = createServices(infra);
          const found = await services.repos.users.findForLogin(opts.user!);
          if (!found) throw new Error(`no user ${opts.user}`);
          const v = opts.templateVersion;
          const version = v === undefined ? undefined : v === 'draft' ? 'draft' : Number(v);
          const out = await generateAndStore(services, {
            userId: found.user.id,
            templateId,
            payload,
            version,
            flatten: !opts.fillable,
            testMode: opts.test,
          });
          await writeFile(outFile, out.bytes!);
          console.log(`${outFile}: ${out.pdf.pageCount} page(s), ${out.bytes!.length} bytes, id ${out.pdf.id}`);
          for (const w of out.warnings) console.log(`warning ${w.code} ${w.bindingKey}: ${w.message}`);
        } catch (err) {
          if (err instanceof PayloadInvalidError) {
            for (const i of err.issues) console.error(`${i.path}: ${i.message} (${i.code})`);
            process.exitCode = 2;
          } else throw err;
        } finally {
          await infra.stop();
        }
      },
    );
}
