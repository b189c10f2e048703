/**
 * Preloaded into the server by `npm run health:uploads` (node --import): samples the event loop's
 * delay (perf_hooks.monitorEventLoopDelay) and, on each SIGUSR2, writes one line
 * `event-loop-delay {json}` to stderr with the percentiles since the previous signal (ms beyond the
 * sampling interval), then starts afresh. A measurement aid, never loaded by the product.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();
const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
process.on('SIGUSR2', () => {
  const out = {
    samples: histogram.count,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
  histogram.reset();
  process.stderr.write(`event-loop-delay ${JSON.stringify(out)}\n`);
});
