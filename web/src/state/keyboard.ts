import type { EditorAction } from './editor.js';

/**
 * Editor keyboard shortcuts as a pure mapping from a key event to an action (null: not ours).
 * Arrows nudge by 1 pt, with Shift by 10 pt.
 */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export const NUDGE = 1;
export const NUDGE_SHIFT = 10;

/** What else decides whether a shortcut is the editor's (omitted: the editor takes it). */
export interface KeyContext {
  /** Fields selected in the editor. */
  fieldsSelected?: boolean;
  /** Text selected in the document (e.g. a preflight message): Ctrl+C must copy that text. */
  textSelected?: boolean;
}

export function keyToAction(e: KeyLike, page: number, ctx: KeyContext = {}): EditorAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const step = e.shiftKey ? NUDGE_SHIFT : NUDGE;
  if (!mod && !e.altKey) {
    switch (e.key) {
      case 'ArrowLeft':
        return { type: 'nudge', dx: -step, dy: 0 };
      case 'ArrowRight':
        return { type: 'nudge', dx: step, dy: 0 };
      case 'ArrowUp':
        return { type: 'nudge', dx: 0, dy: -step };
      case 'ArrowDown':
        return { type: 'nudge', dx: 0, dy: step };
      case 'Delete':
      case 'Backspace':
        return { type: 'delete' };
      case 'Escape':
        return { type: 'select', keys: [] };
    }
    return null;
  }
  if (!mod) return null;
  switch (e.key.toLowerCase()) {
    case 'z':
      return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    case 'y':
      return { type: 'redo' };
    case 'c':
      // Copying fields only when fields and no text are selected; else the browser copies the text.
      if (ctx.textSelected || ctx.fieldsSelected === false) return null;
      return { type: 'copy' };
    case 'v':
      return { type: 'paste', page };
    case 'd':
      return { type: 'duplicate' };
    case 'a':
      return { type: 'selectAll', page };
  }
  return null;
}

/** Key events from text inputs belong to the input, not to the editor. */
export function isEditableTarget(t: EventTarget | null): boolean {
  if (!t || typeof (t as HTMLElement).tagName !== 'string') return false;
  const el = t as HTMLElement;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
