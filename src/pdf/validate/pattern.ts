import { RE2JS, RE2JSException } from 're2js';

/**
 * Template patterns run on every record of a batch, so they are matched with RE2 (linear time,
 * no catastrophic backtracking on hostile patterns or values) rather than RegExp. JavaScript
 * syntax is translated; what RE2 cannot do (look-around, back-references) is a template error.
 */
export function compilePattern(source: string, cache: Map<string, RE2JS | Error> = new Map()): RE2JS | Error {
  let compiled = cache.get(source);
  if (compiled) return compiled;
  try {
    new RegExp(source, 'u'); // JS syntax first: the studio edits patterns as JavaScript regexes
  } catch (err) {
    try {
      new RegExp(source);
    } catch {
      compiled = err as Error;
    }
  }
  if (!compiled) {
    try {
      compiled = RE2JS.compile(RE2JS.translateRegExp(source));
    } catch (err) {
      compiled = err instanceof RE2JSException || err instanceof Error ? new Error(`unsupported: ${err.message}`) : new Error(String(err));
    }
  }
  cache.set(source, compiled);
  return compiled;
}
