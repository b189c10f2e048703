import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Some suites need Debian tools (poppler's pdftoppm for page images, chromium for the studio) and
 * skip, saying why, on a machine without them. CI installs them (.ci/run), so there a missing tool
 * is a failure, not a silent skip.
 */
const tools = {
  pdftoppm: ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'],
  chromium: [process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'],
};

describe('test environment', () => {
  for (const [tool, paths] of Object.entries(tools)) {
    it(`${tool} is installed${process.env.CI ? ' (required in CI)' : ' (optional locally)'}`, () => {
      const found = paths.some((p) => existsSync(p));
      if (!found && !process.env.CI) {
        console.warn(`${tool} not found at ${paths.join(' or ')}: the suites that need it skip (CI installs it)`);
        return;
      }
      expect(found, `${tool} must be installed in CI (see .ci/run)`).toBe(true);
    });
  }
});
