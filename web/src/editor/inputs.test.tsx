// @vitest-environment jsdom
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { describe, expect, it, vi } from 'vitest';
import { frameRootPerTest, microtask } from '../test-frames.js';
import { NumberProp, TextProp } from './inputs.js';

/**
 * The property inputs show the field's value in the same frame the value changes (an undo, a redo),
 * and never write their previous draft back when they go away. Rendered without act() (see
 * useFieldSaver.test.tsx): act() would flush the in-between frame these tests are about.
 */

function Harness({ onCommit, onNumber }: { onCommit: (v: string) => void; onNumber: (v: number | undefined) => void }) {
  const [value, setValue] = useState('old name');
  const [width, setWidth] = useState(100);
  const [shown, setShown] = useState(true);
  return (
    <>
      <button type="button" data-testid="undo" onClick={() => (setValue('new name'), setWidth(40))}>
        undo
      </button>
      <button type="button" data-testid="select-other" onClick={() => setShown(false)}>
        select another field
      </button>
      {shown && (
        <>
          <TextProp label="Name" value={value} onCommit={onCommit} />
          <NumberProp label="Width" value={width} onCommit={onNumber} />
        </>
      )}
    </>
  );
}

describe('TextProp and NumberProp', () => {
  const frame = frameRootPerTest();

  const click = (id: string) =>
    frame.host.querySelector(`[data-testid="${id}"]`)!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  const input = (i: number) => frame.host.querySelectorAll('input')[i];

  it('show a value changed from outside in the same frame', async () => {
    flushSync(() => frame.root.render(<Harness onCommit={() => undefined} onNumber={() => undefined} />));
    expect(input(0).value).toBe('old name');
    click('undo');
    await microtask();
    expect(input(0).value).toBe('new name');
    expect(input(1).value).toBe('40');
  });

  it('do not write the previous value back when unmounted right after an outside change', async () => {
    const onCommit = vi.fn();
    const onNumber = vi.fn();
    flushSync(() => frame.root.render(<Harness onCommit={onCommit} onNumber={onNumber} />));
    // An undo, then at once a click on another field (the panel is keyed by field: it unmounts).
    click('undo');
    await microtask();
    click('select-other');
    await microtask();
    expect(frame.host.querySelectorAll('input').length).toBe(0);
    expect(onCommit).not.toHaveBeenCalled();
    expect(onNumber).not.toHaveBeenCalled();
  });
});
