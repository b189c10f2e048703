import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/generate-infra.js';

/**
 * `scripts/deploy.sh --stage prod --region us-west-2 --dry-run` as an operator runs it, with no
 * AWS credentials or configuration in the environment: it must build, package offline and list
 * what a deployment would create.
 */
let dist: string;
let out: ReturnType<typeof spawnSync>;
const text = () => `${out.stdout}${out.stderr}`;
beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-deploy-test-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  out = spawnSync('bash', ['scripts/deploy.sh', '--stage', 'prod', '--region', 'us-west-2', '--dry-run'], {
    cwd: REPO_ROOT,
    env: { ...env, PDF_STUDIO_DIST: dist, AWS_CONFIG_FILE: path.join(dist, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dist, 'none') },
    encoding: 'utf8',
    timeout: 240_000,
  });
}, 300_000);
afterAll(async () => rm(dist, { recursive: true, force: true }));

describe('scripts/deploy.sh --dry-run', () => {
  it('works offline and lists the resources by type and logical id', () => {
    expect(out.status, text()).toBe(0);
    const t = text();
    expect(t).toMatch(/Dry run: stage prod, region us-west-2 — \d+ resources would be created/);
    expect(t).toMatch(/AWS::RDS::DBInstance \(2\)\n\s+Database\n\s+DatabaseReadReplica/);
    expect(t).toMatch(/AWS::Lambda::Function \(7\)/);
    expect(t).toMatch(/AWS::SQS::Queue \(8\)/);
    expect(t).toMatch(/AWS::CloudWatch::Dashboard \(1\)\n\s+Dashboard/);
    expect(t).toContain('https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards:name=pdf-studio-api-prod');
    expect(t).toContain('aws lambda invoke --function-name pdf-studio-api-migrate-prod');
    expect(existsSync(path.join(dist, 'serverless/prod/cloudformation-template-update-stack.json'))).toBe(true);
  });

  it('rejects a bad stage and a missing one', () => {
    const bad = spawnSync('bash', ['scripts/deploy.sh', '--stage', 'Prod_1', '--dry-run'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('stage must be lowercase');
    const none = spawnSync('bash', ['scripts/deploy.sh', '--dry-run'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain('--stage is required');
  });
});
