import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInspectCommand, type CliIo } from '@/cli/commands/inspect.js';
import { inspectResultSchema } from '@/pdf/inspect/index.js';
import { REPO_ROOT } from '../../helpers/corpus.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let dir: string;
let formPdf: string;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
  const program = new Command('pdf-studio').exitOverride();
  registerInspectCommand(program, io);
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'pdf-studio', 'inspect', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    process.exitCode = previous;
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-cli-'));
  const doc = await PDFDocument.create();
  const page = doc.addPage([400, 300]);
  const tf = doc.getForm().createTextField('customer.name');
  tf.setText('Ada');
  tf.enableRequired();
  tf.addToPage(page, { x: 20, y: 200, width: 150, height: 20, borderWidth: 0 });
  formPdf = path.join(dir, 'form.pdf');
  fs.writeFileSync(formPdf, await doc.save());
  fs.writeFileSync(path.join(dir, 'page.pdf'), '<!doctype html><html><body>not a pdf</body></html>');
  fs.writeFileSync(path.join(dir, 'empty.pdf'), '');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('pdf-studio inspect', () => {
  it('prints a human table of pages and fields', async () => {
    const { code, out, err } = await run([formPdf]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/1 page\(s\)/);
    expect(out).toMatch(/^page\s+width\s+height\s+rotation$/m);
    expect(out).toMatch(/^1\s+400\s+300\s+0$/m);
    expect(out).toMatch(/^customer\.name\s+text\s+1\s+20\s+80\s+150\s+20\s+Ada\s+required$/m);
    expect(out).toMatch(/suggested template fields: 1/);
  });

  it('--json prints the full result, valid against the schema', async () => {
    const { code, out } = await run([formPdf, '--json']);
    expect(code).toBe(0);
    const parsed = inspectResultSchema.parse(JSON.parse(out));
    expect(parsed.suggestedFields[0]).toMatchObject({ bindingKey: 'customer.name', position: { x: 20, y: 80 } });
  });

  it('bad input exits 2 with the typed error', async () => {
    const html = await run([path.join(dir, 'page.pdf')]);
    expect(html.code).toBe(2);
    expect(html.err).toMatch(/^error \(pdf_not_pdf\): .*HTML/);
    const empty = await run([path.join(dir, 'empty.pdf')]);
    expect(empty).toMatchObject({ code: 2, err: expect.stringMatching(/pdf_empty/) });
    const missing = await run([path.join(dir, 'nope.pdf')]);
    expect(missing).toMatchObject({ code: 2, err: expect.stringMatching(/file_unreadable.*ENOENT/) });
    const locked = await run([path.join(FIXTURES, 'user-password-rc4-128.pdf'), '--json']);
    expect(locked.code).toBe(2);
    expect(JSON.parse(locked.out)).toMatchObject({ error: { code: 'pdf_encrypted' } });
  });

  it('as a real process: exit status 2 and the message on stderr', async () => {
    // A throw-away entry point (the product CLI's index registers the command elsewhere).
    const entryDir = path.join(REPO_ROOT, '.test-data');
    fs.mkdirSync(entryDir, { recursive: true });
    const entry = path.join(entryDir, `inspect-cli-entry-${process.pid}.ts`);
    fs.writeFileSync(
      entry,
      "import { Command } from 'commander';\nimport { registerInspectCommand } from '@/cli/commands/inspect.js';\nconst p = new Command('pdf-studio');\nregisterInspectCommand(p);\nawait p.parseAsync(process.argv);\n",
    );
    try {
      const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
      const err = await promisify(execFile)(tsx, [entry, 'inspect', path.join(dir, 'page.pdf')], { cwd: REPO_ROOT }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code).toBe(2);
      expect(err?.stderr).toMatch(/error \(pdf_not_pdf\)/);
    } finally {
      fs.rmSync(entry, { force: true });
    }
  }, 60_000);
});
