/**
 * The "Filter Instances…" menu: a quick pick listing each part of the filter with its current value. Choosing a
 * part edits it (statuses in a multi-select pick, the name from the app's orchestrators or typed, the id prefix,
 * created-time bounds validated as they are typed) and comes back to the menu; "Apply" returns the new filter,
 * Escape returns undefined (nothing changes).
 */
import * as vscode from 'vscode';
import type { HostConnection } from '../connection/hostConnection.js';
import { RUNTIME_STATUSES, timeSpecProblem, type InstanceFilter } from '../views/instanceFilter.js';

type Part = 'statuses' | 'name' | 'idPrefix' | 'createdFrom' | 'createdTo' | 'apply' | 'clear';
type MenuItem = vscode.QuickPickItem & { part: Part };

export async function promptFilter(
  current: InstanceFilter,
  connection: HostConnection | undefined,
): Promise<InstanceFilter | undefined> {
  let draft: InstanceFilter = { ...current };
  for (;;) {
    const items: MenuItem[] = [
      { label: '$(check) Apply', description: summary(draft), part: 'apply' },
      { label: '', kind: vscode.QuickPickItemKind.Separator, part: 'apply' },
      { label: '$(pulse) Status', description: draft.statuses?.join(', ') ?? 'any', part: 'statuses' },
      { label: '$(symbol-class) Orchestration name', description: draft.name ?? 'any', part: 'name' },
      { label: '$(symbol-key) Instance id prefix', description: draft.idPrefix ?? 'any', part: 'idPrefix' },
      {
        label: '$(calendar) Created from',
        description: draft.createdFrom ?? 'any time',
        detail: 'e.g. 1h, 24h, 7d or 2024-05-01T10:00:00Z',
        part: 'createdFrom',
      },
      { label: '$(calendar) Created to', description: draft.createdTo ?? 'now', part: 'createdTo' },
      { label: '$(clear-all) Clear all', part: 'clear' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Filter instances',
      placeHolder: 'Choose what to filter on, then Apply',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    switch (picked.part) {
      case 'apply':
        return draft;
      case 'clear':
        draft = {};
        break;
      case 'statuses':
        draft = await editStatuses(draft);
        break;
      case 'name':
        draft = await editName(draft, connection);
        break;
      case 'idPrefix':
        draft = await editText(draft, 'idPrefix', 'Instance id prefix (empty for any)', undefined);
        break;
      case 'createdFrom':
        draft = await editText(
          draft,
          'createdFrom',
          'Created from: a span before now (30m, 1h, 24h, 7d) or a date-time (empty for any)',
          (text) => timeSpecProblem(text, Date.now()),
        );
        break;
      case 'createdTo':
        draft = await editText(
          draft,
          'createdTo',
          'Created to: a span before now (30m, 1h) or a date-time (empty for now)',
          (text) => timeSpecProblem(text, Date.now()),
        );
        break;
    }
  }
}

function summary(filter: InstanceFilter): string {
  const parts = [
    filter.statuses?.join(', '),
    filter.name,
    filter.idPrefix ? `${filter.idPrefix}…` : undefined,
    filter.createdFrom ? `from ${filter.createdFrom}` : undefined,
    filter.createdTo ? `to ${filter.createdTo}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'no filter';
}

async function editStatuses(draft: InstanceFilter): Promise<InstanceFilter> {
  const chosen = new Set(draft.statuses ?? []);
  const picked = await vscode.window.showQuickPick(
    RUNTIME_STATUSES.map((status) => ({ label: status, picked: chosen.has(status) })),
    { title: 'Filter instances: status', placeHolder: 'None checked: any status', canPickMany: true },
  );
  if (!picked) return draft;
  const { statuses: _old, ...rest } = draft;
  return picked.length > 0
    ? { ...rest, statuses: picked.map((p) => p.label as (typeof RUNTIME_STATUSES)[number]) }
    : rest;
}

async function editName(draft: InstanceFilter, connection: HostConnection | undefined): Promise<InstanceFilter> {
  const { name: _old, ...rest } = draft;
  if (connection?.isEmulator) {
    const functions = await connection.client.getFunctions();
    const names = functions
      .filter((f) => f.kind === 'orchestration')
      .map((f) => f.name)
      .sort((a, b) => a.localeCompare(b));
    const picked = await vscode.window.showQuickPick(
      [{ label: '(any)', any: true }, ...names.map((label) => ({ label, any: false }))],
      { title: 'Filter instances: orchestration name' },
    );
    if (!picked) return draft;
    return picked.any ? rest : { ...rest, name: picked.label };
  }
  return editText(draft, 'name', 'Orchestration name (empty for any)', undefined);
}

async function editText(
  draft: InstanceFilter,
  field: 'name' | 'idPrefix' | 'createdFrom' | 'createdTo',
  prompt: string,
  validateInput: ((text: string) => string | undefined) | undefined,
): Promise<InstanceFilter> {
  const text = await vscode.window.showInputBox({
    title: 'Filter instances',
    prompt,
    value: draft[field] ?? '',
    ...(validateInput ? { validateInput } : {}),
  });
  if (text === undefined) return draft;
  const next = { ...draft };
  if (text.trim() === '') delete next[field];
  else next[field] = text.trim();
  return next;
}
