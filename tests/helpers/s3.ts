import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * Starts s3rver (a real S3-compatible HTTP server) in a child process. A child rather than
 * in-process because s3rver's ListObjectsV2 continuation tokens use a cipher that Node 20's
 * OpenSSL 3 only offers with --openssl-legacy-provider (shared/notes/aws-local.md); that flag must
 * not leak into the test process itself.
 */
export interface S3rverHandle {
  endpoint: string;
  directory: string;
  stop(): Promise<void>;
}

const CHILD_SCRIPT = `
const S3rver = require(process.env.S3RVER_PATH);
const buckets = JSON.parse(process.env.S3RVER_BUCKETS);
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.env.S3RVER_DIR,
  configureBuckets: buckets.map((name) => ({ name })) });
server.run().then((addr) => { process.stdout.write('LISTENING ' + addr.port + '\\n'); },
  (err) => { console.error(err); process.exit(1); });
process.on('SIGTERM', () => { server.close().finally(() => process.exit(0)); });
`;

export async function startS3rver(buckets: string[]): Promise<S3rverHandle> {
  const require = createRequire(import.meta.url);
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SCRIPT], {
    env: { ...process.env, S3RVER_PATH: require.resolve('s3rver'), S3RVER_BUCKETS: JSON.stringify(buckets), S3RVER_DIR: directory },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${stderr}`)), 20_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${stderr}`));
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
