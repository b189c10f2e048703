import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as EngineModule from '@prisma/schema-engine-wasm';

/**
 * Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned: an internal
 * API). The CLI would download a native engine, which our machines cannot do.
 *
 * Why we instantiate the .wasm ourselves: the package's entry does `import * as wasm from "./x.wasm"`,
 * which Node 20 only allows with `--experimental-wasm-modules` (and tsx/vitest do not pass it).
 * The entry is three lines of wasm-bindgen glue; we do the same with the public WebAssembly API:
 * compile the bytes, link them to the package's JS half (`./schema_engine_bg`), start. This works
 * unchanged from tsx, vitest, plain node and bundles, with no flag and no subprocess.
 */

type Bg = typeof EngineModule & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let loading: Promise<typeof EngineModule> | undefined;

export function loadSchemaEngine(): Promise<typeof EngineModule> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Bg;
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return loading;
}
