import { useEffect, useId, useRef, useState } from 'react';
import type { FieldAdvanced } from '@/shared/domain/field.js';
import { checkExpression, describeValue, parseProblem, type ExpressionCheck, type ExpressionKind } from '../state/expressions.js';
import { Group, useCommitOnUnmount, useDraft } from './inputs.js';

interface Props {
  advanced: FieldAdvanced;
  /** The preview's sample data (parsed; undefined when it is not valid JSON): what the live value is computed from. */
  sample: unknown;
  onCommit: (patch: Pick<Partial<FieldAdvanced>, 'expression' | 'condition'>) => void;
}

/** A field's calculated value and its condition, each checked as it is typed. */
/** Stable: a new empty object per render would recompute the live values on every render. */
const NO_DATA = {};

export function ExpressionProps({ advanced, sample: given, onCommit }: Props) {
  const sample = given ?? NO_DATA;
  return (
    <Group title="Calculation and condition" open={advanced.expression !== undefined || advanced.condition !== undefined}>
      <ExpressionProp
        kind="expression"
        label="Value expression (JSONata)"
        placeholder="$sum(items.(qty * price))"
        value={advanced.expression ?? ''}
        sample={sample}
        onCommit={(s) => onCommit({ expression: s || undefined })}
      />
      <ExpressionProp
        kind="condition"
        label="Show only when (JSONata)"
        placeholder='customer.country = "DE"'
        value={advanced.condition ?? ''}
        sample={sample}
        onCommit={(s) => onCommit({ condition: s || undefined })}
      />
      <p className="hint">
        {given === undefined
          ? 'The sample data in the Preview tab is not valid JSON: these are computed from no data.'
          : 'Computed from the sample data in the Preview tab; generation computes them from each document’s data.'}
      </p>
    </Group>
  );
}

/**
 * The live answer for a draft, recomputed when the text or the sample changes (the latest one
 * wins). Until the new answer is in (a few milliseconds), the previous one stays: no flicker.
 */
function useCheck(source: string, kind: ExpressionKind, sample: unknown): { result: ExpressionCheck; fresh: boolean } | null {
  const [check, setCheck] = useState<{ for: string; sample: unknown; result: ExpressionCheck } | null>(null);
  useEffect(() => {
    let alive = true;
    void checkExpression(source, kind, sample).then((result) => alive && setCheck({ for: source, sample, result }));
    return () => {
      alive = false;
    };
  }, [source, kind, sample]);
  return check && { result: check.result, fresh: check.for === source && check.sample === sample };
}

export function ExpressionProp({
  kind,
  label,
  placeholder,
  value,
  sample,
  onCommit,
}: {
  kind: ExpressionKind;
  label: string;
  placeholder: string;
  value: string;
  sample: unknown;
  onCommit: (v: string) => void;
}) {
  // The text last handed to onCommit: Enter then blur must not save (and add an undo step) twice.
  const sent = useRef<string | null>(null);
  const [draft, setDraft] = useDraft(
    value,
    (v) => v,
    () => (sent.current = null),
  );
  const id = useId();
  const live = useCheck(draft, kind, sample);
  const check = live?.result ?? null;
  // Saved only if it parses and passes the server's refusals (what the server would accept).
  const commit = () => {
    const s = draft.trim();
    if (s === value || s === sent.current || s.length > 2000) return;
    void parseProblem(s).then((problem) => {
      if (problem || sent.current === s) return;
      sent.current = s;
      onCommit(s);
    });
  };
  useCommitOnUnmount(commit);
  const invalid = check?.state === 'invalid' || check?.state === 'failed';
  return (
    <div className="prop expression" data-testid={`${kind}-prop`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="code"
        spellCheck={false}
        value={draft}
        placeholder={placeholder}
        aria-invalid={check?.state === 'invalid' || undefined}
        aria-describedby={`${id}-out`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <output
        id={`${id}-out`}
        htmlFor={id}
        className={invalid ? 'prop-error' : 'expression-result'}
        data-state={live?.fresh ? check!.state : 'pending'}
      >
        {check && <CheckText check={check} source={draft} kind={kind} />}
      </output>
    </div>
  );
}

function CheckText({ check, source, kind }: { check: ExpressionCheck; source: string; kind: ExpressionKind }) {
  switch (check.state) {
    case 'empty':
      return kind === 'condition' ? 'Always shown.' : 'The value comes from the binding key.';
    case 'invalid':
      return (
        <>
          <span role="alert">Not saved: {check.message}</span>
          {check.position !== undefined && (
            // JSONata's position is just after the token it stopped at: that token's last character is marked.
            <code className="expression-where" aria-hidden="true">
              {source.slice(0, Math.max(0, check.position - 1))}
              <mark>{source.slice(Math.max(0, check.position - 1), check.position) || ' '}</mark>
              {source.slice(check.position)}
            </code>
          )}
        </>
      );
    case 'failed':
      return <span role="alert">Fails on the sample data: {check.message}</span>;
    case 'shown':
      return 'Shown for the sample data.';
    case 'hidden':
      return 'Hidden for the sample data.';
    case 'value':
      return `Sample value: ${describeValue(check.value)}`;
  }
}
