/**
 * Bundles every src/lambda/<name>.ts into dist/lambda/<name>/index.mjs with esbuild (ESM, Node 24,
 * the `@/` alias resolved from tsconfig.json paths), copies the few runtime files some functions
 * read from disk, and prints a size report against a budget. serverless.yml zips these folders.
 *
 *   tsx scripts/build.ts [--srcdir DIR] [--outdir DIR] [--strict] [--placeholders] [--budget-kb N] [--json FILE]
 *
 * --strict        fail when a function of serverless.yml (scripts/infra/catalog.ts) has no source
 * --placeholders  write a stub bundle for each missing function (offline packaging only; refused
 *                 for the default outdir so a stub can never be deployed from dist/lambda)
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions as BuildOptionsOfEsbuild, type Metafile, type Plugin } from 'esbuild';
import { FUNCTIONS } from './infra/catalog.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SRC = path.join(ROOT, 'src/lambda');
export const DEFAULT_OUT = path.join(ROOT, 'dist/lambda');
/**
 * Per-bundle budget (uncompressed index.mjs). Lambda allows 250 MB unzipped, but cold starts grow
 * with what must be parsed. Prisma 7's PostgreSQL query compiler alone is ~4.5 MB (base64 WASM),
 * so a handler that touches the database is ~9 MB; the PDF engine (fontkit, bwip-js, pdf-lib and
 * the decrypting fork) adds ~4 MB to api and pdf-generation (~14 MB). 16 MB leaves room, not a habit.
 */
export const DEFAULT_BUDGET_KB = 16384;

/** Packages no handler can load in Lambda (optional native/edge drivers of `pg`). */
const ALWAYS_EXTERNAL = ['pg-native', 'cloudflare:sockets'];

/**
 * What some functions read from disk at run time, shipped beside their bundle:
 * - copy: repo files the code finds relative to its module (import.meta.url is the bundle);
 * - packages: loaded with import()/require at run time -> external + copied to node_modules/;
 * - assetPackages: only located with require.resolve (fonts) -> copied (filtered), not external.
 */
interface Extras {
  copy?: [from: string, to: string][];
  packages?: string[];
  assetPackages?: { name: string; keep: RegExp }[];
}
const FONT_PACKAGES: Extras['assetPackages'] = [
  { name: 'dejavu-fonts-ttf', keep: /^(package\.json|ttf\/DejaVu(Sans|Serif|SansMono)(-Bold)?(-(Oblique|Italic)|Oblique|Italic)?\.ttf)$/ },
  ...['arimo', 'tinos', 'cousine'].map((f) => ({
    name: `@fontsource/${f}`,
    keep: /^(package\.json|files\/[a-z]+-[a-z-]+-(400|700)-(normal|italic)\.woff)$/,
  })),
  // Optional script fonts (Arabic, Hebrew, Devanagari, Thai; see src/pdf/fonts/script-fonts.ts):
  // only each script's own unicode-range file in the two weights the registry uses.
  ...['arabic', 'hebrew', 'devanagari', 'thai'].map((sc) => ({
    name: `@fontsource/noto-sans-${sc}`,
    keep: new RegExp(`^(package\\.json|LICENSE\\w*|files/noto-sans-${sc}-${sc}-(400|700)-normal\\.woff)$`),
  })),
  // Optional (CJK): skipped when not installed; only the two static weights the registry uses
  // (JP 2 × 5.4 MB, SC 2 × 10.5 MB, KR 2 × 6.2 MB).
  ...['JP', 'SC', 'KR'].map((r) => ({
    name: `@expo-google-fonts/noto-sans-${r.toLowerCase()}`,
    keep: new RegExp(`^(package\\.json|LICENSE\\w*|400Regular/NotoSans${r}_400Regular\\.ttf|700Bold/NotoSans${r}_700Bold\\.ttf)$`),
  })),
];
const EXTRAS: Record<string, Extras> = {
  // @fastify/swagger-ui reads its logo and serves its assets from `static/` beside the module
  // (src/api/app.ts points it there when that folder sits beside the bundle).
  // harfbuzzjs loads its WebAssembly from beside its own module: kept external and copied.
  // libxml2-wasm (the Factur-X XSD check) likewise: external and copied, its 1.3 MB of WebAssembly
  // kept out of index.mjs.
  api: {
    assetPackages: FONT_PACKAGES,
    packages: ['harfbuzzjs', 'libxml2-wasm'],
    copy: [['node_modules/@fastify/swagger-ui/static', 'static']],
  },
  'pdf-generation': { assetPackages: FONT_PACKAGES, packages: ['harfbuzzjs', 'libxml2-wasm'] },
  migrate: {
    copy: [
      ['src/shared/database/prisma/migrations', 'migrations'],
      ['src/shared/database/prisma/schema.prisma', 'schema.prisma'],
    ],
    // The migrator loads the schema engine (WASM) and PGlite (its shadow database) at run time.
    packages: ['@prisma/schema-engine-wasm', '@electric-sql/pglite'],
  },
};

