import { readFileSync } from 'node:fs';

/** The package version, read once (also inside esbuild bundles, where package.json may be absent). */
function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return process.env.SERVICE_VERSION ?? '0.0.0';
  }
}

export const SERVICE_VERSION = readVersion();
