import type { CSSProperties } from 'react';
import type { FieldStyle } from '@/shared/domain/field.js';
import { kindLabel, type EditorField } from '../state/fields.js';
import { isGroup } from '../state/groups.js';
import { getPath } from '../state/sample.js';

/**
 * A field on the page as it will print: its sample value (or placeholder) in its font, size,
 * colour, weight, slant, underline, alignment, background and border, at the page's zoom. The
 * browser draws the text with the engine's own font files first (Arimo, Tinos and Cousine for
 * Arial/Times/Courier and their aliases, loaded by engine-fonts.ts; DejaVu), so the line, its size
 * and where it sits in the box are what the PDF shows (tests/e2e/studio-fidelity.e2e.ts compares
 * the pixels).
 */

/** CSS font stacks for the names the engine resolves (its aliases first, then what the browser has). */
const STACKS: [RegExp, string][] = [
  [
    /^(arial|helvetica|helvetica neue|arimo|calibri|verdana|roboto|inter|liberation sans|sans-serif)$/i,
    "Arimo, 'Liberation Sans', Arial, sans-serif",
  ],
  [/^(times|times new roman|tinos|georgia|cambria|liberation serif|serif)$/i, "Tinos, 'Liberation Serif', 'Times New Roman', serif"],
  [/^(courier|courier new|cousine|liberation mono|monospace)$/i, "Cousine, 'Liberation Mono', 'Courier New', monospace"],
  [/mono/i, "'DejaVu Sans Mono', monospace"],
  [/serif/i, "'DejaVu Serif', serif"],
];

export function cssFontFamily(name: string): string {
  for (const [re, stack] of STACKS) if (re.test(name.trim())) return stack;
  return `'${name.replace(/'/g, '')}', 'DejaVu Sans', sans-serif`;
}

const JUSTIFY: Record<FieldStyle['verticalAlign'], CSSProperties['alignItems']> = {
  top: 'flex-start',
  middle: 'center',
  bottom: 'flex-end',
};

/** The box's own look (background, border) and the text's, in CSS px at `zoom`. */
export function faceStyle(s: FieldStyle, zoom: number, multiLine: boolean): CSSProperties {
  return {
    fontFamily: cssFontFamily(s.fontFamily),
    fontSize: `${s.fontSize * zoom}px`,
    lineHeight: multiLine ? s.lineHeight : 1,
    color: s.textColor,
    fontWeight: s.bold ? 700 : 400,
    fontStyle: s.italic ? 'italic' : 'normal',
    textDecoration: s.underline ? 'underline' : 'none',
    textAlign: s.textAlign === 'justify' ? 'justify' : s.textAlign,
    justifyContent: s.textAlign === 'center' ? 'center' : s.textAlign === 'right' ? 'flex-end' : 'flex-start',
    alignItems: multiLine ? 'stretch' : JUSTIFY[s.verticalAlign],
    direction: s.direction === 'auto' ? undefined : s.direction,
    backgroundColor: s.backgroundColor === 'transparent' ? undefined : s.backgroundColor,
    borderStyle: s.borderWidth > 0 && s.borderColor !== 'transparent' ? 'solid' : undefined,
    borderColor: s.borderWidth > 0 ? s.borderColor : undefined,
    borderWidth: s.borderWidth > 0 ? `${s.borderWidth * zoom}px` : undefined,
  };
}

/** A value the engine ticks a checkbox for (src/pdf/render/shapes.ts truthy). */
function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && ['true', 'yes', 'y', 'on', '1', 'x', 'checked'].includes(v.trim().toLowerCase());
}

/**
 * A radio's options where the engine draws them: one cell per option across the box (down it
 * when the box is taller than wide), the sample's option filled, each labelled with its option
 * (the label is the studio's: the PDF shows only the circles).
 */
