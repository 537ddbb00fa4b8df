/**
 * The extension's manifest (package.json `contributes`) and its code agree: every contributed command is in
 * COMMAND_IDS (so it is typed and registered through Ctx) and back; every menu and key binding names a
 * contributed command; views belong to the declared container; the .vsix bundle entries exist in the build.
 * Plus the host-URL rules of "Connect to a Durable Functions Host".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_IDS } from '../../src/extension/commandIds.js';
import { hostUrlProblem, isLoopbackOrigin } from '../../src/extension/connection/hostUrl.js';

const REPO = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);

test('contributed commands and COMMAND_IDS are the same set, each with a title and category', () => {
  assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
  for (const c of pkg.contributes.commands) {
    assert.ok(c.title && c.category === 'Durable Studio', JSON.stringify(c));
  }
});

test('every menu entry names a contributed command; view menus name declared views', () => {
  const views = new Set<string>(
    Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flatMap((list) => list.map((v) => v.id)),
  );
  for (const [menu, entries] of Object.entries(
    pkg.contributes.menus as Record<string, { command: string; when?: string }[]>,
  )) {
    for (const entry of entries) {
      assert.ok(contributed.includes(entry.command), `${menu}: ${entry.command} is not contributed`);
      for (const [, view] of (entry.when ?? '').matchAll(/view == ([\w.]+)/g)) {
        assert.ok(views.has(view!), `${menu}: unknown view ${view}`);
      }
    }
  }
  for (const welcome of pkg.contributes.viewsWelcome) {
    assert.ok(views.has(welcome.view), welcome.view);
    for (const [, command] of (welcome.contents as string).matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(contributed.includes(command!), `welcome view links ${command}`);
    }
  }
  assert.deepEqual(Object.keys(pkg.contributes.views), ['durableStudio']);
  assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, 'durableStudio');
});

test('the engines and @types/vscode match the VS Code the tests run (code-server 4.100.3 is VS Code 1.100.3)', () => {
  assert.equal(pkg.engines.vscode, '^1.100.0');
  assert.match(pkg.devDependencies['@types/vscode'], /^~1\.100\./);
  assert.equal(pkg.main, './dist/extension.js');
});

test('host URLs: http(s) origins only, no credentials or paths; loopback hosts need no key', () => {
  assert.equal(hostUrlProblem('https://my-app.azurewebsites.net'), undefined);
  assert.equal(hostUrlProblem(' http://localhost:7071/ '), undefined);
  assert.match(hostUrlProblem('my-app.azurewebsites.net') ?? '', /Enter a URL/);
  assert.match(hostUrlProblem('ftp://host') ?? '', /http:\/\/ or https:\/\//);
  assert.match(hostUrlProblem('https://user:pw@host') ?? '', /key in the next step/);
  assert.match(hostUrlProblem('https://host/api/x') ?? '', /no path/);
  assert.ok(isLoopbackOrigin('http://localhost:7071'));
  assert.ok(isLoopbackOrigin('http://127.0.0.1'));
  assert.ok(!isLoopbackOrigin('https://localhost:7071'));
  assert.ok(!isLoopbackOrigin('http://localhost.evil.com'));
});
