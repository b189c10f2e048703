import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError } from './errors.js';

/**
 * The records of a `--data` file: JSON Lines (one object per line, blank lines ignored), or, for a
 * file named *.json, one object or an array of objects. Each record keeps its position — the line
 * number for JSON Lines — which names its output file and its errors.
 */
export interface InputRecord {
  position: number;
  data: Record<string, unknown>;
}

export interface ReadRecordsOptions {
  /** Stop at the first malformed line (a CliError, exit code 2) instead of reporting and skipping it. */
  stopOnError?: boolean;
  /** Told of each malformed line that is skipped. */
  onSkip?: (position: number, reason: string) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reasonOf(line: string): string | undefined {
  try {
    return isObject(JSON.parse(line)) ? undefined : 'not a JSON object';
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
}

export async function* readRecords(file: string, opts: ReadRecordsOptions = {}): AsyncGenerator<InputRecord> {
  const malformed = (position: number, reason: string) => {
    const where = file.endsWith('.json') ? `${file}: record ${position}` : `${file}:${position}`;
    if (opts.stopOnError) throw new CliError(`${where}: ${reason}; stopped (without --stop-on-error it is skipped)`, 2);
    opts.onSkip?.(position, `${where}: ${reason}, skipped`);
  };
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw err;
      throw new CliError(`${file}: not valid JSON (${(err as Error).message})`, 2);
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    for (const [i, data] of list.entries()) {
      if (isObject(data)) yield { position: i + 1, data };
      else malformed(i + 1, 'not a JSON object');
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    const reason = reasonOf(line);
    if (reason) malformed(n, reason);
    else yield { position: n, data: JSON.parse(line) as Record<string, unknown> };
  }
}

/** How many records the file holds and the highest position (for the progress total and file names). */
export async function countRecords(file: string): Promise<{ count: number; last: number }> {
  let count = 0;
  let last = 0;
  for await (const r of readRecords(file)) {
    count++;
    last = r.position;
  }
  return { count, last };
}

/** `0042.pdf`: the record's position, zero-padded to the width of the last one so names sort. */
export function outputName(position: number, last: number): string {
  return `${String(position).padStart(String(Math.max(last, 1)).length, '0')}.pdf`;
}
