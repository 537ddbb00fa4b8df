/**
 * The near-miss corpus: correct orchestrator code that looks like a hazard, written the way apps really write it.
 * Every case is a small app (the orchestrator, and the activities and entities it calls, so the rules that know
 * the app have what they need) and must lint with no finding at all, from any rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFiles } from './lint-harness.js';

const IMPORT = "import * as df from 'durable-functions';";

/** Activities and an entity most cases call. */
const APP = `${IMPORT}
df.app.activity('getItems', { handler: async () => [1, 2, 3] });
df.app.activity('process', { handler: async (item: number) => item * 2 });
df.app.activity('notify', { handler: async (message: string) => message });
df.app.activity('checkStatus', { handler: async (jobId: string) => ({ done: jobId.length > 3 }) });
df.app.activity('getTime', { handler: () => new Date().toISOString() });
df.app.orchestration('child', function* (context) { return context.df.getInput(); });
df.app.entity('counter', (context) => {
  const value: number = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + (context.df.getInput() as number));
      break;
    case 'reset':
      context.df.setState(0);
      break;
    case 'get':
      context.df.return(value);
      break;
  }
});
`;

function orch(body: string, header = ''): string {
  return `${IMPORT}\n${header}\ndf.app.orchestration('near', function* (context) {\n${body}\n});\n`;
}

