/**
 * Small helpers shared by the semantics-*.test.ts files (on top of harness.ts). Nothing here sleeps.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WEBHOOK, getStatus, waitFor, type Emulator, type Status } from './harness.js';

export type HistoryEvent = Record<string, unknown> & { EventType: string };

/** A unique instance id (or entity key) for one test. */
export function uid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The history as the management API shows it (showHistory + showHistoryOutput). */
export async function history(emu: Emulator, id: string): Promise<HistoryEvent[]> {
  const status = await getStatus(emu, id, '?showHistory=true&showHistoryOutput=true');
  if (!status) throw new Error(`no instance ${id}`);
  return (status.historyEvents ?? []) as HistoryEvent[];
}

export function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((e) => e.EventType === type);
}

export function webhook(emu: Emulator, route: string, init?: RequestInit): Promise<Response> {
  return fetch(`${emu.url}${WEBHOOK}/${route}`, init);
}

export function raiseEvent(emu: Emulator, id: string, name: string, data?: unknown): Promise<Response> {
  return webhook(emu, `instances/${encodeURIComponent(id)}/raiseEvent/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: data === undefined ? '' : JSON.stringify(data),
  });
}

export function postJson(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
}

/** Waits until the instance has run at least one episode and satisfies `check`. */
export function waitForInstance(
  emu: Emulator,
  id: string,
  check: (s: Status) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<Status> {
  return waitFor(
    async () => {
      const s = await getStatus(emu, id);
      return s && check(s) ? s : undefined;
    },
    `${id}: ${what}`,
    timeoutMs,
  );
}

export interface TimerInfo {
  instanceId: string;
  timerId: number;
  fireAt: string;
  purpose: string;
}

export async function timers(emu: Emulator, id: string): Promise<TimerInfo[]> {
  const res = await fetch(`${emu.url}/emulator/v1/timers?instanceId=${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`timers: HTTP ${res.status}`);
  return (await res.json()) as TimerInfo[];
}

export async function emulatorNow(emu: Emulator): Promise<number> {
  const res = await fetch(`${emu.url}/emulator/v1/clock`);
  return Date.parse(((await res.json()) as { now: string }).now);
}

/**
 * The instance record as the store keeps it on disk (plain JSON: documents under instances/ plus the journal
 * lines that update them). Returns the highest `episodes` count recorded for the instance and the number of
 * OrchestratorStarted events its stored history holds. Used only for facts the HTTP API does not show.
 */
export function storedEpisodes(storeDir: string, id: string): { episodes: number; orchestratorStarted: number } {
  let episodes = 0;
  let history: { EventType: number }[] = [];
  const instancesDir = path.join(storeDir, 'instances');
  for (const name of fs.existsSync(instancesDir) ? fs.readdirSync(instancesDir) : []) {
    if (!name.endsWith('.json')) continue;
    const doc = JSON.parse(fs.readFileSync(path.join(instancesDir, name), 'utf8')) as {
      instanceId?: string;
      episodes?: number;
      history?: { EventType: number }[];
    };
    if (doc.instanceId !== id) continue;
    episodes = Math.max(episodes, doc.episodes ?? 0);
    history = doc.history ?? [];
  }
  const segments = fs
    .readdirSync(storeDir)
    .filter((n) => /^journal-\d+\.jsonl$/.test(n))
    .sort();
  for (const segment of segments) {
    for (const line of fs.readFileSync(path.join(storeDir, segment), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let parsed: {
        instances?: {
          record: { instanceId: string; episodes?: number };
          historyFrom: number;
          historyAppend: { EventType: number }[];
        }[];
      };
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // a torn tail
      }
      for (const entry of parsed.instances ?? []) {
        if (entry.record.instanceId !== id) continue;
        episodes = Math.max(episodes, entry.record.episodes ?? 0);
        history = history.slice(0, entry.historyFrom).concat(entry.historyAppend);
      }
    }
  }
  return { episodes, orchestratorStarted: history.filter((e) => e.EventType === 12).length };
}

/** Signals an operation to the counter entity through the management API (JSON input, if any). */
export function signalCounter(emu: Emulator, key: string, op: string, input?: unknown): Promise<Response> {
  return webhook(emu, `entities/counter/${encodeURIComponent(key)}?op=${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
}
