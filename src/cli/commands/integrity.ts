import type { Command } from 'commander';
import { getConfig } from '@/shared/config/index.js';

/** `pdf-studio integrity [--repair] [--json]`: the integrity check on this configuration's data. */
export function registerIntegrityCommand(program: Command): void {
  program
    .command('integrity')
    .description(
      'report rows, items and blobs that no longer match (file rows without blobs, stray blobs, templates without file or owner, generated PDFs without blob); --repair removes the dangling side',
    )
    .option('--repair', 'remove what is dangling', false)
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { repair: boolean; json: boolean }) => {
      const { startInfrastructure } = await import('@/runtime/infrastructure.js');
      const { createServices } = await import('@/runtime/services.js');
      const { runIntegrityCheck } = await import('@/services/maintenance/integrity.js');
      const infra = await startInfrastructure(getConfig());
      try {
        const report = await runIntegrityCheck(createServices(infra), { repair: opts.repair });
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(
            `checked: ${Object.entries(report.checked)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`,
          );
          for (const i of report.issues)
            console.log(`${i.repaired ? 'repaired' : 'found   '}  ${i.kind.padEnd(28)} ${i.id}  (${i.detail})`);
          console.log(report.issues.length ? `${report.issues.length} issue(s), ${report.repaired} repaired` : 'no issues');
        }
        process.exitCode = report.issues.length > report.repaired ? 2 : 0;
      } finally {
        await infra.stop();
      }
    });
}
