/**
 * "Durable Studio: Create Test for Orchestration…": picks an orchestration the workspace registers (the one in the
 * active editor's file first), writes a `durable-studio/testing` test in the app's `test/` folder in the app's
 * runner and module style (detect.ts, template.ts), and opens it. Finding orchestrations and the activities they call needs the
 * TypeScript compiler over the workspace, so the linter's language server does it (its own process); the extension
 * host only reads a few package.json and host.json files.
 *
 * Arguments, for tests and other callers: `{ orchestration, file, ifExists }` skips the prompts (`file` narrows the
 * search to that file); a `vscode.Uri` (the editor's context menu) is the file whose orchestrations come first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OrchestrationSummary } from '../../lint/api.js';
import { OrchestrationsRequest, SETTINGS_SECTION } from '../../lint/server/protocol.js';
import type { Ctx } from '../ctx.js';
import type { LintClient } from '../lint/lintClient.js';
import { freeName, planTest, type FileProbe } from './detect.js';
import { renderTest, type TestRunner } from './template.js';

export interface CreateTestArgs {
  /** The orchestration's registered name; without it the user picks one. */
  orchestration?: string;
  /** The file registering it (or whose orchestrations are offered first). */
  file?: string;
  /** When the test file exists: replace it, or write `<base>.2.test.ts` (the first free number). Default: ask. */
  ifExists?: 'overwrite' | 'rename';
}

export interface CreateTestResult {
  file: string;
  orchestration: string;
  runner: TestRunner;
  esm: boolean;
  activities: readonly string[];
  warnings: readonly string[];
}

export function registerCreateTest(ctx: Ctx, lint: LintClient): void {
  ctx.registerCommand('durableStudio.createOrchestrationTest', (arg?: CreateTestArgs | vscode.Uri) =>
    createTest(ctx, lint, arg instanceof vscode.Uri ? { file: arg.fsPath } : (arg ?? {})),
  );
}

async function createTest(ctx: Ctx, lint: LintClient, args: CreateTestArgs): Promise<CreateTestResult | undefined> {
  const contextFile = args.file ?? activeFile();
  const chosen = await chooseOrchestration(lint, args, contextFile);
  if (!chosen) return undefined;
  const source = chosen.handlerFile ?? chosen.file;
  const stop = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(source))?.uri.fsPath;
  const plan = await planTest(chosen, fileProbe, stop === undefined ? {} : { stop });
  const file = await destination(plan.target.file, args.ifExists);
  if (!file) return undefined;
  const uri = vscode.Uri.file(file);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(renderTest(plan.spec)));
  ctx.log.info(`Created ${file} (${plan.spec.runner}) for the orchestration ${chosen.name}`);
  await vscode.window.showTextDocument(uri);
  if (plan.warnings.length > 0) void vscode.window.showWarningMessage(plan.warnings.join(' '));
  return {
    file,
    orchestration: chosen.name,
    runner: plan.spec.runner,
    esm: plan.spec.esm,
    activities: plan.spec.activities,
    warnings: plan.warnings,
  };
}

function activeFile(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}

/** The named orchestration (asking only the lint server about `file` when both are given), or the user's pick. */
async function chooseOrchestration(
  lint: LintClient,
  args: CreateTestArgs,
  contextFile: string | undefined,
): Promise<OrchestrationSummary | undefined> {
  const { orchestration: name, file } = args;
  if (name !== undefined && file !== undefined) {
    const inFile = await orchestrations(lint, [file]);
    const found = inFile?.find((o) => o.name === name);
    if (!inFile || found) return found;
  }
  const all = await orchestrations(lint, undefined);
  if (!all) return undefined;
  if (name !== undefined) {
    const named = all.filter((o) => o.name === name);
    const found = named.find((o) => isIn(o, contextFile)) ?? named[0];
    if (!found) throw new Error(`No orchestration named '${name}' is registered in this workspace.`);
    return found;
  }
  if (all.length === 0) {
    throw new Error(
      "No orchestration found in this workspace: register one with df.app.orchestration('name', handler).",
    );
  }
  return pick(all, contextFile);
}

/** The orchestrations the lint server finds (in `files`, or the whole workspace); undefined when cancelled. */
async function orchestrations(
  lint: LintClient,
  files: string[] | undefined,
): Promise<OrchestrationSummary[] | undefined> {
  if (!(await lint.whenReady())) {
    throw new Error(
      `Create Test finds orchestrations with the determinism linter, which is off: turn on ${SETTINGS_SECTION}.enable.`,
    );
  }
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: files ? 'Durable Studio: reading the orchestration' : 'Durable Studio: finding orchestrations',
      cancellable: true,
    },
    async (_progress, token) => {
      try {
        return (await lint.request(OrchestrationsRequest, files ? { files } : {}, token)).orchestrations;
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      }
    },
  );
}

function isIn(orchestration: OrchestrationSummary, file: string | undefined): boolean {
  if (file === undefined) return false;
  const key = path.resolve(file);
  return orchestration.file === key || orchestration.handlerFile === key;
}

interface Item extends vscode.QuickPickItem {
  orchestration?: OrchestrationSummary;
}

/** A quick pick with the context file's orchestrations first (the first one is selected). */
async function pick(all: readonly OrchestrationSummary[], contextFile: string | undefined) {
  const item = (o: OrchestrationSummary): Item => ({
    label: o.name,
    description: `${vscode.workspace.asRelativePath(o.file)}:${o.line}`,
    detail:
      o.activities.length > 0
        ? `mocks ${o.activities.join(', ')}`
        : 'mocks nothing: no activity called by a literal or constant name',
    orchestration: o,
  });
  const here = all.filter((o) => isIn(o, contextFile));
  const others = all.filter((o) => !isIn(o, contextFile));
  const separator = (label: string): Item => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: Item[] =
    here.length === 0
      ? others.map(item)
      : [separator('this file'), ...here.map(item), separator('workspace'), ...others.map(item)];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Durable Studio: create a test for which orchestration?',
    placeHolder: 'The test mocks the activities it calls and runs it with durable-studio/testing',
    matchOnDescription: true,
  });
  return picked?.orchestration;
}

/** Where to write: the planned file, or (when it exists) what the caller or the user chose; undefined to stop. */
async function destination(file: string, ifExists: CreateTestArgs['ifExists']): Promise<string | undefined> {
  if (!(await fileProbe.exists(file))) return file;
  if (ifExists === 'overwrite') return file;
  const alternative = await freeName(file, fileProbe);
  if (ifExists === 'rename') return alternative;
  const overwrite = 'Overwrite';
  const rename = `Create ${path.basename(alternative)}`;
  const answer = await vscode.window.showWarningMessage(
    `${path.basename(file)} already exists.`,
    { modal: true, detail: 'Replace it with a new test, or write the new test under another name?' },
    overwrite,
    rename,
  );
  return answer === overwrite ? file : answer === rename ? alternative : undefined;
}

const fileProbe: FileProbe = {
  async read(file) {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
    } catch {
      return undefined;
    }
  },
  async exists(file) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(file));
      return true;
    } catch {
      return false;
    }
  },
};
