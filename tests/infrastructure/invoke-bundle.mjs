// A Lambda container, as near as a test gets without AWS: a fresh Node process that imports one
// built bundle (dist/lambda/<name>/index.mjs), reports how long the import took (the cold start's
// module load), then answers each event read from stdin (one JSON line) with the handler's result.
// Replies carry a marker so stray output of the code under test can never be taken for one.
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const MARK = '@@invoke ';
const reply = (obj) => process.stdout.write(MARK + JSON.stringify(obj) + '\n');

const t0 = performance.now();
let mod;
try {
  mod = await import(pathToFileURL(process.argv[2]).href);
} catch (err) {
  reply({ ready: false, error: String(err?.stack ?? err) });
  process.exit(1);
}
reply({ ready: true, importMs: performance.now() - t0 });

for await (const line of createInterface({ input: process.stdin })) {
  const started = performance.now();
  try {
    const result = await mod.handler(JSON.parse(line), { functionName: 'test', awsRequestId: `req-${Date.now()}` });
    reply({ ok: true, result: result ?? null, ms: performance.now() - started });
  } catch (err) {
    reply({ ok: false, error: String(err?.stack ?? err), ms: performance.now() - started });
  }
}
