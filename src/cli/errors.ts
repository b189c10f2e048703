import { ConfigError } from '@/shared/config/index.js';
import { PdfStudioError } from '../../packages/client/src/index.js';
import { readServerAddress } from './server-address.js';

/** A failure the user can act on: printed as its message alone, with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * What a failed command prints: one line, never a stack trace, unless PDF_STUDIO_DEBUG is set.
 * The embedded database's lock is recognised by its message (src/shared/database/prisma/embedded-postgres.ts
 * throws a plain Error) because the way out — the remote mode — is the CLI's to tell.
 */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof ConfigError) return { message: err.message, exitCode: 1 };
  if (err instanceof PdfStudioError) return { message: `the server answered ${err.message}`, exitCode: 1 };
  const e = err as NodeJS.ErrnoException | undefined;
  const message = e instanceof Error ? e.message : String(err);
  const locked = /^The embedded database at (.+) is in use by process (\d+)/.exec(message);
  if (locked) {
    // The address that server wrote when it started (its real port, also with PORT=0).
    const url = readServerAddress(locked[1], Number(locked[2])) ?? 'http://<host>:<port>';
    return {
      message:
        `The embedded database at ${locked[1]} is in use by process ${locked[2]} (a running \`npm start\`?): ` +
        `stop it, or talk to it with --url ${url} and PDF_STUDIO_API_KEY (an API key from POST /api/api-keys)`,
      exitCode: 1,
    };
  }
  if (e?.code === 'ENOENT' && e.path) return { message: `${e.path}: no such file or directory`, exitCode: 1 };
  if (e?.code === 'ECONNREFUSED' || (e instanceof TypeError && message === 'fetch failed')) {
    return { message: `cannot reach the server (${(e.cause as Error | undefined)?.message ?? message})`, exitCode: 1 };
  }
  return { message: `${message} (set PDF_STUDIO_DEBUG=1 for the stack trace)`, exitCode: 1 };
}

export function reportFailure(err: unknown): void {
  if (process.env.PDF_STUDIO_DEBUG) console.error(err);
  const { message, exitCode } = describeFailure(err);
  console.error(`pdf-studio: ${message}`);
  process.exitCode = exitCode;
}
