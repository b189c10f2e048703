import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageText } from '../helpers/pdf-readback.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('CLI: generate --template --base --data --out (files only, no server)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cli-generate-'));
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    await writeFile(path.join(dir, 'base.pdf'), await doc.save());
    const fields = [
      {
        name: 'Customer',
        type: 'text',
        page: 1,
        position: { x: 72, y: 100 },
        size: { width: 300, height: 24 },
        bindingKey: 'customer.name',
      },
      {
        name: 'Total',
        type: 'number',
        page: 1,
        position: { x: 72, y: 140 },
        size: { width: 200, height: 24 },
        bindingKey: 'total',
        advanced: { number: { locale: 'en-US', decimals: 2 } },
      },
    ];
    await writeFile(path.join(dir, 't.json'), JSON.stringify({ fields }));
    const records = [
      { customer: { name: 'Zoë Ñúñez' }, total: 12.5 },
      { 'customer.name': 'Łukasz Øberg', total: 7 },
      { customer: { name: 'Ann' }, total: 'not a number' },
    ];
    await writeFile(path.join(dir, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one PDF per record, reports the bad one, exits 2', async () => {
    const out = path.join(dir, 'out');
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli/index.ts',
        'generate',
        '--template',
        path.join(dir, 't.json'),
        '--base',
        path.join(dir, 'base.pdf'),
        '--data',
        path.join(dir, 'records.jsonl'),
        '--out',
        out,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.stdout).toContain('2 PDF(s) written');
    expect(run.stderr).toMatch(/record 3:/);
    expect(run.status).toBe(2);
    expect((await readdir(out)).sort()).toEqual(['1.pdf', '2.pdf']);
    const first = await pageText(await readFile(path.join(out, '1.pdf')));
    expect(first).toContain('Zoë Ñúñez');
    expect(first).toContain('12.50');
    expect(await pageText(await readFile(path.join(out, '2.pdf')))).toContain('Łukasz Øberg');
  });

  it('refuses a template file that is not fields', async () => {
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ fields: [{ name: 'x' }] }));
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli/index.ts',
        'generate',
        '--template',
        path.join(dir, 'bad.json'),
        '--base',
        path.join(dir, 'base.pdf'),
        '--data',
        path.join(dir, 'records.jsonl'),
        '--out',
        path.join(dir, 'o2'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bad\.json: 0\.type/);
  });
});
