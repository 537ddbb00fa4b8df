/**
 * The test file "Create Test for Orchestration" writes: one `durable-studio/testing` TestHost started before all
 * tests (reset after each, stopped after all), a mock per activity the orchestrator calls, and one happy-path test
 * that runs the orchestration and checks it completed and called each mocked activity. Written in the idioms of the
 * app's runner (Vitest, Jest or node:test) and module style. Pure text: no VS Code, no file system (unit-tested).
 */

export type TestRunner = 'vitest' | 'jest' | 'node';

export interface TestSpec {
  orchestration: string;
  /** Activity names to mock, in the order the orchestrator calls them first. */
  activities: readonly string[];
  runner: TestRunner;
  /** A TypeScript test file: `import` syntax and a type on `host`. */
  typescript: boolean;
  /** Node runs the test file as an ES module (`import.meta.url`; `import` in JavaScript). */
  esm: boolean;
  /** The command that runs this one file, shown in the header. */
  runCommand?: string;
}

const HOOKS: Record<TestRunner, { before: string; after: string; afterEach: string }> = {
  vitest: { before: 'beforeAll', after: 'afterAll', afterEach: 'afterEach' },
  jest: { before: 'beforeAll', after: 'afterAll', afterEach: 'afterEach' },
  node: { before: 'before', after: 'after', afterEach: 'afterEach' },
};

/** Vitest's and Jest's hook timeouts are short; starting the app's worker can take a few seconds. */
const START_TIMEOUT = '30_000';

export function renderTest(spec: TestSpec): string {
  const name = quote(spec.orchestration);
  const hooks = HOOKS[spec.runner];
  const lines: string[] = [
    `// A test of the orchestration ${oneLine(spec.orchestration)}, created by Durable Studio (Create Test for Orchestration).`,
    "// It runs the function app in durable-studio/testing's TestHost with the activities it calls mocked.",
    ...(spec.runCommand ? [`// Run it with: ${spec.runCommand}`] : []),
    '',
    ...imports(spec),
    '',
    `describe(${quote(`${spec.orchestration} orchestration`)}, () => {`,
    `  let host${spec.typescript ? ': TestHost' : ''};`,
    '',
    `  ${hooks.before}(async () => {`,
    '    // The function app: the nearest folder with a host.json at or above this one (its package.json "main"',
    '    // names the compiled functions TestHost loads).',
    `    host = await TestHost.start({ app: ${appExpression(spec)} });`,
    `  }${spec.runner === 'node' ? '' : `, ${START_TIMEOUT}`});`,
    '',
    `  ${hooks.afterEach}(async () => {`,
    '    await host?.reset();',
    '  });',
    '',
    `  ${hooks.after}(async () => {`,
    '    await host?.stop();',
    '  });',
    '',
    "  it('completes with its activities mocked', async () => {",
    ...mocks(spec.activities),
    `    // TODO: replace the placeholder with an input ${oneLine(spec.orchestration)} expects.`,
    '    const input = { example: true };',
    `    const result = await host.run(${name}, { input });`,
    '',
    ...assertions(spec),
    '  });',
    '});',
    '',
  ];
  return lines.join('\n');
}

function imports(spec: TestSpec): string[] {
  // Vitest cannot be `require`d; it runs test files through its own module transform, so `import` always works there.
  const useImport = spec.typescript || spec.esm || spec.runner === 'vitest';
  const lines: string[] = [];
  /** `{ a, b }` names exports; a plain name is the module object (a namespace, or the default export with `import`). */
  const add = (binding: string, module: string, asDefault = false): void => {
    if (!useImport) lines.push(`const ${binding} = require(${quote(module)});`);
    else if (binding.startsWith('{') || asDefault) lines.push(`import ${binding} from ${quote(module)};`);
    else lines.push(`import * as ${binding} from ${quote(module)};`);
  };
  if (spec.runner === 'vitest') add('{ afterAll, afterEach, beforeAll, describe, expect, it }', 'vitest');
  // Jest's describe, it, expect and hooks are globals.
  if (spec.runner === 'node') {
    add('{ after, afterEach, before, describe, it }', 'node:test');
    // TypeScript compiled to CommonJS has no default export to import without esModuleInterop.
    add('assert', 'node:assert/strict', !spec.typescript);
  }
  if (spec.esm) add('{ fileURLToPath }', 'node:url');
  add('{ TestHost }', 'durable-studio/testing');
  return lines;
}

function appExpression(spec: TestSpec): string {
  return spec.esm ? "fileURLToPath(new URL('.', import.meta.url))" : '__dirname';
}

function mocks(activities: readonly string[]): string[] {
  if (activities.length === 0) {
    return [
      '    // No activity called by a name known before the orchestration runs was found; mock the ones it calls:',
      "    // host.mockActivity('name', (input) => result);",
      '',
    ];
  }
  const lines: string[] = [];
  for (const activity of activities) {
    lines.push(`    // TODO: replace the placeholder with what ${oneLine(activity)} returns for its input.`);
    lines.push(`    host.mockActivity(${quote(activity)}, (_input) => ${quote(`${activity} result`)});`);
  }
  lines.push('');
  return lines;
}

function assertions(spec: TestSpec): string[] {
  if (spec.runner === 'node') {
    return [
      "    assert.equal(result.runtimeStatus, 'Completed', result.summary);",
      ...spec.activities.map(
        (activity) => `    assert.ok(host.calls(${quote(activity)}).length > 0, ${quote(`${activity} was called`)});`,
      ),
    ];
  }
  return [
    // The one-line summary (status, failure, last events) shows when the run did not complete.
    spec.runner === 'vitest'
      ? "    expect(result.runtimeStatus, result.summary).toBe('Completed');"
      : "    expect(result).toMatchObject({ runtimeStatus: 'Completed' });",
    ...spec.activities.map((activity) => `    expect(host.calls(${quote(activity)}).length).toBeGreaterThan(0);`),
  ];
}

/** A single-quoted JavaScript string literal. */
export function quote(text: string): string {
  const escaped = text.replace(/[\\'\n\r\u2028\u2029]/g, (c) =>
    c === '\\' ? '\\\\' : c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${escaped}'`;
}

/** A name as it may appear in a `//` comment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
