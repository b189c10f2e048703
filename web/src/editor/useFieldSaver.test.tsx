// @vitest-environment jsdom
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { DEFAULT_STYLE, makeField, type EditorField } from '../state/fields.js';
import { SaveIndicator } from './SaveIndicator.js';
import { frameRootPerTest, microtask } from '../test-frames.js';
import { useFieldSaver } from './useFieldSaver.js';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

const LOADED: EditorField[] = [];

function Harness({ client }: { client: ApiClient }) {
  const [fields, setFields] = useState<EditorField[]>(LOADED);
  const { save } = useFieldSaver(client, 't1', LOADED, fields);
  const add = () =>
    setFields((fs) => [
      ...fs,
      makeField('text', 1, { x: 10, y: 10, width: 100, height: 20 }, DEFAULT_STYLE, new Set(fs.map((f) => f.bindingKey))),
    ]);
  return (
    <>
      <button type="button" onClick={add}>
        add
      </button>
      <span data-testid="count">{fields.length}</span>
      <SaveIndicator save={save} onRetry={() => undefined} />
    </>
  );
}

// Rendered without act() (web/src/test-frames.ts): the in-between frame is what this test is about.
describe('useFieldSaver', () => {
  const frame = frameRootPerTest();

  it('says "unsaved" in the same frame as the change that made it so', async () => {
    const fetchMock = vi.fn(() => new Promise<Response>(() => undefined)); // no save ever finishes
    const client = new ApiClient('', memory(), fetchMock as unknown as typeof fetch);
    flushSync(() => frame.root.render(<Harness client={client} />));
    const status = () => frame.host.querySelector('[data-testid="save-state"]')!.getAttribute('data-status');
    expect(status()).toBe('saved');

    // A real click is a discrete event: React renders and commits it in a microtask, before the
    // browser gets control back. Whatever the page shows then is what a user (or a browser test)
    // can act on; anything left to a later task is a frame where the page says the wrong thing.
    frame.host.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await microtask();
    expect(frame.host.querySelector('[data-testid="count"]')!.textContent).toBe('1');
    expect(status()).toBe('unsaved');
  });
});
