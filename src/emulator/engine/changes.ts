import type { EntityRecord, InstanceRecord } from './model.js';

/** The in-memory change set of one unit of work; committed as one durable write. */
export class Changes {
  readonly instances = new Set<InstanceRecord>();
  readonly entities = new Set<EntityRecord>();
  readonly after: (() => void)[] = [];
}
