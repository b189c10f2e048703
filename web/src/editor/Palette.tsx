import { FIELD_TYPES, type FieldType } from '@/shared/domain/field.js';
import { TYPE_LABELS } from '../state/fields.js';
import { PALETTE_MIME } from './PageView.js';

const ICONS: Record<FieldType, string> = {
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
};

/**
 * Every field type. Click one to arm it, then click on the page to place it (click it again to
 * place it in the middle of the page — the keyboard way), or drag it onto the page.
 */
export function Palette({
  armed,
  onArm,
  onPlaceCentered,
}: {
  armed: FieldType | null;
  onArm: (t: FieldType | null) => void;
  onPlaceCentered: (t: FieldType) => void;
}) {
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Fields</h2>
      <p className="hint">Click, then click on the page — or drag.</p>
      <ul>
        {FIELD_TYPES.map((t) => (
          <li key={t}>
            <button
              type="button"
              draggable
              aria-pressed={armed === t}
              aria-label={`${TYPE_LABELS[t]} field`}
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
              <span className="icon" aria-hidden="true">
                {ICONS[t]}
              </span>
              {TYPE_LABELS[t]}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
