import { PdfError } from '../errors.js';
import type { EngineField } from '../types.js';

/** Payload value → the text a text-like field prints (text, number, date, dropdown). */

function invalid(field: EngineField, message: string): PdfError {
  return new PdfError('payload_invalid', `Field "${field.name}" (${field.bindingKey}): ${message}`, {
    fieldId: field.fieldId,
    bindingKey: field.bindingKey,
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(field: EngineField, value: unknown): string {
  const num = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(num)) throw invalid(field, `expected a number, got ${JSON.stringify(value)}`);
  const o = field.advanced.number;
  const locale = o?.locale ?? 'en-US';
  const key = `${locale}|${o?.decimals}|${o?.currency}`;
  let f = numberFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, {
        ...(o?.currency ? { style: 'currency', currency: o.currency } : {}),
        ...(o?.decimals !== undefined ? { minimumFractionDigits: o.decimals, maximumFractionDigits: o.decimals } : {}),
      });
    } catch (e) {
      throw invalid(field, `bad number format (${(e as Error).message})`);
    }
    numberFormats.set(key, f);
  }
  // Intl uses narrow no-break spaces in some locales (fr-FR); the bundled fonts have them.
  return f.format(num);
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

function partsOf(field: EngineField, value: unknown, timeZone: string): DateParts {
  if (typeof value === 'string') {
    // A bare calendar date is not an instant: print it as written, in no time zone.
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
    if (m) {
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      if (d.getUTCMonth() !== +m[2] - 1) throw invalid(field, `invalid date ${value}`);
      return { year: +m[1], month: +m[2], day: +m[3], hour: 0, minute: 0, second: 0, weekday: d.getUTCDay() };
    }
  }
  const d = value instanceof Date ? value : typeof value === 'number' || typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw invalid(field, `expected a date, got ${JSON.stringify(value)}`);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
  } catch {
    throw invalid(field, `unknown time zone ${timeZone}`);
  }
  const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday);
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour % 24, minute: +p.minute, second: +p.second, weekday: wd };
}

function names(locale: string, kind: 'month' | 'weekday', width: 'long' | 'short'): string[] {
  const f = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', [kind]: width });
  // 2023-01-01 was a Sunday.
  return kind === 'month'
    ? Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2023, i, 15))))
    : Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2023, 0, 1 + i))));
}

/** Unicode pattern tokens: yyyy yy MMMM MMM MM M dd d EEEE EEE HH H hh h mm ss a; 'quoted' literals. */
export function formatDate(field: EngineField, value: unknown): string {
  const o = field.advanced.date ?? { pattern: 'yyyy-MM-dd', timezone: 'UTC', locale: 'en-US' };
  const p = partsOf(field, value, o.timezone);
  const pad = (x: number, w = 2): string => String(x).padStart(w, '0');
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const tokens: Record<string, () => string> = {
    yyyy: () => pad(p.year, 4),
    yy: () => pad(p.year % 100),
    MMMM: () => names(o.locale, 'month', 'long')[p.month - 1],
    MMM: () => names(o.locale, 'month', 'short')[p.month - 1],
    MM: () => pad(p.month),
    M: () => String(p.month),
    dd: () => pad(p.day),
    d: () => String(p.day),
    EEEE: () => names(o.locale, 'weekday', 'long')[p.weekday],
    EEE: () => names(o.locale, 'weekday', 'short')[p.weekday],
    HH: () => pad(p.hour),
    H: () => String(p.hour),
    hh: () => pad(h12),
    h: () => String(h12),
    mm: () => pad(p.minute),
    ss: () => pad(p.second),
    a: () => (p.hour < 12 ? 'AM' : 'PM'),
  };
  const re = /'([^']*)'|yyyy|yy|MMMM|MMM|MM|M|dd|d|EEEE|EEE|HH|H|hh|h|mm|ss|a/g;
  return o.pattern.replace(re, (m, lit: string | undefined) => (lit !== undefined ? lit : tokens[m]()));
}

/** The text of a text-like field; dropdown values must be one of the options. */
export function formatValue(field: EngineField, value: unknown): string {
  switch (field.type) {
    case 'number':
      return formatNumber(field, value);
    case 'date':
      return formatDate(field, value);
    case 'dropdown': {
      const s = String(value);
      const opts = field.advanced.options ?? [];
      if (opts.length > 0 && !opts.includes(s)) throw invalid(field, `"${s}" is not one of the options (${opts.join(', ')})`);
      return s;
    }
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
      if (value instanceof Date) return value.toISOString();
      throw invalid(field, `expected text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
}
