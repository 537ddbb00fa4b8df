/**
 * Binding expressions in storage binding properties (`path`, `queueName`, `tableName`, `partitionKey`, `rowKey`,
 * `filter`), resolved as the WebJobs host does: `{name}` comes from the trigger metadata (`{queueTrigger}`,
 * `{name}` of a blob path, ...) or from a property of the trigger's JSON payload / the activity's input
 * (`{orderId}`, `{customer.id}`), keys case-insensitive; built-ins `{rand-guid}`, `{DateTime}`, `{sys.randguid}` and
 * `{sys.utcnow}`. A name with no value is an error, as on Azure ("No value for named parameter").
 */
import { randomUUID } from 'node:crypto';
import type { ExpressionData } from './types.js';

export class BindingExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BindingExpressionError';
  }
}

export interface ExpressionContext {
  data: ExpressionData;
  /** Now, for `{DateTime}` and `{sys.utcnow}` (the host's UTC time). */
  now: Date;
  newGuid?: () => string;
}

/** Whether a property value holds binding expressions (`{...}`). */
export function hasExpressions(template: string): boolean {
  return /\{[^{}]+\}/.test(template);
}

/** The `{name}` parameters of a template, in order. */
export function expressionNames(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!.trim());
}

/** Replaces every `{expression}` of `template`. Throws BindingExpressionError for a name with no value. */
export function resolveExpressions(template: string, context: ExpressionContext): string {
  const guid = context.newGuid ?? randomUUID;
  // One `{rand-guid}` value per resolution, like the host's per-invocation binding data.
  let invocationGuid: string | undefined;
  return template.replace(/\{([^{}]+)\}/g, (_match, raw: string) => {
    const name = raw.trim();
    const lower = name.toLowerCase();
    if (lower === 'rand-guid' || lower === 'sys.randguid') return (invocationGuid ??= guid());
    if (lower === 'datetime' || lower === 'sys.utcnow') return hostDateTime(context.now);
    const value = lookup(context.data, name);
    if (value === undefined || value === null) {
      throw new BindingExpressionError(`No value for named parameter '${name}'.`);
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  });
}

/** `{DateTime}` as the host formats it for paths: `yyyy-MM-ddTHH-mm-ssZ` (no colons, safe in blob names). */
export function hostDateTime(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/** A metadata key or a (dotted) property path of the payload, case-insensitively. */
function lookup(data: ExpressionData, name: string): unknown {
  const fromMetadata = property(data.metadata, name);
  if (fromMetadata !== undefined) return fromMetadata;
  let current: unknown = data.payload;
  for (const segment of name.split('.')) {
    current = property(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

function property(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

/**
 * Matches a blob path against a trigger's `path` pattern (`container/{name}.txt`): the values of its `{x}`
 * parameters, or undefined when the path does not match. Literal text matches case-sensitively, like blob names.
 */
export function matchBlobPattern(pattern: string, blobPath: string): Record<string, string> | undefined {
  const names: string[] = [];
  let source = '^';
  let last = 0;
  for (const m of pattern.matchAll(/\{([^{}]+)\}/g)) {
    source += escapeRegExp(pattern.slice(last, m.index));
    names.push(m[1]!.trim());
    source += '(.+?)';
    last = m.index + m[0].length;
  }
  source += `${escapeRegExp(pattern.slice(last))}$`;
  const match = new RegExp(source, 's').exec(blobPath);
  if (!match) return undefined;
  const values: Record<string, string> = {};
  names.forEach((name, i) => (values[name] = match[i + 1]!));
  return values;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
