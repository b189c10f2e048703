import { useEffect, useState } from 'react';
import type { EditorField } from '../state/fields.js';
import { checkExpression } from '../state/expressions.js';

const NONE: ReadonlySet<string> = new Set();

/**
 * The fields whose condition hides them for the sample data, by editor key: the page marks them,
 * so a condition's effect is seen where the field is. Recomputed when the fields or the sample
 * change; the latest answer wins.
 */
export function useSampleVisibility(fields: readonly EditorField[], sample: unknown): ReadonlySet<string> {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(NONE);
  const conditional = fields.filter((f) => f.advanced.condition !== undefined);
  // One key for "the same conditions": field edits that touch no condition do not recompute.
  const signature = JSON.stringify(conditional.map((f) => [f.key, f.advanced.condition]));
  useEffect(() => {
    let alive = true;
    const list = JSON.parse(signature) as [string, string][];
    if (list.length === 0 || sample === undefined) {
      setHidden(NONE);
      return;
    }
    void Promise.all(
      list.map(async ([key, condition]) => ((await checkExpression(condition, 'condition', sample)).state === 'hidden' ? key : null)),
    ).then((keys) => alive && setHidden(new Set(keys.filter((k): k is string => k !== null))));
    return () => {
      alive = false;
    };
  }, [signature, sample]);
  return hidden;
}
