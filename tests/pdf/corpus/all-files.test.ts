import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfError } from '@/pdf/errors.js';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect, type InspectResult } from '@/pdf/inspect/index.js';
import { corpusDir, listPdfs } from '../../helpers/corpus.js';
import { pageCounts } from '../readers.js';

/**
 * Every file of both corpus folders (qpdf's test suite: damaged xrefs, page-tree loops, every
 * encryption revision; pdf-lib's assets) is inspected or refused with a typed error, each within
 * the load time bound. The counts by outcome are printed; any untyped error, or one inspection
 * only caught with its safety net (details.reason 'unexpected'), fails the test.
 */

const FOLDERS = ['qpdf', 'pdf-lib'] as const;
const LIMITS = { maxBytes: 100 * 1024 * 1024, maxPages: 2000, timeoutMs: 20_000 };

type Outcome = { file: string; result: InspectResult } | { file: string; error: PdfError } | { file: string; crash: unknown };

async function inspectAll(dir: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const file of listPdfs(dir)) {
    try {
      out.push({ file, result: await inspect(new Uint8Array(fs.readFileSync(file)), { limits: LIMITS }) });
    } catch (err) {
      out.push(err instanceof PdfError ? { file, error: err } : { file, crash: err });
    }
  }
  return out;
}

for (const folder of FOLDERS) {
  const loc = corpusDir(folder);
  describe(`corpus ${folder}: every file inspected or refused with a typed error`, () => {
    if (!loc.dir) {
      it.skip(`skipped: ${loc.skipReason}`, () => {});
      return;
    }
    it(
      'counts by outcome, no untyped error',
      async () => {
        const outcomes = await inspectAll(loc.dir!);
        const counts: Record<string, number> = {};
        for (const o of outcomes) {
          const key = 'result' in o ? (o.result.fields.length > 0 ? 'opened (form)' : 'opened') : 'error' in o ? o.error.code : 'UNTYPED';
          counts[key] = (counts[key] ?? 0) + 1;
        }
        console.log(`corpus ${folder}: ${outcomes.length} files`, counts);
        const bad = outcomes
          .filter((o) => 'crash' in o || ('error' in o && o.error.details?.reason === 'unexpected'))
          .map((o) => `${path.basename(o.file)}: ${'crash' in o ? String(o.crash) : (o as { error: PdfError }).error.message}`);
        expect(bad).toEqual([]);
        // Messages name the damage in words, never a library's internals.
        const internal = outcomes.filter((o) => 'error' in o && /is not a function|instance of|byte: \d|undefined/.test(o.error.message));
        expect(internal.map((o) => path.basename(o.file))).toEqual([]);
        expect(outcomes.length).toBeGreaterThan(0);
      },
      15 * 60_000,
    );
  });
}

/** Payload with a value of each imported field's type: multi-line text with a break, options for choices, radio choices. */
function payloadFor(fields: EngineField[]): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const f of fields) {
    const o = f.advanced.options;
    if (f.type === 'checkbox') p[f.bindingKey] = true;
    else if (f.type === 'radio') p[f.bindingKey] ??= o?.[0];
    else if (f.type === 'dropdown') p[f.bindingKey] = o?.[0];
    else if (f.type === 'text')
      p[f.bindingKey] = f.advanced.multiLine ? 'Line one\nLine two' : 'Abc 12'.slice(0, f.advanced.maxLength ?? 6);
  }
  return p;
}

const forms = corpusDir('pdf-lib');
describe('corpus pdf-lib: every form that opens is filled, flattened and fillable, and opens in three readers', () => {
  if (!forms.dir) {
    it.skip(`skipped: ${forms.skipReason}`, () => {});
    return;
  }
  it(
    'outputs keep the input page count in pdf.js, pdf-lib and poppler',
    async () => {
      let filled = 0;
      for (const file of listPdfs(forms.dir!)) {
        const bytes = new Uint8Array(fs.readFileSync(file));
        const r = await inspect(bytes).catch(() => undefined);
        if (!r || r.suggestedFields.length === 0) continue;
        const fields = r.suggestedFields.map((s, i) => ({ fieldId: `f${i}`, ...s }) as EngineField);
        const compiled = await compileTemplate(bytes, fields);
        const payload = payloadFor(fields);
        for (const flatten of [true, false]) {
          const out = await compiled.generate(payload, { flatten });
          const counts = await pageCounts(out.bytes);
          expect({ file: path.basename(file), flatten, ...counts, popplerErrors: undefined }).toEqual({
            file: path.basename(file),
            flatten,
            pdfjs: r.pageCount,
            pdfLib: r.pageCount,
            poppler: r.pageCount,
            popplerErrors: undefined,
          });
        }
        filled++;
      }
      expect(filled).toBeGreaterThanOrEqual(10);
    },
    15 * 60_000,
  );
});
