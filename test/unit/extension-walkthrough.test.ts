/**
 * The "Get started with Durable Studio" walkthrough (package.json `contributes.walkthroughs`): every button
 * (`command:` link) and every completion event names a command the extension contributes (or the focus command
 * VS Code makes for one of its views), every context key a step waits on is one the extension sets, and every
 * step's media is a file the .vsix ships (under media/, which .vscodeignore keeps).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string | Record<string, string>; svg?: string; altText?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: Step[];
}

const walkthroughs: Walkthrough[] = pkg.contributes.walkthroughs ?? [];
const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
const viewFocus = new Set<string>(
  Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flatMap((list) =>
    list.map((v) => `${v.id}.focus`),
  ),
);
const runnable = (id: string) => commands.has(id) || viewFocus.has(id);

/** The extension's TypeScript sources, once (for the context keys it sets). */
function extensionSources(): string {
  const files = fs.readdirSync(path.join(REPO, 'src', 'extension'), { recursive: true, encoding: 'utf8' });
  return files
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(REPO, 'src', 'extension', f), 'utf8'))
    .join('\n');
}

test('one walkthrough, "Get started with Durable Studio", with the five first steps in order', () => {
  assert.equal(walkthroughs.length, 1);
  const [walkthrough] = walkthroughs;
  assert.equal(walkthrough!.id, 'getStarted');
  assert.equal(walkthrough!.title, 'Get started with Durable Studio');
  assert.deepEqual(
    walkthrough!.steps.map((s) => s.id),
    ['startEmulator', 'startOrchestration', 'openHistory', 'debugReplay', 'lint'],
  );
});

test('every step has a button naming a contributed command, and ticks off on a contributed command', () => {
  for (const step of walkthroughs.flatMap((w) => w.steps)) {
    const links = [...step.description.matchAll(/\]\(command:([\w.-]+)(?:\?[^)]*)?\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0, `${step.id}: a command button in its description`);
    for (const link of links) assert.ok(runnable(link), `${step.id}: command:${link} is not contributed`);
    const events = step.completionEvents ?? [];
    assert.ok(events.length > 0, `${step.id}: completion events, so the step ticks off`);
    for (const event of events) {
      const [kind, value] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
      if (kind === 'onCommand') assert.ok(runnable(value), `${step.id}: ${event} names no contributed command`);
      else assert.equal(kind, 'onContext', `${step.id}: ${event}`);
    }
  }
});

test('the context keys steps wait on are set by the extension', () => {
  const sources = extensionSources();
  const keys = walkthroughs
    .flatMap((w) => w.steps)
    .flatMap((s) => s.completionEvents ?? [])
    .filter((e) => e.startsWith('onContext:'))
    .flatMap((e) => [...e.matchAll(/durableStudio\.[\w.]+/g)].map((m) => m[0]));
  for (const key of keys) assert.ok(sources.includes(`'${key}'`), `the extension never sets ${key}`);
});

test("every step's media is a file under media/ (shipped in the .vsix)", () => {
  const ignore = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('!media/**'), '.vscodeignore keeps media/');
  for (const step of walkthroughs.flatMap((w) => w.steps)) {
    const media = step.media.markdown ?? step.media.svg ?? step.media.image;
    assert.equal(typeof media, 'string', `${step.id}: one media file`);
    assert.match(media as string, /^media\//, step.id);
    const text = fs.readFileSync(path.join(REPO, media as string), 'utf8');
    if (step.media.markdown) assert.match(text, /^# \S/, `${step.id}: the markdown starts with its heading`);
  }
});
