import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

/**
 * For tests of what the page shows in one frame: a React root rendered without testing-library's
 * act(), which flushes every pending update before it returns and so hides exactly the in-between
 * frame such a test is about. A real event is then rendered by React in a microtask: dispatch it,
 * `await microtask()`, and read the page as a user (or a browser test) would see it.
 */
export interface FrameRoot {
  host: HTMLElement;
  root: Root;
  close: () => void;
}

type ActEnvironment = { IS_REACT_ACT_ENVIRONMENT?: boolean };

export function openFrameRoot(): FrameRoot {
  const g = globalThis as ActEnvironment;
  const previous = g.IS_REACT_ACT_ENVIRONMENT;
  g.IS_REACT_ACT_ENVIRONMENT = false;
  const host = document.body.appendChild(document.createElement('div'));
  const root = createRoot(host);
  return {
    host,
    root,
    close() {
      root.unmount();
      host.remove();
      g.IS_REACT_ACT_ENVIRONMENT = previous;
    },
  };
}

/** A fresh frame root for each test of the calling describe block (read its fields inside the tests). */
export function frameRootPerTest(): FrameRoot {
  const current = {} as FrameRoot;
  beforeEach(() => {
    Object.assign(current, openFrameRoot());
  });
  afterEach(() => current.close());
  return current;
}

/** Lets React render what a discrete event (a click, a key) scheduled. */
export const microtask = (): Promise<void> => new Promise<void>((resolve) => queueMicrotask(resolve));
