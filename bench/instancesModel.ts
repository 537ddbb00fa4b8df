/**
 * The Instances view's model (src/extension/views/instancesModel.ts) with 10,000 instances, in Node: loading them
 * page by page as the tree does, and applying one status change from the live stream. A change is timed twice:
 * the model's update alone, and with what the tree then asks again (the root or the children of each node the
 * change made stale, re-sorted when their membership changed). VS Code then re-renders those nodes' items; how
 * many is counted, since that part runs in the workbench and is not timed here.
 */
import { performance } from 'node:perf_hooks';
import type { InstanceStatus, RuntimeStatus } from '../src/extension/api/types.js';
import { InstancesModel, type GroupBy, type InstanceChange } from '../src/extension/views/instancesModel.js';
import { median, quantile } from './stats.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const INSTANCES = 10_000;
/** The explorer's default page size (`durableStudio.instances.pageSize`). */
const PAGE_SIZE = 200;
const NAMES = ['helloSequence', 'fanOutFanIn', 'approvalWorkflow', 'monitorJob', 'eternalCounter', 'orderSaga'];
/** A store that has run for a while: mostly finished instances. */
const STATUS_MIX: RuntimeStatus[] = [
  ...Array<RuntimeStatus>(14).fill('Completed'),
  'Running',
  'Running',
  'Failed',
  'Failed',
  'Terminated',
  'Pending',
];
export const INSTANCES_WORKLOAD = `${NAMES.length} orchestration names, 70% Completed, 10% Running, 10% Failed, 5% Terminated, 5% Pending; changes go to Running, Completed or Failed`;
const CHANGE_TO: RuntimeStatus[] = ['Running', 'Completed', 'Failed'];

/** Deterministic pseudo-random integers (a linear congruential generator), so every run changes the same ids. */
function randomInts(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % below;
  };
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function pages(): InstanceStatus[][] {
  const result: InstanceStatus[][] = [];
  for (let start = 0; start < INSTANCES; start += PAGE_SIZE) {
    const page: InstanceStatus[] = [];
    for (let n = start; n < start + PAGE_SIZE; n++) {
      page.push({
        instanceId: `inst-${n.toString().padStart(5, '0')}`,
        name: NAMES[n % NAMES.length]!,
        runtimeStatus: STATUS_MIX[(n * 7) % STATUS_MIX.length]!,
        input: null,
        customStatus: null,
        output: null,
        createdTime: iso(T0 + n * 1000),
        lastUpdatedTime: iso(T0 + n * 1000 + 500),
      });
    }
    result.push(page);
  }
  return result;
}

function newModel(groupBy: GroupBy): InstancesModel {
  return new InstancesModel({ groupBy, filter: {}, now: () => T0 + INSTANCES * 1000 });
}

/** What the tree shows once every group is expanded: the roots and each group's sorted children. */
function listEverything(model: InstancesModel): number {
  let items = 0;
  for (const root of model.roots()) items += model.children(root).length;
  return items;
}

function load(groupBy: GroupBy, data: InstanceStatus[][]): { model: InstancesModel; loadMs: number; listMs: number } {
  const started = performance.now();
  const model = newModel(groupBy);
  data.forEach((page, i) => model.addPage(model.generation, page, i < data.length - 1 ? `t${i}` : undefined));
  const loaded = performance.now();
  const items = listEverything(model);
  const listed = performance.now();
  if (model.size !== INSTANCES || items !== INSTANCES) throw new Error(`loaded ${model.size}, listed ${items}`);
  return { model, loadMs: loaded - started, listMs: listed - loaded };
}

export interface InstancesFigures {
  groupBy: GroupBy;
  loadMs: number;
  listMs: number;
  changes: number;
  applyUs: { p50: number; p95: number };
  applyAndReadUs: { p50: number; p95: number };
  /** Nodes the tree re-renders per change, and the items under them (median). */
  staleNodes: number;
  staleItems: number;
}

/** `loads` loads of 10,000 instances (medians), then `changes` changes on the last one, after `warmup` untimed. */
export function benchInstancesModel(groupBy: GroupBy, loads: number, changes: number, warmup = 100): InstancesFigures {
  const data = pages();
  load(groupBy, data); // JIT warm-up
  const runs = Array.from({ length: loads }, () => load(groupBy, data));
  const { model } = runs[runs.length - 1]!;
  const ids = [...model.allEntries()].map((entry) => entry.instanceId);
  const next = randomInts(42);
  const apply: number[] = [];
  const applyAndRead: number[] = [];
  const staleNodes: number[] = [];
  const staleItems: number[] = [];
  for (let i = 0; i < warmup + changes; i++) {
    const entry = model.entry(ids[next(ids.length)]!)!;
    const choices = CHANGE_TO.filter((s) => s !== entry.runtimeStatus);
    const change: InstanceChange = {
      instanceId: entry.instanceId,
      name: entry.name,
      runtimeStatus: choices[next(choices.length)]!,
      lastUpdatedTime: T0 + INSTANCES * 1000 + i,
    };
    const started = performance.now();
    const dirty = model.applyChange(change);
    const applied = performance.now();
    const { root, nodes } = dirty.take();
    let items = 0;
    if (root) items += listEverything(model);
    for (const node of nodes) items += 1 + model.children(node).length;
    const read = performance.now();
    if (i < warmup) continue;
    apply.push((applied - started) * 1000);
    applyAndRead.push((read - started) * 1000);
    staleNodes.push(root ? model.roots().length : nodes.length);
    staleItems.push(items);
  }
  return {
    groupBy,
    loadMs: median(runs.map((r) => r.loadMs)),
    listMs: median(runs.map((r) => r.listMs)),
    changes,
    applyUs: { p50: median(apply), p95: quantile(apply, 0.95) },
    applyAndReadUs: { p50: median(applyAndRead), p95: quantile(applyAndRead, 0.95) },
    staleNodes: median(staleNodes),
    staleItems: median(staleItems),
  };
}
