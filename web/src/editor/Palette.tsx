import { TOOL_LABELS, TOOLS, type Tool } from '../state/fields.js';
import { PALETTE_MIME } from './PageView.js';

const ICONS: Record<Tool, string> = {
  text: 'T',
  number: '#',
  date: '◴',
  checkbox: '☑',
  radio: '◉',
  dropdown: '▾',
  image: '▣',
  signature: '✎',
  barcode: '▦',
  table: '▤',
  group: '⊞',
};

/**
 * Every field type, and the repeating group. Click one to arm it, then click on the page to place it (click it again to
 * place it in the middle of the page — the keyboard way), or drag it onto the page.
 */
export function Palette({
  armed,
  onArm,
  onPlaceCentered,
}: {
  armed: Tool | null;
  onArm: (t: Tool | null) => void;
  onPlaceCentered: (t: Tool) => void;
}) {
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Fields</h2>
      <p className="hint">Click, then click on the page — or drag.</p>
      <ul>
        {TOOLS.map((t) => (
          <li key={t}>
            <button
              type="button"
              draggable
              aria-pressed={armed === t}
              aria-label={t === 'group' ? TOOL_LABELS[t] : `${TOOL_LABELS[t]} field`}
              data-testid={`palette-${t}`}
              className={armed === t ? 'armed' : undefined}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, t);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => {
                if (armed === t) {
                  onPlaceCentered(t);
                  onArm(null);
                } else onArm(t);
              }}
            >
              {/* The glyph is drawn by CSS: as text it would be part of the button's visible text,
                  which its accessible name ("Text field") must contain. */}
              <span className="icon" aria-hidden="true" data-icon={ICONS[t]} />
              {TOOL_LABELS[t]}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
