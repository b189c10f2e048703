/**
 * `npx tsx bench/profile.ts [--template invoice|20-page] [--records N]`: where ours spends its
 * time per document. Profiles only the steady-state generate() loop (after compile and warm-up)
 * with the in-process V8 inspector — `node --cpu-prof` also records module loading, which on a
 * loaded machine outweighs a few hundred documents — and prints self and inclusive time per
 * function, in ms per document. --instrument instead times zlib and fontkit's subset encoder
 * directly (wall clock, no sampling).
 */
import { Session } from 'node:inspector/promises';
import { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import zlib from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { parseArgs } from 'node:util';
import { compileTemplate } from '@/pdf/index.js';
import { FONT_PATH, buildTemplates, engineFields, makeRecords } from './lib/fixtures.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const label = (cf: CallFrame): string => {
  const u = cf.url.includes('node_modules/') ? cf.url.split('node_modules/').pop()! : cf.url.replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
  return `${cf.functionName || '(anonymous)'} ${u}:${cf.lineNumber + 1}`;
};

export function aggregate(p: Profile): { self: Map<string, number>; inclusive: Map<string, number>; total: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] / 1000;
    total += dt;
    const k = label(byId.get(id)!.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let j: number | undefined = id; j !== undefined; j = parent.get(j)) {
      const kk = label(byId.get(j)!.callFrame);
      if (!seen.has(kk)) inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt);
      seen.add(kk);
    }
  });
  return { self, inclusive, total };
}

/**
 * Wall-clock instrumentation of the two library calls the profile points at, without editing
 * the engine: node:zlib's deflateSync (patched on the builtin, then synced to ESM importers)
 * and fontkit's TrueType subset encoder (patched on its prototype).
 */
function instrument(fontPath: string): { deflate: { ms: number; calls: number }; subset: { ms: number; calls: number } } {
  const acc = { deflate: { ms: 0, calls: 0 }, subset: { ms: 0, calls: 0 } };
  const orig = zlib.deflateSync;
  (zlib as { deflateSync: typeof orig }).deflateSync = ((buf: Parameters<typeof orig>[0], o?: Parameters<typeof orig>[1]) => {
    const t0 = performance.now();
    try {
      return orig(buf, o);
    } finally {
      acc.deflate.ms += performance.now() - t0;
      acc.deflate.calls++;
    }
  }) as typeof orig;
  syncBuiltinESMExports();
  const font = (fontkit as unknown as { create(b: Uint8Array): { createSubset(): object } }).create(new Uint8Array(readFileSync(fontPath)));
  const proto = Object.getPrototypeOf(font.createSubset()) as { encode(stream: unknown): void };
  const enc = proto.encode;
  proto.encode = function (this: unknown, stream: unknown) {
    const t0 = performance.now();
    try {
      return enc.call(this, stream);
    } finally {
      acc.subset.ms += performance.now() - t0;
      acc.subset.calls++;
    }
  };
  return acc;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      template: { type: 'string', default: 'invoice' },
      records: { type: 'string', default: '200' },
      top: { type: 'string', default: '25' },
      instrument: { type: 'boolean' },
    },
  });
  const t = (await buildTemplates()).find((x) => x.name === values.template);
  if (!t) throw new Error(`unknown template ${values.template}`);
  const n = Number(values.records);
  const records = makeRecords(t, n);
  const compiled = await compileTemplate(t.base, engineFields(t));
  for (let i = 0; i < 20; i++) await compiled.generate(records[i % n]);
  if (values.instrument) {
    const acc = instrument(FONT_PATH);
    const t0 = performance.now();
    let bytes = 0;
    for (const r of records) bytes += (await compiled.generate(r)).bytes.length;
    const ms = performance.now() - t0;
    const f = (x: number): string => `${(x / n).toFixed(2)} ms/doc (${((100 * x) / ms).toFixed(0)}%)`;
    console.log(`${t.name}: ${n} docs, generate ${f(ms)}, ${Math.round(bytes / n)} bytes/doc`);
    console.log(`  fontkit subset encode: ${f(acc.subset.ms)}, ${(acc.subset.calls / n).toFixed(1)} calls/doc`);
    console.log(`  zlib deflateSync:      ${f(acc.deflate.ms)}, ${(acc.deflate.calls / n).toFixed(1)} calls/doc`);
    console.log(`  everything else:       ${f(ms - acc.subset.ms - acc.deflate.ms)}`);
    return;
  }
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const t0 = performance.now();
  for (const r of records) await compiled.generate(r);
  const wall = performance.now() - t0;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  const { self, inclusive, total } = aggregate(profile);
  const top = Number(values.top);
  const per = (ms: number): string => `${(ms / n).toFixed(3).padStart(8)} ms/doc ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
  console.log(`${t.name}: ${n} docs, wall ${(wall / n).toFixed(2)} ms/doc, sampled ${(total / n).toFixed(2)} ms/doc`);
  console.log('\nself time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${per(v)}  ${k}`);
  console.log('\ninclusive time (engine and its libraries):');
  for (const [k, v] of [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .filter(([k]) => /src\/pdf|fontkit|pdf-lib|zlib/.test(k))
    .slice(0, top))
    console.log(`${per(v)}  ${k}`);
}

await main();
