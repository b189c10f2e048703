import {
  BARCODE_FORMATS,
  fieldInputSchema,
  type FieldAdvanced,
  type FieldLayout,
  type FieldSpec,
  type FieldStyle,
  type FieldValidation,
} from '@/shared/domain/field.js';
import { fieldRect, kindLabel, type EditorField } from '../state/fields.js';
import { isGroup } from '../state/groups.js';
import { GroupMembership, GroupProps } from './GroupProps.js';
import { FALLBACK_FONTS, FALLBACK_OPTIONS, withCurrent, type FontOption } from './fonts.js';
import { CheckProp, ColorProp, Group, NumberProp, SelectProp, TextProp } from './inputs.js';
import { OverflowProps } from './OverflowProps.js';
import { ExpressionProps } from './ExpressionProps.js';
import { DateFormatProps, NumberFormatProps } from './FormatProps.js';
import { StyleRulesProps } from './StyleRulesProps.js';
import { TableProps } from './TableProps.js';

/** The static font list: what the picker offers when GET /api/fonts is not available. */
export const FONT_FAMILIES = FALLBACK_FONTS;
const bindingShape = fieldInputSchema.shape.bindingKey;

interface Props {
  field: EditorField | null;
  selectionCount: number;
  issues: string[];
  onPatch: (patch: Partial<FieldSpec>) => void;
  /** Font choices (from GET /api/fonts via useFontOptions); the static list when not given. */
  fonts?: readonly FontOption[];
  /** Pages of the template's PDF (a table may continue on a copy of any of them). */
  pageCount?: number;
  /** The preview's sample data (parsed; undefined: not valid JSON), for the live value of expressions and conditions. */
  sample?: unknown;
  /** Every field of the template: a repeating group lists its members among them. */
  fields?: readonly EditorField[];
  /** The size of the field's page (a group's grid must fit it). */
  pageSize?: { width: number; height: number };
}

/** The field's advanced settings without the link to the base PDF's form field. */
function withoutLink(a: FieldAdvanced): FieldAdvanced {
  const { acroFormName: _linked, acroFormWidget: _widget, ...rest } = a;
  return rest;
}

