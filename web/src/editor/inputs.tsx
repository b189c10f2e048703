import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A draft that starts again from `value` whenever `value` changes from outside (undo, redo, a drag
 * while the panel is open). Reset during render, not in an effect: with an effect the input showed
 * the previous value for a frame after an undo, and if the panel went away in that frame (a click on
 * another field right after Ctrl+Z) the unmount commit wrote that previous value back, undoing the undo.
 */
export function useDraft<V>(value: V, toDraft: (v: V) => string, onReset?: () => void): [string, (d: string) => void] {
  const [draft, setDraft] = useState(() => toDraft(value));
  const [shown, setShown] = useState(value);
  if (!Object.is(shown, value)) {
    setShown(value);
    setDraft(toDraft(value));
    onReset?.();
  }
  return [draft, setDraft];
}

/**
 * Commits a pending draft when the input goes away (the panel is keyed by field, so selecting
 * another field unmounts it): the edit lands on the field it was typed for, never on the next one.
 */
export function useCommitOnUnmount(pending: () => void): void {
  const ref = useRef(pending);
  ref.current = pending;
  useEffect(() => () => ref.current(), []);
}

/**
 * Property inputs that commit on blur or Enter (not on every keystroke), so that one edit is one
 * undo step and one save.
 */

export function TextProp({
  label,
  value,
  onCommit,
  placeholder,
  validate,
  multiline,
}: {
  label: string;
  value: string;
  onCommit: (v: string) => void;
  placeholder?: string;
  validate?: (v: string) => string | null;
  multiline?: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useDraft(
    value,
    (v) => v,
    () => setError(null),
  );
  const id = useId();
  const commit = () => {
    if (draft === value) return;
    const problem = validate?.(draft) ?? null;
    setError(problem);
    if (!problem) onCommit(draft);
  };
  useCommitOnUnmount(() => {
    if (draft !== value && !(validate?.(draft) ?? null)) onCommit(draft);
  });
  const common = {
    id,
    value: draft,
    placeholder,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-err` : undefined,
    onBlur: commit,
  };
  return (
    <div className="prop">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input {...common} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      )}
      {error && (
        <span id={`${id}-err`} className="prop-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function NumberProp({
  label,
  value,
  onCommit,
  min,
  max,
  step,
  optional,
}: {
  label: string;
  value: number | undefined;
  onCommit: (v: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number;
  optional?: boolean;
}) {
  const pending = useRef(false);
  const [draft, setDraft] = useDraft(value, (v) => (v === undefined ? '' : String(v)));
  const id = useId();
  useCommitOnUnmount(() => {
    if (!pending.current) return;
    const n = Number(draft);
    if (draft.trim() !== '' && Number.isFinite(n) && n !== value) onCommit(Math.min(max ?? Infinity, Math.max(min ?? -Infinity, n)));
  });
  const commit = () => {
    pending.current = false;
    if (draft.trim() === '') {
      if (optional && value !== undefined) onCommit(undefined);
      else setDraft(value === undefined ? '' : String(value));
      return;
    }
    let n = Number(draft);
    if (!Number.isFinite(n)) return setDraft(String(value ?? ''));
    if (min !== undefined) n = Math.max(min, n);
    if (max !== undefined) n = Math.min(max, n);
    if (n !== value) onCommit(n);
    setDraft(String(n));
  };
  return (
    <div className="prop">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={draft}
        min={min}
        max={max}
        step={step ?? 'any'}
        onChange={(e) => {
          pending.current = true;
          setDraft(e.target.value);
        }}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </div>
  );
}

export function SelectProp<T extends string>({
  label,
  value,
  options,
  onCommit,
}: {
  label: string;
  value: T;
  options: readonly T[] | readonly { value: T; label: string }[];
  onCommit: (v: T) => void;
}) {
  const id = useId();
  return (
    <div className="prop">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onCommit(e.target.value as T)}>
        {options.map((o) => {
          const v = typeof o === 'string' ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === 'string' ? o : o.label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export function CheckProp({ label, value, onCommit }: { label: string; value: boolean; onCommit: (v: boolean) => void }) {
  return (
    <label className="prop check">
      <input type="checkbox" checked={value} onChange={(e) => onCommit(e.target.checked)} />
      {label}
    </label>
  );
}

export function ColorProp({ label, value, onCommit }: { label: string; value: string; onCommit: (v: string) => void }) {
  const id = useId();
  const transparent = value === 'transparent';
  const hex = transparent ? '#ffffff' : value.length === 4 ? `#${[...value.slice(1)].map((c) => c + c).join('')}` : value;
  return (
    <div className="prop color">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="color" value={hex} disabled={transparent} onChange={(e) => onCommit(e.target.value)} />
      <label className="check small">
        <input type="checkbox" checked={transparent} onChange={(e) => onCommit(e.target.checked ? 'transparent' : '#000000')} />
        none
      </label>
    </div>
  );
}

/**
 * Which groups the user opened or closed, by title, for the session: the panel is mounted anew for
 * every field and tab switch, and a group the user closed must stay closed (and opened, open).
 */
const openGroups = new Map<string, boolean>();

export function Group({ title, children, open }: { title: string; children: ReactNode; open?: boolean }) {
  const [isOpen] = useState(() => openGroups.get(title) ?? Boolean(open));
  return (
    <details className="group" open={isOpen} onToggle={(e) => openGroups.set(title, e.currentTarget.open)}>
      <summary>{title}</summary>
      <div className="group-body">{children}</div>
    </details>
  );
}
