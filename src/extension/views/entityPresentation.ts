/**
 * How an entity reads in the Entities view, its state document and *Signal Entity…*: the name, key, last
 * modification, lock owner (when locked) and pending operations, as Durable Functions Monitor shows them. The
 * management API tells the last operation time only; the emulator's `GET /emulator/v1/entities` tells the rest
 * (`EntityEntry.details`); for other hosts the tooltip says so. Plain strings, no VS Code: unit-tested.
 */
import type { JsonValue } from '../api/index.js';
import type { EntityEntry } from './entitiesModel.js';
import { escapeMarkdown, previewJson } from './instancePresentation.js';
import { formatFullTime, formatTime } from './timeFormat.js';

/** `3 pending · 10 · 14:12:49`: waiting operations first (when any), the state, then when it last changed. */
export function entityDescription(entry: EntityEntry | undefined, now: number): string {
  if (!entry) return '';
  const parts: string[] = [];
  const pending = entry.details?.backlogQueueSize ?? 0;
  if (pending > 0) parts.push(`${pending} pending`);
  if (entry.state !== undefined) parts.push(previewJson(entry.state, 40));
  parts.push(formatTime(entry.lastOperationTime, now));
  return parts.join(' · ');
}

/** The icon: a lock while an orchestration holds the entity's lock. */
export function entityIconId(entry: EntityEntry | undefined): string {
  return entry?.details?.lockedBy ? 'lock' : 'symbol-variable';
}

/** The facts, one per line (`label: value`), for the tooltip and the state document's header. */
export function entityFacts(entry: EntityEntry): [string, string][] {
  const precise = entry.details !== undefined ? 'ms' : 's';
  const facts: [string, string][] = [
    ['Entity', entry.name],
    ['Key', entry.key === '' ? '(empty)' : entry.key],
    ['Last modified', formatFullTime(entry.lastOperationTime, precise)],
  ];
  const details = entry.details;
  if (!details) {
    facts.push(['Lock and queue', 'not reported by this host']);
    return facts;
  }
  facts.push(['Locked by', details.lockedBy ?? 'not locked']);
  facts.push(['Pending operations', String(details.backlogQueueSize)]);
  if (details.operations.length > 0) facts.push(['Operations seen', details.operations.join(', ')]);
  return facts;
}

export function entityTooltip(entry: EntityEntry): string {
  const lines = entityFacts(entry).map(([label, value]) =>
    label === 'Locked by' && value !== 'not locked'
      ? `${label}: \`${value.replace(/`/g, "'")}\``
      : `${label}: ${escapeMarkdown(value)}`,
  );
  const body = [
    `**@${escapeMarkdown(entry.name)}@${escapeMarkdown(entry.key)}**`,
    '',
    ...lines.flatMap((l) => [l, '']),
  ];
  if (entry.state !== undefined) {
    let text = JSON.stringify(entry.state, null, 2) ?? '';
    if (text.length > 1500) text = `${text.slice(0, 1499)}…`;
    body.push('```json', text.replace(/```/g, '`\u200b``'), '```');
  }
  return body.join('\n');
}

/**
 * The state document (JSON with comments): a header of `//` lines with the facts, then the state. The header is
 * what the document says about the entity; the state below it is plain JSON.
 */
export function entityDocument(entry: EntityEntry | undefined, name: string, key: string, state: JsonValue): string {
  const facts = entry
    ? entityFacts({ ...entry, state })
    : ([
        ['Entity', name],
        ['Key', key],
      ] as [string, string][]);
  const header = facts.map(([label, value]) => `// ${label}: ${value.replace(/[\r\n]+/g, ' ')}`);
  return `${header.join('\n')}\n${JSON.stringify(state, null, 2)}\n`;
}

/** The JSON below a state document's `//` header (what a test or a copy wants). */
export function entityDocumentState(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .join('\n');
}

/**
 * *Signal Entity…*'s suggestions for an entity name: the operations its entities ran or have waiting (emulator),
 * then those typed in this workspace before, each once (names compared without case).
 */
export function operationSuggestions(
  seen: readonly string[],
  typedBefore: readonly string[],
): { label: string; description: string }[] {
  const result: { label: string; description: string }[] = [];
  const known = new Set<string>();
  const add = (label: string, description: string): void => {
    if (known.has(label.toLowerCase())) return;
    known.add(label.toLowerCase());
    result.push({ label, description });
  };
  for (const op of seen) add(op, 'seen on this entity');
  for (const op of typedBefore) add(op, 'used before');
  return result;
}
