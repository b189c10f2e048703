#!/usr/bin/env node
// `npx pdf-studio …`: the CLI's TypeScript sources run through tsx, as `npm start` does, so a clean
// checkout needs no build step. The repository's tsconfig (the `@/` alias) is named here because
// tsx would otherwise look for one in the caller's working directory.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/index.ts');
