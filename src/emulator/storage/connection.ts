/**
 * Which storage account each storage binding talks to, as the host decides it: the binding's `connection` names an
 * app setting (default `AzureWebJobsStorage`; `AzureWebJobs<name>` is tried before `<name>`, as the host does).
 * `UseDevelopmentStorage=true` means Azurite; any other connection string (a real account, or Azurite with explicit
 * endpoints) is used as it is. A missing setting is a start-up error naming the function, binding and setting.
 */
import { AppConfigError } from '../appConfigError.js';
import type { SettingLookup } from '../appSettings.js';
import { isStorageBinding } from '../host/bindingSupport.js';
import type { FunctionInfo } from '../host/protocol.js';
import type { StorageBindingRef, StorageConnection } from './types.js';

export const DEFAULT_CONNECTION = 'AzureWebJobsStorage';
export const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export const DEFAULT_AZURITE_PORTS: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

/** The explicit connection string of development storage on the given ports. */
export function devStorageConnectionString(ports: AzuritePorts, host = '127.0.0.1'): string {
  const endpoint = (port: number): string => `http://${host}:${port}/${DEV_ACCOUNT}`;
  return (
    `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
    `BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};TableEndpoint=${endpoint(ports.table)};`
  );
}

/** Whether a connection string means the local development storage (`UseDevelopmentStorage=true`). */
export function isDevelopmentStorage(value: string): boolean {
  return /(^|;)\s*UseDevelopmentStorage\s*=\s*true\s*(;|$)/i.test(value);
}

/** The parts of a connection string (`Key=Value;...`), keys lower-cased. */
export function connectionStringParts(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return parts;
}

/** The account a connection string names: `AccountName`, else the first path segment of an Azurite-style endpoint. */
export function accountOf(value: string): string | undefined {
  const parts = connectionStringParts(value);
  const name = parts.get('accountname');
  if (name) return name;
  for (const key of ['blobendpoint', 'queueendpoint', 'tableendpoint']) {
    const endpoint = parts.get(key);
    if (!endpoint) continue;
    try {
      const url = new URL(endpoint);
      const segment = url.pathname.split('/').find((s) => s !== '');
      return segment ?? url.hostname.split('.')[0];
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Every storage binding (trigger, input or output) of the functions, with the setting naming its connection. */
export function storageBindings(functions: FunctionInfo[]): StorageBindingRef[] {
  const refs: StorageBindingRef[] = [];
  for (const fn of functions) {
    for (const binding of fn.bindings) {
      if (!isStorageBinding(binding.type)) continue;
      // Storage bindings of orchestrators and entities are never honoured (bindingSupport.ts): no account needed.
      if (fn.kind === 'orchestration' || fn.kind === 'entity') continue;
      const raw = binding.properties['connection'];
      const setting = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_CONNECTION;
      refs.push({ fn, binding, setting });
    }
  }
  return refs;
}

/** Resolves one binding's connection; throws an AppConfigError naming the function, binding and setting. */
export function resolveConnection(ref: StorageBindingRef, lookup: SettingLookup): StorageConnection {
  const { setting } = ref;
  const value = lookup(`AzureWebJobs${setting}`) ?? lookup(setting);
  const where = `function '${ref.fn.name}', binding '${ref.binding.name}' (${ref.binding.type})`;
  if (value === undefined || value.trim() === '') {
    throw new AppConfigError(
      `${where}: the connection setting '${setting}' is not set; add it to local.settings.json Values ` +
        `("${setting}": "UseDevelopmentStorage=true" for Azurite) or to the environment`,
    );
  }
  if (isDevelopmentStorage(value)) return { kind: 'azurite', setting };
  const account = accountOf(value);
  if (!account) {
    throw new AppConfigError(
      `${where}: the connection setting '${setting}' is not a storage connection string ` +
        `(expected "UseDevelopmentStorage=true" or "DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...")`,
    );
  }
  return { kind: 'account', setting, connectionString: value.trim(), account };
}
