import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { QUEUE_NAMES } from '@/shared/queue/messages.js';
import { DEFAULT_QUEUE_POLICIES } from '@/shared/queue/pgboss.js';
import { RETRY_BUDGET } from '@/shared/queue/retry-budget.js';
import { REPO_ROOT, staleGeneratedInfra, withRetryBudget } from '../../scripts/generate-infra.js';

const consumerKey = (queue: string) => queue.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

describe('retry budget: one setting for both queue drivers', () => {
  it('pg-boss policies and the committed serverless.yml maxReceiveCount both equal RETRY_BUDGET', async () => {
    const consumers = consumersOf(await readFile(path.join(REPO_ROOT, 'serverless.yml'), 'utf8'));
    expect(Object.keys(consumers).sort()).toEqual(QUEUE_NAMES.map(consumerKey).sort());
    for (const queue of QUEUE_NAMES) {
      expect(DEFAULT_QUEUE_POLICIES[queue].maxAttempts, queue).toBe(RETRY_BUDGET[queue]);
      expect(consumers[consumerKey(queue)].maxReceiveCount, queue).toBe(RETRY_BUDGET[queue]);
    }
    expect(await staleGeneratedInfra()).toEqual([]);
  });

  it('the generator rewrites a drifted maxReceiveCount (so the drift check can fail)', async () => {
    const yml = await readFile(path.join(REPO_ROOT, 'serverless.yml'), 'utf8');
    const drifted = withRetryBudget(yml, { ...RETRY_BUDGET, 'pdf-generation': 9 });
    expect(drifted).not.toBe(yml);
    expect(drifted).toMatch(/pdfGeneration: \{[^}]*maxReceiveCount: 9/);
    expect(withRetryBudget(drifted)).toBe(yml);
  });
});

/**
 * custom.consumers of serverless.yml, one flow map per line. Read line by line because the whole
 * file uses CloudFormation tags (!Join, !Ref …) that a plain YAML parser refuses.
 */
function consumersOf(text: string): Record<string, { maxReceiveCount: number }> {
  const block = text.slice(text.indexOf('\n  consumers:\n'));
  const out: Record<string, { maxReceiveCount: number }> = {};
  for (const m of block.matchAll(/^ {4}(\w+): (\{.*\})$/gm)) out[m[1]] = parse(m[2]) as { maxReceiveCount: number };
  return out;
}
