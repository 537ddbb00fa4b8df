/**
 * App settings as the Functions host sees them under `func start`, and the `%Name%` references it resolves with
 * them: host.json `extensions.durableTask.hubName` and the binding properties listed in `RESOLVED_PROPERTIES`.
 *
 * - Precedence (Core Tools `StartHostAction.UpdateEnvironmentVariables`): each `local.settings.json` Value is put
 *   into the environment unless the variable is already set to a non-empty value, so a non-empty environment
 *   variable wins over Values, and a Value wins over an empty variable. The engine (which resolves host.json) and the
 *   app worker (whose `process.env` user code reads) apply the same rule, so both see the same settings.
 * - The host reads settings through .NET configuration, whose keys are case-insensitive: `%hub%` finds `HUB`.
 * - Resolution follows WebJobs `NameResolverExtensions.ResolveWholeString`: every `%Name%` in the string is
 *   replaced (`Hub%ENV%` works); an unknown name, `%%` or an unclosed `%` is an error.
 *
 * Pure: no file access, no AppConfigError (callers say where the text came from and throw).
 */

export type SettingLookup = (name: string) => string | undefined;

/** Core Tools' rule for putting `local.settings.json` Values into an environment (mutates `env`). */
export function applyLocalSettings(values: Record<string, string>, env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (key === '') continue;
    const current = env[key];
    if (current !== undefined && current !== '') continue;
    env[key] = value;
  }
}

/** Looks settings up in the environment merged with Values (Core Tools' precedence), keys case-insensitively. */
export function settingsLookup(values: Record<string, string>, env: Record<string, string | undefined>): SettingLookup {
  const merged: Record<string, string | undefined> = { ...env };
  applyLocalSettings(values, merged);
  const byLowerCase = new Map<string, string>();
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined && !byLowerCase.has(key.toLowerCase())) byLowerCase.set(key.toLowerCase(), value);
  }
  return (name) => {
    if (name === '') return undefined;
    return merged[name] ?? byLowerCase.get(name.toLowerCase());
  };
}

export type Resolution = { ok: true; value: string } | { ok: false; reason: string };

/** Replaces every `%Name%` in `text`; literal text without `%` comes back unchanged. */
export function resolveReferences(text: string, lookup: SettingLookup): Resolution {
  let result = '';
  let i = 0;
  for (;;) {
    const start = text.indexOf('%', i);
    if (start < 0) return { ok: true, value: result + text.slice(i) };
    const end = text.indexOf('%', start + 1);
    if (end < 0) return { ok: false, reason: `the '%' at position ${start} has no closing '%'` };
    const name = text.slice(start + 1, end);
    if (name === '') return { ok: false, reason: `'%%' names no app setting` };
    const value = lookup(name);
    if (value === undefined) {
      return {
        ok: false,
        reason: `the app setting ${name} is not defined (add it to local.settings.json Values or the environment)`,
      };
    }
    result += text.slice(i, start) + value;
    i = end + 1;
  }
}

/**
 * The Azure Storage provider's task hub name check (Durable extension `AzureStorageOptions.ValidateHubName`): the
 * name must be a valid table name (a letter, then letters or digits; at least 3), container, queue and blob name,
 * and at most 50 characters. Its message says 45 (the length the default-name sanitiser uses), but names of 46 to
 * 50 characters pass on the real host, so they pass here too. Returns the host's message, or undefined when valid.
 */
export function hubNameError(name: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9]{2,49}$/.test(name)) return undefined;
  return `Task hub name '${name}' should contain only alphanumeric characters, start with a letter, and have length between 3 and 45.`;
}

/**
 * Binding properties in which the host resolves `%Name%`, by binding type in lower case: the WebJobs attribute
 * properties marked `[AutoResolve]` or resolved by their binding provider. Durable: `DurableClientAttribute.TaskHub`,
 * `OrchestrationTriggerAttribute.Orchestration`, `ActivityTriggerAttribute.Activity`,
 * `EntityTriggerAttribute.EntityName`. Storage: `QueueAttribute.QueueName`, the queue trigger's queue name,
 * `BlobAttribute.BlobPath`, the blob trigger's path, `TableAttribute` TableName/PartitionKey/RowKey/Filter. Timer:
 * the schedule (the host calls `ResolveWholeString` on it). Not an HTTP trigger's `route`, which the host uses
 * verbatim. Types not listed are left alone: guessing would reject a literal `%` the host accepts.
 */
const RESOLVED_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  durableclient: ['taskHub'],
  orchestrationclient: ['taskHub'],
  orchestrationtrigger: ['orchestration'],
  activitytrigger: ['activity'],
  entitytrigger: ['entityName'],
  queue: ['queueName'],
  queuetrigger: ['queueName'],
  blob: ['path'],
  blobtrigger: ['path'],
  table: ['tableName', 'partitionKey', 'rowKey', 'filter'],
  timertrigger: ['schedule'],
  servicebustrigger: ['queueName', 'topicName', 'subscriptionName'],
  servicebus: ['queueName', 'topicName'],
};

export interface BindingLike {
  type: string;
  [property: string]: unknown;
}

/** Resolved values of one function's resolvable binding properties: binding name → property (as listed) → value. */
export type ResolvedBindings = Map<string, Record<string, string>>;

/**
 * Resolves every resolvable string property of a function's bindings. Throws (through `fail`) the first
 * reference that does not resolve, naming the function, binding, property and raw text.
 */
export function resolveBindings(
  functionName: string,
  bindings: Record<string, BindingLike>,
  lookup: SettingLookup,
  fail: (message: string) => never,
): ResolvedBindings {
  const resolved: ResolvedBindings = new Map();
  for (const [bindingName, binding] of Object.entries(bindings)) {
    const properties = RESOLVED_PROPERTIES[binding.type.toLowerCase()] ?? [];
    const values: Record<string, string> = {};
    for (const property of properties) {
      // The host maps metadata to attribute properties case-insensitively.
      const key = Object.keys(binding).find((k) => k.toLowerCase() === property.toLowerCase());
      const raw = key === undefined ? undefined : binding[key];
      if (typeof raw !== 'string') continue;
      const result = resolveReferences(raw, lookup);
      if (!result.ok) {
        fail(
          `function '${functionName}' binding '${bindingName}' (${binding.type}) ${property} "${raw}": ${result.reason}`,
        );
      }
      values[property] = result.value;
    }
    if (Object.keys(values).length > 0) resolved.set(bindingName, values);
  }
  return resolved;
}
