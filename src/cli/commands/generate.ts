import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { getConfig } from '@/shared/config/index.js';

/** `pdf-studio generate <templateId> --user <email> --data <file.json> --out <file.pdf>`: one document, as the API would make it. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate <templateId>')
    .description('generate one PDF from a template with data from a JSON file (stored like an API generation, and written to --out)')
    .requiredOption('--user <email>', 'the template owner')
    .requiredOption('--data <file>', 'JSON object: binding key → value')
    .option('--out <file>', 'where to write the PDF', 'out.pdf')
    .option('--template-version <n>', "published version number or 'draft' (default: latest published)")
    .option('--fillable', 'keep form fields fillable instead of flattening', false)
    .option('--test', 'test mode (watermarked)', false)
    .action(async (templateId: string, opts: { user: string; data: string; out: string; templateVersion?: string; fillable: boolean; test: boolean }) => {
      const { startInfrastructure } = await import('@/runtime/infrastructure.js');
      const { createServices } = await import('@/runtime/services.js');
      const { generateAndStore, PayloadInvalidError } = await import('@/services/generation/generate.js');
      const payload = JSON.parse(await readFile(opts.data, 'utf8')) as Record<string, unknown>;
      const infra = await startInfrastructure(getConfig());
      try {
        const services = createServices(infra);
        const found = await services.repos.users.findForLogin(opts.user);
        if (!found) throw new Error(`no user ${opts.user}`);
        const v = opts.templateVersion;
        const version = v === undefined ? undefined : v === 'draft' ? 'draft' : Number(v);
        const out = await generateAndStore(services, { userId: found.user.id, templateId, payload, version, flatten: !opts.fillable, testMode: opts.test });
        await writeFile(opts.out, out.bytes!);
        console.log(`${opts.out}: ${out.pdf.pageCount} page(s), ${out.bytes!.length} bytes, id ${out.pdf.id}`);
        for (const w of out.warnings) console.log(`warning ${w.code} ${w.bindingKey}: ${w.message}`);
      } catch (err) {
        if (err instanceof PayloadInvalidError) {
          for (const i of err.issues) console.error(`${i.path}: ${i.message} (${i.code})`);
          process.exitCode = 2;
        } else throw err;
      } finally {
        await infra.stop();
      }
    });
}
