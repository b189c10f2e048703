import { PDFDocument } from 'pdf-lib';
import { expect } from 'vitest';
import { quickstart } from '../../packages/client/examples/quickstart.js';
import { basePdf } from '../api/generate-fixtures.js';
import { pageText } from './pdf-readback.js';

/**
 * The SDK's README example (packages/client/examples/quickstart.ts) run against the server at
 * `url`, and what it must have made: the published version, the single document's text, the
 * merged job's pages in record order, and a progress line on every read ending with the counts.
 */
export async function runQuickstartAndCheck(url: string, apiKey: string): Promise<void> {
  const progress: string[] = [];
  const result = await quickstart(url, apiKey, await basePdf(), (line) => progress.push(line));

  expect(result.version).toBe(1);
  expect(await pageText(result.single)).toContain('Zoë Ñúñez');

  expect(result.job).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0, output: 'merged' });
  const merged = await PDFDocument.load(result.merged);
  expect(merged.getPageCount()).toBe(3);
  expect(await pageText(result.merged, 1)).toContain('Ann');
  expect(await pageText(result.merged, 3)).toContain('Chloé');

  expect(progress.length).toBeGreaterThan(0);
  expect(progress.at(-1)).toBe(`job ${result.job.id}: completed 3/3 (0 failed)`);
  for (const line of progress) expect(line).toMatch(/^job \S+: (queued|running|completed) \d+\/3 \(\d+ failed\)$/);
}
