import cliProgress from 'cli-progress';

/**
 * Progress of a long command on stderr: a bar on a terminal, otherwise (a log, CI, a pipe) plain
 * lines — at each tenth of the work, at most every two seconds in between, and at the end.
 */
export interface Progress {
  update(done: number, failed?: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% | {failed} failed | {eta}s left`, stream },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0 });
    return {
      update: (done, failed = 0) => bar.update(done, { failed }),
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  let lastAt = 0;
  let last = { done: -1, failed: 0 };
  let printed = '';
  const print = (done: number, failed: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    printed = `${label}: ${done}/${total} (${pct}%), ${failed} failed`;
    stream.write(`${printed}\n`);
    lastAt = Date.now();
  };
  return {
    update(done, failed = 0) {
      if (done === last.done && failed === last.failed) return;
      last = { done, failed };
      const tenth = total ? Math.floor((done / total) * 10) : 10;
      if (tenth > lastTenth || Date.now() - lastAt >= 2000) {
        lastTenth = tenth;
        print(done, failed);
      }
    },
    stop() {
      const pct = total ? Math.floor((last.done / total) * 100) : 100;
      if (last.done >= 0 && printed !== `${label}: ${last.done}/${total} (${pct}%), ${last.failed} failed`) print(last.done, last.failed);
    },
  };
}
