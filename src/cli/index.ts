import { Command } from 'commander';
import { registerServeCommand } from './commands/serve.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerIntegrityCommand } from './commands/integrity.js';
import { registerAdminCommand } from './commands/admin.js';
import { reportFailure } from './errors.js';
import { SERVICE_VERSION } from '@/runtime/version.js';

/** `pdf-studio <command>`: serve, inspect, generate, integrity, admin. */
const program = new Command('pdf-studio').version(SERVICE_VERSION).description('PDF Studio: template-based PDF generation');
registerServeCommand(program);
registerInspectCommand(program);
registerGenerateCommand(program);
registerIntegrityCommand(program);
registerAdminCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportFailure(err);
}
