/**
 * Generation warnings as response headers. Every warning would not fit: Node's HTTP client refuses
 * response headers above 16 KB in total and API Gateway above 10 KB, and a template of a hundred
 * overflowing fields produced 15 KB. So the header holds only the first warnings that fit in
 * MAX_WARNINGS_HEADER_BYTES, the count says how many there are, and the JSON answer lists them all.
 */

/** Bytes of the x-pdf-warnings value, whatever the warnings. */
export const MAX_WARNINGS_HEADER_BYTES = 4096;

interface Warning {
  fieldId: string;
  bindingKey: string;
  code: string;
  message: string;
}

/**
 * JSON with every character outside printable ASCII as a \u escape: JSON.parse reads it back
 * unchanged, and it is always a legal header value (a raw non-Latin-1 character is not).
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `x-pdf-warning-count`: all of them; `x-pdf-warnings`: a JSON array of the first ones that fit. */
export function warningsHeaders(warnings: readonly Warning[]): { 'x-pdf-warning-count': string; 'x-pdf-warnings': string } {
  const kept: string[] = [];
  // '[' and ']', then each item and the comma before all but the first.
  let bytes = 2;
  for (const w of warnings) {
    const item = asciiJson({ fieldId: w.fieldId, bindingKey: w.bindingKey, code: w.code, message: w.message });
    const cost = item.length + (kept.length > 0 ? 1 : 0);
    if (bytes + cost > MAX_WARNINGS_HEADER_BYTES) break;
    kept.push(item);
    bytes += cost;
  }
  return { 'x-pdf-warning-count': String(warnings.length), 'x-pdf-warnings': `[${kept.join(',')}]` };
}
