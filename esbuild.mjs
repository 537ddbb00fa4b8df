// Bundles the entry points. Type-checking is separate (`npm run typecheck`).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

/** Each entry becomes dist/<name>.js, a self-contained CommonJS bundle for Node 20. */
const entries = {
  // The `bin`: `lint` straight to dist/lint.js, anything else to dist/cli-program.js (commander and the emulator).
  cli: 'src/cli.ts',
  'cli-program': 'src/cliProgram.ts',
  // The app worker runs in its own process; it must never be bundled into the engine.
  worker: 'src/emulator/host/workerMain.ts',
  // The VS Code extension; `vscode` is provided by the extension host.
  extension: 'src/extension/main.ts',
  // The linter's language server, started by the extension's language client in its own process (over IPC): a small
  // entry that loads the server (with the TypeScript compiler) through V8's code cache (src/lint/codeCache.ts).
  'lint-server': 'src/lint/server/boot.ts',
  'lint-server-main': 'src/lint/server/main.ts',
  // The lint CLI: src/lintCommand.ts loads it at run time for `lint` only, through the code cache (it carries the
  // TypeScript compiler, which the emulator's start-up must not load).
  lint: 'src/lint/cliMain.ts',
  // The replay check (src/cliProgram.ts requires it at run time for `replay-check` only) and the replay worker process.
  replay: 'src/debugger/replayEntry.ts',
  // The replay debugger's DAP adapter over stdio (the extension runs the same session inline).
  'debug-adapter': 'src/debugger/dap/adapterMain.ts',
  // The Azure Storage SDKs and what uses them: src/emulator/storage/load.ts requires it at run time only when the
  // app has storage bindings, so start-up without them loads none of it.
  storage: 'src/emulator/storage/runtime.ts',
  // `durable-studio/testing` for CommonJS; dist/testing.mjs (below) re-exports it for ESM.
  testing: 'src/testing/index.ts',
};

/**
 * `import * as ts from 'typescript'` compiles to direct references to TypeScript's exports. TypeScript is one CommonJS
 * file, and esbuild keeps a CommonJS namespace's `ts.isIdentifier` as a read of a getter on an object of 2,000+
 * properties, and the linter's walks make millions of such reads (a sixth of a lint's time). This serves
 * `typescript` through an ES module that names each export once, at load, so esbuild binds `ts.x` to a variable (a
 * copy: TypeScript reassigns only `sys`, `tracing` and `unchangedPollThresholds` after load, through its own setters,
 * which the linter never calls). src/lint must import it as `import * as ts` (eslint.config.mjs says so).
 */
const typescriptExports = {
  name: 'typescript-exports',
  setup(build) {
    const namespace = 'typescript-exports';
    build.onResolve({ filter: /^typescript$/ }, (args) =>
      args.namespace === namespace ? undefined : { path: 'typescript', namespace },
    );
    build.onLoad({ filter: /.*/, namespace }, () => {
      const names = Object.keys(createRequire(import.meta.url)('typescript')).filter(isBindable);
      return {
        contents: `import ts from 'typescript';\nexport default ts;\nexport const { ${names.join(', ')} } = ts;\n`,
        resolveDir: import.meta.dirname,
        loader: 'js',
      };
    });
  },
};

/** A name that can be a `const` (no reserved word). */
function isBindable(name) {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return false;
  try {
    new Function(`const ${name} = 0;`);
    return true;
  } catch {
    return false;
  }
}

/** Options of every Node bundle. */
const node = {
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  // Bundled CJS output of ESM-only packages (lowdb) may reference import.meta.url; map it.
  define: { 'import.meta.url': 'importMetaUrl' },
  // fsevents is optional and macOS-only (chokidar).
  external: ['fsevents', 'vscode'],
  plugins: [typescriptExports],
};
const importMetaUrl = "const importMetaUrl = require('url').pathToFileURL(__filename).href;";
const { cli, ...libraries } = entries;

await Promise.all([
  esbuild.build({ ...node, entryPoints: libraries, banner: { js: importMetaUrl } }),
  // The npm package's `bin`: npm links it as a command, which runs it by its interpreter line.
  esbuild.build({ ...node, entryPoints: { cli }, banner: { js: `#!/usr/bin/env node\n${importMetaUrl}` } }),
]);

// The linter's type checker (src/lint/typeService.ts) needs TypeScript's lib files, which are not in the bundles: the
// ones src/lint/typeLibs.json lists and those they reference, copied to dist/typescript-lib.
const libSource = path.dirname(require.resolve('typescript'));
const libs = new Set();
const addLib = (file) => {
  if (libs.has(file)) return;
  libs.add(file);
  const text = fs.readFileSync(path.join(libSource, file), 'utf8');
  for (const [, name] of text.matchAll(/\/\/\/\s*<reference\s+lib="([^"]+)"/g))
    addLib(`lib.${name.toLowerCase()}.d.ts`);
};
for (const file of JSON.parse(fs.readFileSync('src/lint/typeLibs.json', 'utf8'))) addLib(file);
fs.rmSync('dist/typescript-lib', { recursive: true, force: true });
fs.mkdirSync('dist/typescript-lib', { recursive: true });
for (const file of libs) fs.copyFileSync(path.join(libSource, file), path.join('dist/typescript-lib', file));

// ESM entry of `durable-studio/testing`: the CommonJS bundle's exports, so both module systems share one copy.
fs.writeFileSync(
  'dist/testing.mjs',
  "import testing from './testing.js';\n\nexport const { TestHost } = testing;\nexport default testing;\n",
);

// Webview scripts run in the browser sandbox of a VS Code webview: no Node, no `vscode`, one IIFE each.
await esbuild.build({
  entryPoints: { history: 'src/webview/history/main.ts', instances: 'src/webview/instances/main.ts' },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
});