/**
 * Modules only the embedded runtime loads (PGlite + its socket server, the in-process DynamoDB
 * server). Their callers import them dynamically inside the embedded branch; a Lambda always runs in
 * aws mode against RDS and DynamoDB, so the bundle gets a stub that says so instead of ~1 MB of code.
 */
const EMBEDDED_ONLY = /(^|\/)(embedded-postgres|local-server)\.js$/;
const leaveOutEmbedded: Plugin = {
  name: 'leave-out-embedded',
  setup(b) {
    b.onResolve({ filter: EMBEDDED_ONLY }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'embedded-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'embedded-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is part of the embedded runtime and is not in Lambda bundles (set DATABASE_URL / DB_SECRET_ARN and PDF_STUDIO_MODE=aws)`)});`,
      loader: 'js',
    }));
  },
};

function esbuildOptions(srcDir: string, outDir: string, entries: string[]): BuildOptionsOfEsbuild & { metafile: true } {
  return {
    entryPoints: Object.fromEntries(entries.map((e) => [`${e}/index`, path.join(srcDir, `${e}.ts`)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    // Lets sources outside the repo (tests' temporary handlers) resolve the repo's packages.
    nodePaths: [path.join(ROOT, 'node_modules')],
    // Readable stack traces in CloudWatch: strip whitespace and simplify syntax, keep names.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: 'external',
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require/__dirname.
    banner: {
      js: [
        "import { createRequire as __cr } from 'node:module';",
        "import { fileURLToPath as __fu } from 'node:url';",
        "import { dirname as __dn } from 'node:path';",
        'const require = __cr(import.meta.url);',
        'const __filename = __fu(import.meta.url);',
        'const __dirname = __dn(__filename);',
      ].join(''),
    },
  };
}

/** Resolves the given packages to an empty module (see buildLambdas: functions that never load them). */
function stubPackages(names: string[]): Plugin {
  return {
    name: 'stub-runtime-packages',
    setup(b) {
      b.onResolve({ filter: /^[@a-z]/ }, (args) => (names.includes(args.path) ? { path: args.path, namespace: 'not-shipped' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'not-shipped' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

export const PLACEHOLDER = `// Placeholder bundle for offline packaging (scripts/build.ts --placeholders). Never deployed.
export const handler = async () => { throw new Error('placeholder bundle: run npm run build with the real src/lambda handlers'); };
`;

export interface BundleReport {
  name: string;
  /** index.mjs, uncompressed: what the budget limits. */
  bytes: number;
  /** Everything the function's zip holds (bundle + shipped files, no source maps). */
  totalBytes: number;
  placeholder: boolean;
  /** Largest contributors (package or source directory) by bytes in the output. */
  top: { input: string; bytes: number }[];
}

export interface BuildOptions {
  srcDir?: string;
  outDir?: string;
  strict?: boolean;
  placeholders?: boolean;
  quiet?: boolean;
}

export async function lambdaEntries(srcDir = DEFAULT_SRC): Promise<string[]> {
  if (!existsSync(srcDir)) return [];
  return (await readdir(srcDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function contributors(meta: Metafile, output: string): BundleReport['top'] {
  const byGroup = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[output]?.inputs ?? {})) {
    const nm = input.lastIndexOf('node_modules/');
    const group =
      nm >= 0
        ? input
            .slice(nm + 13)
            .split('/')
            .slice(0, input.slice(nm + 13).startsWith('@') ? 2 : 1)
            .join('/')
        : path.dirname(input);
    byGroup.set(group, (byGroup.get(group) ?? 0) + bytesInOutput);
  }
  return [...byGroup.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([input, bytes]) => ({ input, bytes }));
}

export async function buildLambdas(opts: BuildOptions = {}): Promise<BundleReport[]> {
  const srcDir = opts.srcDir ?? DEFAULT_SRC;
  const outDir = path.resolve(opts.outDir ?? DEFAULT_OUT);
  if (opts.placeholders && outDir === DEFAULT_OUT) {
    throw new Error('--placeholders is for offline packaging into another --outdir, never dist/lambda');
  }
  const entries = await lambdaEntries(srcDir);
  const missing = FUNCTIONS.map((f) => f.entry).filter((e) => !entries.includes(e));
  if (missing.length && opts.strict) {
    throw new Error(`serverless.yml needs src/lambda/{${missing.join(',')}}.ts, which do not exist`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const reports: BundleReport[] = [];

  if (entries.length) {
    // Functions that load run-time packages (migrate: the schema engine and PGlite) are built on
    // their own with those packages external and shipped; every other function gets a stub in their
    // place, so a static import somewhere below (PGlite's Prisma adapter) cannot make its cold start
    // look for a package its zip does not hold.
    const runtimePackages = [...new Set(Object.values(EXTRAS).flatMap((x) => x.packages ?? []))];
    const groups = [
      ...entries.filter((e) => EXTRAS[e]?.packages?.length).map((e) => ({ entries: [e], external: EXTRAS[e]!.packages!, stub: [] })),
      { entries: entries.filter((e) => !EXTRAS[e]?.packages?.length), external: [], stub: runtimePackages },
    ].filter((g) => g.entries.length);
    const metafile: Metafile = { inputs: {}, outputs: {} };
    for (const group of groups) {
      const result = await build({
        ...esbuildOptions(srcDir, outDir, group.entries),
        external: [...ALWAYS_EXTERNAL, ...group.external],
        plugins: [leaveOutEmbedded, ...(group.stub.length ? [stubPackages(group.stub)] : [])],
      });
      Object.assign(metafile.inputs, result.metafile.inputs);
      Object.assign(metafile.outputs, result.metafile.outputs);
    }
    const result = { metafile };
    for (const e of entries) {
      const rel = path
        .relative(ROOT, path.join(outDir, e, 'index.mjs'))
        .split(path.sep)
        .join('/');
      const key = Object.keys(result.metafile.outputs).find((o) => o.endsWith(`${e}/index.mjs`)) ?? rel;
      await copyExtras(e, path.join(outDir, e));
      const bytes = (await stat(path.join(outDir, e, 'index.mjs'))).size;
      reports.push({
        name: e,
        bytes,
        totalBytes: await folderBytes(path.join(outDir, e)),
        placeholder: false,
        top: contributors(result.metafile, key),
      });
    }
  }
  if (opts.placeholders) {
    for (const e of missing) {
      await mkdir(path.join(outDir, e), { recursive: true });
      await writeFile(path.join(outDir, e, 'index.mjs'), PLACEHOLDER);
      const bytes = Buffer.byteLength(PLACEHOLDER);
      reports.push({ name: e, bytes, totalBytes: bytes, placeholder: true, top: [] });
    }
  }
  if (!opts.quiet && missing.length && !opts.placeholders) {
    console.warn(`warning: no source yet for ${missing.map((m) => `src/lambda/${m}.ts`).join(', ')} (packaging needs all of them)`);
  }
  return reports.sort((a, b) => a.name.localeCompare(b.name));
}

async function copyExtras(entry: string, dir: string): Promise<void> {
  const extras = EXTRAS[entry];
  for (const [from, to] of extras?.copy ?? []) {
    if (existsSync(path.join(ROOT, from))) await cp(path.join(ROOT, from), path.join(dir, to), { recursive: true });
  }
  const copyPackage = async (name: string, keep?: RegExp) => {
    const src = path.join(ROOT, 'node_modules', name);
    if (!existsSync(src)) return;
    await cp(src, path.join(dir, 'node_modules', name), {
      recursive: true,
      dereference: true,
      filter: (file) => {
        const rel = path.relative(src, file).split(path.sep).join('/');
        return !keep || rel === '' || !path.extname(rel) || keep.test(rel);
      },
    });
  };
  // Whole runtime packages minus source maps and PGlite's optional extension tarballs.
  for (const pkg of extras?.packages ?? []) await copyPackage(pkg, /^(?!.*\.map$)(?!.*\.tar\.gz$)/);
  for (const pkg of extras?.assetPackages ?? []) await copyPackage(pkg.name, pkg.keep);
}

/** Bytes of a function's folder (bundle + shipped files, without source maps): what the zip holds. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.name.endsWith('.map')) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

export function formatReport(reports: BundleReport[], budgetKb = DEFAULT_BUDGET_KB): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [`Lambda bundles (budget ${budgetKb} KB each):`];
  for (const r of reports) {
    const flag = r.placeholder ? ' (placeholder)' : r.bytes > budgetKb * 1024 ? '  OVER BUDGET' : '';
    lines.push(`  ${r.name.padEnd(22)} bundle ${kb(r.bytes).padStart(11)}   shipped ${kb(r.totalBytes).padStart(11)}${flag}`);
    for (const t of r.top) lines.push(`      ${kb(t.bytes).padStart(11)}  ${t.input}`);
  }
  return lines.join('\n');
}

export function overBudget(reports: BundleReport[], budgetKb = DEFAULT_BUDGET_KB): BundleReport[] {
  return reports.filter((r) => !r.placeholder && r.bytes > budgetKb * 1024);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const budgetKb = Number(value('--budget-kb') ?? DEFAULT_BUDGET_KB);
  const started = Date.now();
  const reports = await buildLambdas({
    srcDir: value('--srcdir'),
    outDir: value('--outdir'),
    strict: args.includes('--strict'),
    placeholders: args.includes('--placeholders'),
  });
  console.log(formatReport(reports, budgetKb));
  console.log(`built ${reports.length} bundle(s) in ${Date.now() - started} ms`);
  const json = value('--json');
  if (json) await writeFile(json, JSON.stringify({ budgetKb, reports }, null, 2));
  const over = overBudget(reports, budgetKb);
  if (over.length) {
    console.error(`Over the ${budgetKb} KB budget: ${over.map((r) => r.name).join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