/** Name, binding key, geometry, style, layout, advanced and validation of the selected field. */
export function PropertyPanel({
  field: f,
  selectionCount,
  issues,
  onPatch,
  fonts = FALLBACK_OPTIONS,
  pageCount = 1,
  sample,
  fields = [],
  pageSize,
}: Props) {
  if (!f) {
    return (
      <section className="props" aria-labelledby="props-title">
        <h2 id="props-title">Properties</h2>
        <p className="hint">
          {selectionCount > 1
            ? `${selectionCount} fields selected: use the toolbar to align, distribute or order them.`
            : 'Select a field to edit it.'}
        </p>
      </section>
    );
  }
  const style = (p: Partial<FieldStyle>) => onPatch({ style: { ...f.style, ...p } });
  const layout = (p: Partial<FieldLayout>) => onPatch({ layout: { ...f.layout, ...p } });
  const advanced = (p: Partial<FieldAdvanced>) => onPatch({ advanced: { ...f.advanced, ...p } });
  const validation = (p: Partial<FieldValidation>) => onPatch({ validation: { ...f.validation, ...p } });
  const a = f.advanced;
  const v = f.validation;
  const textual = f.type === 'text' || f.type === 'number' || f.type === 'date' || f.type === 'dropdown';
  // Fields whose value prints as letters (a table's cells, a barcode's human-readable line too).
  const lettered = textual || f.type === 'table' || f.type === 'barcode';
  const marked = f.type === 'checkbox' || f.type === 'radio';

  return (
    <section className="props" aria-labelledby="props-title">
      <h2 id="props-title">{kindLabel(f)} field</h2>
      {issues.length > 0 && (
        <ul className="issues" aria-label="Preflight warnings for this field">
          {issues.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {a.acroFormName !== undefined && (
        <div className="hint linked" data-testid="acroform-link">
          <p>
            {a.acroFormWidget !== undefined
              ? `Fills the PDF’s own form field “${a.acroFormName}”: moving or resizing this box moves and resizes that form field in the output (it stays a form field when the output is fillable).`
              : `Fills the PDF’s own form field “${a.acroFormName}” where the PDF has it: moving or resizing this box does not move it.`}{' '}
            (Once unlinked, “Import form fields” would add the form field again.)
          </p>
          <button type="button" onClick={() => onPatch({ advanced: withoutLink(a) })}>
            Draw at this box instead
          </button>
        </div>
      )}
      <GroupMembership field={f} fields={fields} />
      <Group title="General" open>
        <TextProp
          label="Name"
          value={f.name}
          onCommit={(name) => onPatch({ name })}
          validate={(s) => (s.trim() ? null : 'A name is required.')}
        />
        <TextProp
          label="Binding key"
          value={f.bindingKey}
          placeholder="customer.name"
          onCommit={(bindingKey) => onPatch({ bindingKey })}
          validate={(s) => {
            const r = bindingShape.safeParse(s);
            return r.success ? null : 'Use dot-separated identifiers, such as customer.name';
          }}
        />
        <div className="prop-grid">
          <NumberProp
            label="X (pt)"
            value={f.position.x}
            onCommit={(x) => x !== undefined && onPatch({ position: { ...f.position, x } })}
          />
          <NumberProp
            label="Y (pt)"
            value={f.position.y}
            onCommit={(y) => y !== undefined && onPatch({ position: { ...f.position, y } })}
          />
          <NumberProp
            label="Width (pt)"
            value={f.size.width}
            min={1}
            onCommit={(width) => width !== undefined && onPatch({ size: { ...f.size, width } })}
          />
          <NumberProp
            label="Height (pt)"
            value={f.size.height}
            min={1}
            onCommit={(height) => height !== undefined && onPatch({ size: { ...f.size, height } })}
          />
        </div>
      </Group>
      <Group title="Style" open>
        {/* Only what the engine applies to this type: text settings for fields that print text, a
            mark colour for checkboxes and radios, background and border for every box. */}
        {lettered && (
          <>
            <SelectProp
              label="Font"
              value={f.style.fontFamily}
              options={withCurrent(fonts, f.style.fontFamily)}
              onCommit={(fontFamily) => style({ fontFamily })}
            />
            <div className="prop-grid">
              <NumberProp
                label="Size (pt)"
                value={f.style.fontSize}
                min={1}
                max={500}
                onCommit={(fontSize) => fontSize && style({ fontSize })}
              />
              <NumberProp
                label="Line height"
                value={f.style.lineHeight}
                min={0.5}
                max={5}
                step={0.1}
                onCommit={(lineHeight) => lineHeight && style({ lineHeight })}
              />
            </div>
          </>
        )}
        {(lettered || marked) && (
          <ColorProp
            label={marked ? 'Mark colour' : 'Text colour'}
            value={f.style.textColor}
            onCommit={(textColor) => style({ textColor })}
          />
        )}
        <ColorProp label="Background" value={f.style.backgroundColor} onCommit={(backgroundColor) => style({ backgroundColor })} />
        <ColorProp label="Border colour" value={f.style.borderColor} onCommit={(borderColor) => style({ borderColor })} />
        <NumberProp
          label="Border width (pt)"
          value={f.style.borderWidth}
          min={0}
          max={50}
          onCommit={(borderWidth) => borderWidth !== undefined && style({ borderWidth })}
        />
        {lettered && (
          <>
            <div className="prop-grid">
              <SelectProp
                label="Align"
                value={f.style.textAlign}
                options={['left', 'center', 'right', 'justify'] as const}
                onCommit={(textAlign) => style({ textAlign })}
              />
              <SelectProp
                label="Vertical"
                value={f.style.verticalAlign}
                options={['top', 'middle', 'bottom'] as const}
                onCommit={(verticalAlign) => style({ verticalAlign })}
              />
            </div>
            <div className="prop-row">
              <CheckProp label="Bold" value={f.style.bold} onCommit={(bold) => style({ bold })} />
              <CheckProp label="Italic" value={f.style.italic} onCommit={(italic) => style({ italic })} />
              <CheckProp label="Underline" value={f.style.underline} onCommit={(underline) => style({ underline })} />
            </div>
          </>
        )}
      </Group>
      <Group title="Layout">
        <NumberProp
          label="Rotation (°)"
          value={f.layout.rotation}
          min={-360}
          max={360}
          onCommit={(rotation) => rotation !== undefined && layout({ rotation })}
        />
        <CheckProp label="Lock proportions" value={f.layout.lockProportions} onCommit={(lockProportions) => layout({ lockProportions })} />
        <CheckProp label="Snap to grid" value={f.layout.snapToGrid} onCommit={(snapToGrid) => layout({ snapToGrid })} />
        <p className="hint">Layer {f.layout.layerOrder} (use the toolbar to reorder)</p>
      </Group>
      {f.type === 'table' && isGroup(f) && (
        <GroupProps field={f} fields={fields} pageCount={pageCount} pageSize={pageSize} onCommit={(group) => advanced({ group })} />
      )}
      {f.type === 'table' && !isGroup(f) && (
        <TableProps
          table={a.table}
          pageCount={pageCount}
          fieldBox={fieldRect(f)}
          sample={sample}
          bindingKey={f.bindingKey}
          onCommit={(table) => advanced({ table })}
        />
      )}
      <ExpressionProps advanced={a} sample={sample} onCommit={advanced} />
      {f.type !== 'table' && (
        <StyleRulesProps
          title="Conditional style"
          rules={a.styleRules}
          sample={sample}
          placeholder="balance < 0"
          onCommit={(styleRules) => advanced({ styleRules })}
        />
      )}
      <Group title="Advanced">
        {f.type !== 'table' && (
          <CheckProp
            label="Repeat on continuation pages"
            value={a.repeatOnContinuation}
            onCommit={(repeatOnContinuation) => advanced({ repeatOnContinuation })}
          />
        )}
        {f.type === 'text' && (
          <TextProp
            label="Page number text"
            value={a.pageNumber ?? ''}
            placeholder="Page {page} of {pages}"
            onCommit={(s) => advanced({ pageNumber: s || undefined })}
          />
        )}
        {textual && (
          <TextProp label="Placeholder" value={a.placeholder ?? ''} onCommit={(s) => advanced({ placeholder: s || undefined })} />
        )}
        <TextProp
          label="Default value"
          value={a.defaultValue === undefined ? '' : String(a.defaultValue)}
          onCommit={(s) => advanced({ defaultValue: s === '' ? undefined : s })}
        />
        <CheckProp label="Required" value={a.required} onCommit={(required) => advanced({ required })} />
        <SelectProp
          label="Visibility"
          value={a.visibility}
          options={
            [
              { value: 'always', label: 'Always' },
              { value: 'whenPresent', label: 'When a value is given' },
              { value: 'hidden', label: 'Hidden' },
            ] as const
          }
          onCommit={(visibility) => advanced({ visibility })}
        />
        {f.type === 'text' && (
          <>
            <CheckProp label="Multi-line" value={a.multiLine} onCommit={(multiLine) => advanced({ multiLine })} />
            <NumberProp label="Max length" value={a.maxLength} min={1} optional onCommit={(maxLength) => advanced({ maxLength })} />
          </>
        )}
        {textual && <OverflowProps field={f} pageCount={pageCount} onCommit={advanced} />}
        {(f.type === 'radio' || f.type === 'dropdown') && (
          <TextProp
            label="Options (one per line)"
            multiline
            value={(a.options ?? []).join('\n')}
            onCommit={(s) =>
              advanced({
                options: s
                  .split('\n')
                  .map((x) => x.trim())
                  .filter(Boolean),
              })
            }
          />
        )}
        {f.type === 'number' && <NumberFormatProps value={a.number} onCommit={(number) => advanced({ number })} />}
        {f.type === 'date' && <DateFormatProps value={a.date} onCommit={(date) => advanced({ date })} />}
        {f.type === 'checkbox' && (
          <SelectProp
            label="Mark"
            value={a.checkStyle}
            options={['check', 'cross'] as const}
            onCommit={(checkStyle) => advanced({ checkStyle })}
          />
        )}
        {(f.type === 'image' || f.type === 'signature') && (
          <SelectProp
            label="Fit"
            value={a.imageFit}
            options={['contain', 'cover', 'stretch'] as const}
            onCommit={(imageFit) => advanced({ imageFit })}
          />
        )}
        {f.type === 'barcode' && (
          <>
            <SelectProp
              label="Format"
              value={a.barcode?.format ?? 'qrcode'}
              options={BARCODE_FORMATS}
              onCommit={(format) => advanced({ barcode: { includeText: false, ...a.barcode, format } })}
            />
            <CheckProp
              label="Print the text"
              value={a.barcode?.includeText ?? false}
              onCommit={(includeText) => advanced({ barcode: { format: 'qrcode', ...a.barcode, includeText } })}
            />
          </>
        )}
      </Group>
      <Group title="Validation">
        <SelectProp
          label="Rule"
          value={v.type}
          options={['none', 'email', 'pattern', 'number', 'date', 'option'] as const}
          onCommit={(type) => validation({ type })}
        />
        <CheckProp label="Value required" value={v.required} onCommit={(required) => validation({ required })} />
        {v.type === 'pattern' && (
          <TextProp
            label="Pattern (regular expression)"
            value={v.pattern ?? ''}
            validate={(s) => {
              try {
                new RegExp(s);
                return null;
              } catch {
                return 'Not a valid regular expression.';
              }
            }}
            onCommit={(pattern) => validation({ pattern: pattern || undefined })}
          />
        )}
        {v.type === 'number' && (
          <div className="prop-grid">
            <NumberProp label="Min" value={v.min} optional onCommit={(min) => validation({ min })} />
            <NumberProp label="Max" value={v.max} optional onCommit={(max) => validation({ max })} />
          </div>
        )}
        {v.type === 'date' && (
          <div className="prop-grid">
            <TextProp
              label="Earliest"
              value={v.minDate ?? ''}
              placeholder="2024-01-01"
              onCommit={(minDate) => validation({ minDate: minDate || undefined })}
            />
            <TextProp
              label="Latest"
              value={v.maxDate ?? ''}
              placeholder="2030-12-31"
              onCommit={(maxDate) => validation({ maxDate: maxDate || undefined })}
            />
          </div>
        )}
        <div className="prop-grid">
          <NumberProp label="Min length" value={v.minLength} min={0} optional onCommit={(minLength) => validation({ minLength })} />
          <NumberProp label="Max length" value={v.maxLength} min={1} optional onCommit={(maxLength) => validation({ maxLength })} />
        </div>
        <TextProp label="Error message" value={v.message ?? ''} onCommit={(message) => validation({ message: message || undefined })} />
      </Group>
    </section>
  );
}