const CASES: Record<string, string | Record<string, string>> = {
  'fan-out/fan-in with Task.all': orch(`  const items: number[] = yield context.df.callActivity('getItems');
  const tasks = items.map((item) => context.df.callActivity('process', item));
  const results: number[] = yield context.df.Task.all(tasks);
  return results.reduce((sum, value) => sum + value, 0);`),
  'tasks pushed into an array then yielded': orch(`  const tasks = [];
  for (const item of [1, 2, 3]) tasks.push(context.df.callActivity('process', item));
  return yield context.df.Task.all(tasks);`),
  'human interaction: the timer is cancelled when the event wins':
    orch(`  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 72 * 60 * 60 * 1000);
  const approval = context.df.waitForExternalEvent('approve');
  const timeout = context.df.createTimer(deadline);
  const winner = yield context.df.Task.any([approval, timeout]);
  if (winner === approval) {
    timeout.cancel();
    return 'approved';
  }
  return 'timed out';`),
  'timer cancelled when not completed':
    orch(`  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  const event = context.df.waitForExternalEvent('done');
  yield context.df.Task.any([event, timer]);
  if (!timer.isCompleted) timer.cancel();
  return event.isCompleted;`),
  'monitor: bounded loop with durable timers':
    orch(`  const expiry = new Date(context.df.currentUtcDateTime.getTime() + 6 * 60 * 60 * 1000);
  while (context.df.currentUtcDateTime < expiry) {
    const status: { done: boolean } = yield context.df.callActivity('checkStatus', 'job-1');
    if (status.done) {
      yield context.df.callActivity('notify', 'job done');
      break;
    }
    const next = new Date(context.df.currentUtcDateTime.getTime() + 30_000);
    yield context.df.createTimer(next);
  }`),
  'eternal orchestration with continueAsNew': orch(`  const count: number = context.df.getInput() ?? 0;
  yield context.df.callActivity('process', count);
  const next = new Date(context.df.currentUtcDateTime.getTime() + 60 * 60 * 1000);
  yield context.df.createTimer(next);
  context.df.continueAsNew(count + 1);
  return;`),
  'infinite loop that exits by return': orch(`  for (;;) {
    const status: { done: boolean } = yield context.df.callActivity('checkStatus', 'job-2');
    if (status.done) return 'done';
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5000));
  }`),
  'logging guarded by isReplaying': orch(`  if (!context.df.isReplaying) console.log('starting', context.df.instanceId);
  const result = yield context.df.callActivity('process', 1);
  if (!context.df.isReplaying) {
    console.info('processed', result);
  }
  return result;`),
  'deterministic time arithmetic': orch(`  const now = context.df.currentUtcDateTime;
  const tomorrow = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  const iso = new Date(now).toISOString();
  const parsed = new Date('2030-01-01T00:00:00Z');
  const later = parsed > now ? parsed : tomorrow;
  yield context.df.createTimer(later);
  return iso;`),
  'ids from newGuid': orch(`  const orderId = context.df.newGuid(context.df.instanceId);
  yield context.df.callActivity('notify', \`order \${orderId}\`);`),
  'entity call and signal with handled operations': orch(`  const id = new df.EntityId('counter', 'c1');
  context.df.signalEntity(id, 'add', 1);
  const value: number = yield context.df.callEntity(id, 'get');
  return value;`),
  'critical section with lock': orch(`  const id = new df.EntityId('counter', 'shared');
  const lock = yield context.df.lock([id]);
  try {
    yield context.df.callEntity(id, 'add', 5);
  } finally {
    lock.release();
  }`),
  'sub-orchestration with retry options': orch(`  const retry = new df.RetryOptions(5000, 3);
  const result = yield context.df.callSubOrchestratorWithRetry('child', retry, { step: 1 });
  const again = yield context.df.callActivityWithRetry('process', retry, 2);
  return [result, again];`),
  'callHttp instead of fetch':
    orch(`  const response = yield context.df.callHttp({ method: 'GET', url: 'https://example.com/api/status' });
  return response.statusCode;`),
  'custom status and outputs': orch(`  context.df.setCustomStatus({ stage: 'started' });
  const r = yield context.df.callActivity('process', 1);
  context.df.setCustomStatus({ stage: 'done', r });
  return r;`),
  'local state mutated freely': orch(`  const seen = new Set<number>();
  const totals = new Map<string, number>();
  let count = 0;
  for (const item of [1, 2, 2, 3]) {
    if (seen.has(item)) continue;
    seen.add(item);
    count++;
    totals.set(String(item), yield context.df.callActivity('process', item));
  }
  return { count, totals: [...totals] };`),
  'module-level constants only read': orch(
    `  const limits = LIMITS.maxItems;
  const names = STEPS.map((s) => s.toUpperCase());
  return yield context.df.callActivity('notify', \`\${limits} \${names.join()} \${RETRY_MS}\`);`,
    "const LIMITS = { maxItems: 10 } as const;\nconst STEPS = ['a', 'b'];\nconst RETRY_MS = 5000;",
  ),
  'a shadowed Date, Math and fetch': orch(`  const Date = { now: () => 0 };
  const Math = { random: () => 0.5 };
  const fetch = (url: string) => context.df.callHttp({ method: 'GET', url });
  const t = Date.now() + Math.random();
  return yield fetch('https://example.com/' + t);`),
  'environment read in the starter and passed as input':
    orch(`  const { region } = context.df.getInput() as { region: string };
  return yield context.df.callActivity('notify', region);`),
  'pure helper functions and class helpers': {
    'orch.ts': orch(
      `  const price = Pricing.total([1, 2, 3]);
  const label = new Formatter('order').format(price);
  const doubled = [1, 2].map(double);
  return yield context.df.callActivity('notify', label + doubled.join());`,
      "import { Pricing, Formatter, double } from './helpers';",
    ),
    'helpers.ts': `export class Pricing {
  static total(items: number[]): number {
    return items.reduce((a, b) => a + b, 0);
  }
}
export class Formatter {
  constructor(private readonly prefix: string) {}
  format(value: number): string {
    return \`\${this.prefix}: \${value.toFixed(2)}\`;
  }
}
export const double = (n: number) => n * 2;
`,
  },
  'generator helper delegated with yield*': {
    'orch.ts': orch(
      `  const total: number = yield* sumAll(context, [1, 2, 3]);\n  return total;`,
      "import { sumAll } from './steps';",
    ),
    'steps.ts': `import type * as df from 'durable-functions';
export function* sumAll(context: df.OrchestrationContext, items: number[]) {
  const results: number[] = yield context.df.Task.all(items.map((i) => context.df.callActivity('process', i)));
  return results.reduce((a, b) => a + b, 0);
}
`,
  },
  'activity names through constants and an enum': orch(
    `  yield context.df.callActivity(Names.Process, 1);
  yield context.df.callActivity(ACTIVITY.notify, 'x');`,
    "enum Names { Process = 'process' }\nconst ACTIVITY = { notify: 'notify' } as const;",
  ),
  'activity name computed at run time': orch(`  const { step } = context.df.getInput() as { step: string };
  return yield context.df.callActivity(step, 1);`),
  'hazards inside activities, entities and HTTP starters are fine': `${IMPORT}
import { app } from '@azure/functions';
df.app.activity('stamp', { handler: async () => ({ at: Date.now(), id: crypto.randomUUID(), env: process.env.REGION }) });
app.http('start', {
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const id = await client.startNew('near', { input: { at: new Date().toISOString() } });
    return client.createCheckStatusResponse(request, id);
  },
});
df.app.orchestration('near', function* (context) {
  return yield context.df.callActivity('stamp');
});
`,
  'a durable timer used as a delay':
    orch(`  const resumeAt = new Date(context.df.currentUtcDateTime.getTime() + 10 * 1000);
  yield context.df.createTimer(resumeAt);
  return yield context.df.callActivity('notify', 'resumed');`),
  'Task.any over activities': orch(`  const a = context.df.callActivity('process', 1);
  const b = context.df.callActivity('process', 2);
  const first = yield context.df.Task.any([a, b]);
  return first.result;`),
  'error handling around a failed activity': orch(`  try {
    return yield context.df.callActivity('process', -1);
  } catch (error) {
    yield context.df.callActivity('notify', \`failed: \${(error as Error).message}\`);
    return null;
  }`),
  'external event without a timer': orch(`  const approved: boolean = yield context.df.waitForExternalEvent('approval');
  return approved ? 'yes' : 'no';`),
  'sorting and JSON with deterministic inputs':
    orch(`  const items: number[] = yield context.df.callActivity('getItems');
  const sorted = [...items].sort((a, b) => a - b);
  const copy = JSON.parse(JSON.stringify(sorted)) as number[];
  return copy.slice(0, 2);`),
  'string and number formatting': orch(`  const n = (yield context.df.callActivity('process', 21)) as number;
  return \`\${n.toLocaleString('en-US')} \${Number.parseInt('42', 10)} \${Math.max(n, 1)} \${Math.floor(n / 2)}\`;`),
  'Promise used only outside the orchestrator': `${IMPORT}
async function load(): Promise<number> {
  return Promise.resolve(1);
}
df.app.activity('load', { handler: load });
df.app.orchestration('near', function* (context) {
  return yield context.df.callActivity('load');
});
`,
  'date-time library fed the orchestration time': orch(
    `  const start = DateTime.fromJSDate(context.df.currentUtcDateTime);
  const end = start.plus({ hours: 1 }).toJSDate();
  yield context.df.createTimer(end);
  const day = dayjs(context.df.currentUtcDateTime).format('YYYY-MM-DD');
  return day;`,
    "import { DateTime } from 'luxon';\nimport dayjs from 'dayjs';",
  ),
  'lodash without randomness': orch(
    `  const items: number[] = yield context.df.callActivity('getItems');
  return _.sortBy(_.uniq(items)).map((i) => _.padStart(String(i), 3, '0'));`,
    "import _ from 'lodash';",
  ),
  'date-fns arithmetic on a given date': orch(
    `  const due = addDays(context.df.currentUtcDateTime, 1);
  yield context.df.createTimer(due);
  return format(due, 'yyyy-MM-dd');`,
    "import { addDays, format } from 'date-fns';",
  ),
  'console in an activity, guarded log in the orchestrator': `${IMPORT}
df.app.activity('report', { handler: async (msg: string) => { console.log(msg); return msg.length; } });
df.app.orchestration('near', function* (context) {
  const n = yield context.df.callActivity('report', 'hello');
  if (!context.df.isReplaying) console.log('length', n);
  return n;
});
`,
  'timers set in the future from the input':
    orch(`  const { delayMinutes } = context.df.getInput() as { delayMinutes: number };
  const due = new Date(context.df.currentUtcDateTime.getTime() + delayMinutes * 60_000);
  yield context.df.createTimer(due);`),
  'continueAsNew followed only by return': orch(`  const n: number = context.df.getInput() ?? 0;
  if (n < 10) {
    yield context.df.callActivity('process', n);
    context.df.continueAsNew(n + 1);
    return;
  }
  return n;`),
  'a WeakMap cache local to the orchestrator': orch(`  const cache = new Map<string, number>();
  cache.set('a', yield context.df.callActivity('process', 1));
  return cache.get('a');`),
  'process.env read in an activity helper called by the activity only': {
    'orch.ts': orch(`  return yield context.df.callActivity('settings');`),
    'settings.ts': `${IMPORT}
function region(): string {
  return process.env.REGION ?? 'westeurope';
}
df.app.activity('settings', { handler: async () => ({ region: region(), at: Date.now() }) });
`,
  },
  'signalEntity from a client to a handled operation': `${IMPORT}
import { app } from '@azure/functions';
app.http('add', {
  extraInputs: [df.input.durableClient()],
  handler: async (_request, context) => {
    const client = df.getClient(context);
    await client.signalEntity(new df.EntityId('counter', 'c1'), 'add', 1);
    return { status: 202 };
  },
});
`,
  'an orchestrator object method handler': `${IMPORT}
const orchestrators = {
  *near(context: df.OrchestrationContext) {
    const items: number[] = yield context.df.callActivity('getItems');
    return items.length;
  },
};
df.app.orchestration('near', orchestrators.near);
`,
  'queueMicrotask and nextTick in activity code only': `${IMPORT}
df.app.activity('flush', { handler: async () => { queueMicrotask(() => undefined); process.nextTick(() => undefined); return process.pid; } });
df.app.orchestration('near', function* (context) {
  return yield context.df.callActivity('flush');
});
`,
  'a tagged template that only builds a string': orch(
    "  const text = dedent`\n    line\n  `;\n  return yield context.df.callActivity('notify', text);",
    "function dedent(strings: TemplateStringsArray): string {\n  return strings.join('').trim();\n}",
  ),
  'yield of a variable holding a durable task': orch(`  const task = context.df.callActivity('process', 1);
  const result = yield task;
  return result;`),
  'Task.all over a conditional list': orch(`  const { fast } = context.df.getInput() as { fast: boolean };
  const tasks = fast ? [context.df.callActivity('process', 1)] : [1, 2].map((n) => context.df.callActivity('process', n));
  return yield context.df.Task.all(tasks);`),
  'a module-level constant array only read with includes': orch(
    `  const { kind } = context.df.getInput() as { kind: string };
  if (!ALLOWED.includes(kind)) return 'rejected';
  return yield context.df.callActivity('notify', kind);`,
    "const ALLOWED = ['a', 'b'];",
  ),
};

test('the near-miss corpus has at least 40 cases', () => {
  assert.ok(Object.keys(CASES).length >= 40, `${Object.keys(CASES).length} cases`);
});

for (const [name, files] of Object.entries(CASES)) {
  test(`near miss: ${name}`, () => {
    const workspace = typeof files === 'string' ? { 'orch.ts': files } : files;
    const found = lintFiles({ ...workspace, 'app.ts': APP }, 'orch.ts');
    assert.deepEqual(
      found.map((f) => `${f.rule} ${f.range.start.line}:${f.range.start.column} ${f.message}`),
      [],
    );
  });
}