function RadioFace({ field: f, zoom, sample }: { field: EditorField; zoom: number; sample: unknown }) {
  const options = f.advanced.options?.length ? f.advanced.options : [''];
  const value = getPath(sample, f.bindingKey);
  const vertical = f.size.height >= f.size.width;
  const cell = { w: vertical ? f.size.width : f.size.width / options.length, h: vertical ? f.size.height / options.length : f.size.height };
  const d = Math.min(cell.w, cell.h) * zoom;
  return (
    <span className="field-face radio-face" data-testid="field-face" style={{ flexDirection: vertical ? 'column' : 'row' }}>
      {options.map((o, i) => {
        const on = value !== undefined && value !== null && String(value) === o;
        return (
          <span key={i} className="radio-cell" style={{ width: cell.w * zoom, height: cell.h * zoom }}>
            <span
              className={`radio-dot${on ? ' on' : ''}`}
              style={{ width: d * 0.9, height: d * 0.9, borderColor: f.style.textColor, color: f.style.textColor }}
            />
            {o && (
              <span className="option-label" data-testid="radio-option">
                {o}
              </span>
            )}
          </span>
        );
      })}
    </span>
  );
}

const TEXT_TYPES = new Set(['text', 'number', 'date', 'dropdown']);

/** What the field shows: the sample's value at its key, else its placeholder (faded), else its name (faded). */
export function faceText(f: EditorField, sample: unknown): { text: string; kind: 'value' | 'placeholder' | 'name' } {
  const v = getPath(sample, f.bindingKey);
  if (v !== undefined && v !== null && v !== '' && typeof v !== 'object') return { text: String(v), kind: 'value' };
  if (f.advanced.placeholder) return { text: f.advanced.placeholder, kind: 'placeholder' };
  return { text: f.name, kind: 'name' };
}

/**
 * What the face shows, in words, for the field's accessible name: a control's name must contain
 * its visible text (WCAG 2.5.3, axe-core's label-content-name-mismatch), and it tells a screen
 * reader what the page shows.
 */
export function faceWords(f: EditorField, sample: unknown): string {
  if (isGroup(f) || f.type === 'table' || f.type === 'checkbox') return '';
  if (f.type === 'radio') return (f.advanced.options ?? []).filter(Boolean).join(' ');
  if (!TEXT_TYPES.has(f.type)) return f.name;
  return faceText(f, sample).text;
}

/** The field's accessible name: its kind and name, what it shows, and its warnings in full (they are shown beside it). */
export function fieldLabel(f: EditorField, shown: string, hidden: boolean, problems: readonly string[] | undefined): string {
  const what = shown && shown !== f.name ? `: ${shown}` : '';
  const warn = problems?.length ? `, ${problems.length} warning(s): ${problems.join(' · ')}` : '';
  return `${kindLabel(f)} field ${f.name}${what}${hidden ? ', hidden for the sample data' : ''}${warn}`;
}

export function FieldFace({ field: f, zoom, sample }: { field: EditorField; zoom: number; sample: unknown }) {
  if (isGroup(f) || f.type === 'table') return null;
  if (f.type === 'checkbox') {
    const on = truthy(getPath(sample, f.bindingKey));
    return (
      <span className="field-face choice" data-testid="field-face" data-on={on || undefined} style={{ color: f.style.textColor }}>
        <span className="mark" style={{ fontSize: `${Math.min(f.size.width, f.size.height) * zoom * 0.8}px` }} aria-hidden="true">
          {on ? '✓' : ''}
        </span>
      </span>
    );
  }
  if (f.type === 'radio') return <RadioFace field={f} zoom={zoom} sample={sample} />;
  if (!TEXT_TYPES.has(f.type)) {
    return (
      <span className="field-label" style={{ fontSize: 11 }}>
        {f.name}
      </span>
    );
  }
  const multiLine = f.type === 'text' && f.advanced.multiLine;
  const { text, kind } = faceText(f, sample);
  return (
    <span
      className={`field-face${multiLine ? ' multi' : ''} face-${kind}`}
      data-testid="field-face"
      data-kind={kind}
      style={faceStyle(f.style, zoom, multiLine)}
    >
      <span className="face-text">{text}</span>
    </span>
  );
}
