import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packageOffline } from '../../scripts/infra/package-offline.js';
import { createdResources, resolveConditionals, type CfnResource, type CfnTemplate } from '../../scripts/infra/template.js';

/**
 * One packaged stage, seen as CloudFormation would deploy it: only resources whose Condition
 * holds, with Fn::If resolved and AWS::NoValue dropped.
 */
export class Stack {
  readonly resources: Record<string, CfnResource>;
  constructor(readonly stage: string, readonly template: CfnTemplate) {
    this.resources = Object.fromEntries(
      Object.entries(createdResources(template)).map(([id, r]) => [id, { ...r, Properties: resolveConditionals(template, r.Properties ?? {}) as Record<string, unknown> }]),
    );
  }
  get(id: string): CfnResource {
    const r = this.resources[id];
    if (!r) throw new Error(`${this.stage}: no resource ${id} would be created`);
    return r;
  }
  props(id: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.get(id).Properties ?? {};
  }
  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }
  has(id: string): boolean {
    return id in this.resources;
  }
}

export interface PackagedStacks {
  dev: Stack;
  prod: Stack;
  /** staging with `--param dynamoBillingMode=PROVISIONED` (the selectable provisioned mode). */
  staging: Stack;
  seconds: Record<string, number>;
  cleanup(): Promise<void>;
}

/**
 * `osls package` for dev, prod and staging, concurrently, into a fresh temporary directory
 * (parallel test runs never share output). Placeholder bundles stand in for the handlers: these
 * tests are about the template; tests/infrastructure/bundles.test.ts covers real bundles.
 */
export async function packageStacks(): Promise<PackagedStacks> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-infra-test-'));
  const run = (stage: string, params?: Record<string, string>) =>
    packageOffline({ stage, region: 'us-east-1', params, outDir: path.join(dir, stage), placeholders: true });
  const [dev, prod, staging] = await Promise.all([run('dev'), run('prod'), run('staging', { dynamoBillingMode: 'PROVISIONED' })]);
  return {
    dev: new Stack('dev', dev.template),
    prod: new Stack('prod', prod.template),
    staging: new Stack('staging', staging.template),
    seconds: { dev: dev.durationMs / 1000, prod: prod.durationMs / 1000, staging: staging.durationMs / 1000 },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** IAM policy statements of every role and policy in the stack. */
export function iamStatements(s: Stack): { owner: string; Effect: string; Action: string | string[]; Resource: unknown }[] {
  const out: { owner: string; Effect: string; Action: string | string[]; Resource: unknown }[] = [];
  for (const [id, r] of Object.entries(s.resources)) {
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) docs.push(p.PolicyDocument);
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    for (const d of docs) {
      for (const st of (d as { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] }).Statement) out.push({ owner: id, ...st });
    }
  }
  return out;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
