import { describe, expect, it } from 'vitest';
import { keyToAction } from './keyboard.js';

const k = (key: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('nudges by 1 pt, or 10 pt with shift', () => {
    expect(keyToAction(k('ArrowLeft'), 1)).toEqual({ type: 'nudge', dx: -1, dy: 0 });
    expect(keyToAction(k('ArrowDown', { shiftKey: true }), 1)).toEqual({ type: 'nudge', dx: 0, dy: 10 });
  });

  it('maps editing shortcuts with Ctrl or Cmd', () => {
    expect(keyToAction(k('z', { ctrlKey: true }), 1)).toEqual({ type: 'undo' });
    expect(keyToAction(k('Z', { metaKey: true, shiftKey: true }), 1)).toEqual({ type: 'redo' });
    expect(keyToAction(k('y', { ctrlKey: true }), 1)).toEqual({ type: 'redo' });
    expect(keyToAction(k('v', { ctrlKey: true }), 3)).toEqual({ type: 'paste', page: 3 });
    expect(keyToAction(k('d', { ctrlKey: true }), 1)).toEqual({ type: 'duplicate' });
    expect(keyToAction(k('Delete'), 1)).toEqual({ type: 'delete' });
    expect(keyToAction(k('x'), 1)).toBeNull();
    expect(keyToAction(k('v'), 1)).toBeNull();
  });

  it('leaves Ctrl+C to the browser when text is selected or no field is', () => {
    expect(keyToAction(k('c', { ctrlKey: true }), 1)).toEqual({ type: 'copy' });
    expect(keyToAction(k('c', { ctrlKey: true }), 1, { fieldsSelected: true, textSelected: false })).toEqual({ type: 'copy' });
    expect(keyToAction(k('c', { metaKey: true }), 1, { fieldsSelected: true, textSelected: true })).toBeNull();
    expect(keyToAction(k('c', { ctrlKey: true }), 1, { fieldsSelected: false })).toBeNull();
  });
});
