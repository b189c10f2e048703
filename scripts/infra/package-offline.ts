/**
 * `osls package` without AWS: copies serverless.yml + infrastructure/ into a temporary service
 * directory, puts the Lambda bundles there (pre-built ones, and placeholders for functions whose
 * src/lambda/*.ts does not exist yet — only in that temporary copy), and packages into `outDir`
 * with no credentials in the environment. Used by scripts/deploy.sh --dry-run and the tests.
 *
 *   tsx scripts/infra/package-offline.ts --stage prod [--region us-west-2] [--param k=v]...
 *        [--out DIR] [--bundles DIR] [--placeholders]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLACEHOLDER } from '../build.js';
import { FUNCTIONS } from './catalog.js';
import { summarizeTemplate, formatSummary, type CfnTemplate } from './template.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OSLS_BIN = path.join(REPO_ROOT, 'node_modules/osls/bin/serverless.js');

export interface PackageOptions {
  stage: string;
  region?: string;
  params?: Record<string, string>;
  /** Where the CloudFormation templates and zips go (osls --package). */
  outDir: string;
  /** Folder of pre-built bundles (<entry>/index.mjs), e.g. dist/lambda. */
  bundlesDir?: string;
  /** Fill functions without a bundle with a placeholder (in the temporary copy only). */
  placeholders?: boolean;
}

export interface PackageResult {
  template: CfnTemplate;
  outDir: string;
  durationMs: number;
  placeholders: string[];
  log: string;
}

/** The environment osls runs in: no AWS credentials or profile, no DB password, no telemetry. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^AWS_/.test(k) && k !== 'DB_PASSWORD') env[k] = v;
  }
  const nowhere = path.join(os.tmpdir(), 'pdf-studio-no-aws-config');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: offlineEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`osls ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

export async function packageOffline(opts: PackageOptions): Promise<PackageResult> {
  const started = Date.now();
  const work = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-sls-'));
  try {
    await cp(path.join(REPO_ROOT, 'serverless.yml'), path.join(work, 'serverless.yml'));
    await cp(path.join(REPO_ROOT, 'infrastructure'), path.join(work, 'infrastructure'), { recursive: true });
    const bundles = path.join(work, 'dist/lambda');
    await mkdir(bundles, { recursive: true });
    if (opts.bundlesDir && existsSync(opts.bundlesDir)) await cp(opts.bundlesDir, bundles, { recursive: true });
    const placeholders: string[] = [];
    for (const f of FUNCTIONS) {
      if (existsSync(path.join(bundles, f.entry, 'index.mjs'))) continue;
      if (!opts.placeholders) throw new Error(`No bundle for ${f.entry}: run npm run build (src/lambda/${f.entry}.ts)`);
      await mkdir(path.join(bundles, f.entry), { recursive: true });
      await writeFile(path.join(bundles, f.entry, 'index.mjs'), PLACEHOLDER);
      placeholders.push(f.entry);
    }
    const outDir = path.resolve(opts.outDir);
    await rm(outDir, { recursive: true, force: true });
    const args = [OSLS_BIN, 'package', '--stage', opts.stage, '--region', opts.region ?? 'us-east-1', '--package', outDir];
    for (const [k, v] of Object.entries(opts.params ?? {})) args.push('--param', `${k}=${v}`);
    const log = await run(process.execPath, args, work);
    const template = JSON.parse(await readFile(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
    return { template, outDir, durationMs: Date.now() - started, placeholders, log };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const stage = value('--stage');
  if (!stage) throw new Error('--stage is required');
  const params: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a === '--param' && args[i + 1]?.includes('=')) {
      const [k, ...rest] = args[i + 1].split('=');
      params[k] = rest.join('=');
    }
  });
  const result = await packageOffline({
    stage,
    region: value('--region'),
    params,
    outDir: value('--out') ?? path.join(REPO_ROOT, 'dist/serverless', stage),
    bundlesDir: value('--bundles'),
    placeholders: args.includes('--placeholders'),
  });
  if (result.placeholders.length) {
    console.log(`note: placeholder bundles (no src/lambda source yet) for: ${result.placeholders.join(', ')}`);
  }
  console.log(
    formatSummary(summarizeTemplate(result.template), { stage, region: value('--region') ?? 'us-east-1', outDir: result.outDir }),
  );
  console.log(`packaged in ${(result.durationMs / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
