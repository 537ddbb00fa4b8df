/**
 * What is wrong with a damaged store, and what a repair keeps and drops: computed by reading only (recovery.ts),
 * so a start can refuse with it, a dry run can print it, and a repair can report what it did.
 */

/** A store file that cannot be read as it is. */
export interface DamagedFile {
  path: string;
  kind: 'marker' | 'journal' | 'instance' | 'entity';
  /** What is wrong, e.g. `line 7 does not parse (Unexpected token)` or `holds JSON null, not a JSON object`. */
  problem: string;
}

export interface DamageReport {
  dir: string;
  files: DamagedFile[];
  /** Instances whose history has a gap although no file is damaged: a store file is missing. */
  incomplete: Array<{ id: string; reason: string }>;
  journal: { kept: number; dropped: number };
  documents: {
    kept: number;
    dropped: number;
    /** Damaged documents whose record the journal holds in full (or deletes): nothing of theirs is lost. */
    rebuilt: number;
  };
  /** Ids no longer in the store after a repair: damaged documents nothing rebuilds, histories with no good state. */
  lost: { instances: string[]; entities: string[] };
  /** Instances kept as they were before the damage: their later changes are in the dropped data. */
  rolledBack: string[];
  /** Ids named in dropped journal lines (as far as the damaged bytes can be read): their changes there are lost. */
  named: { instances: string[]; entities: string[] };
  /** Damaged documents whose record id could not be read from them or the journal. */
  unidentified: string[];
}

export function emptyReport(dir: string): DamageReport {
  return {
    dir,
    files: [],
    incomplete: [],
    journal: { kept: 0, dropped: 0 },
    documents: { kept: 0, dropped: 0, rebuilt: 0 },
    lost: { instances: [], entities: [] },
    rolledBack: [],
    named: { instances: [], entities: [] },
    unidentified: [],
  };
}

export function isDamaged(report: DamageReport): boolean {
  return report.files.length > 0 || report.incomplete.length > 0;
}

/** The store is damaged; nothing was changed. `message` is one line (the first problem and what a repair keeps). */
export class StoreDamagedError extends Error {
  constructor(readonly report: DamageReport) {
    super(summarizeDamage(report));
    this.name = 'StoreDamagedError';
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function ids(list: string[], max: number): string {
  const shown = list.slice(0, max).map((id) => JSON.stringify(id));
  return list.length > max ? `${shown.join(', ')} and ${list.length - max} more` : shown.join(', ');
}

/** Every id a repair affects, for one line: lost, rolled back or named in a dropped line. */
function affected(report: DamageReport): string[] {
  return [
    ...new Set([
      ...report.lost.instances,
      ...report.lost.entities,
      ...report.rolledBack,
      ...report.named.instances,
      ...report.named.entities,
    ]),
  ];
}

function firstProblem(report: DamageReport): string {
  const [first] = report.files;
  if (first) return `${first.path} ${first.problem}`;
  const [gap] = report.incomplete;
  return gap
    ? `instance ${JSON.stringify(gap.id)} in ${report.dir} has an incomplete history (${gap.reason}): a store file is missing`
    : '';
}

/** One line: the first problem, how many more, what a repair keeps and drops, and the ids it affects. */
export function summarizeDamage(report: DamageReport): string {
  const more = report.files.length + report.incomplete.length - 1;
  const parts = [`${firstProblem(report)}${more > 0 ? ` (and ${plural(more, 'more problem')})` : ''}`];
  parts.push(`a repair keeps ${keeps(report)} and drops ${drops(report)}`);
  const touched = affected(report);
  if (touched.length > 0) parts.push(`affected: ${ids(touched, 5)}`);
  if (report.unidentified.length > 0) parts.push(`${plural(report.unidentified.length, 'unreadable document')}`);
  return parts.join('; ');
}

function keeps(report: DamageReport): string {
  const { journal, documents } = report;
  const rebuilt = documents.rebuilt > 0 ? ` (${documents.rebuilt} rebuilt from the journal)` : '';
  return `${journal.kept} of ${plural(journal.kept + journal.dropped, 'journal line')} and ${documents.kept + documents.rebuilt} of ${plural(documents.kept + documents.rebuilt + documents.dropped, 'document')}${rebuilt}`;
}

function drops(report: DamageReport): string {
  return `${plural(report.journal.dropped, 'line')} and ${plural(report.documents.dropped, 'document')}`;
}

/**
 * Several lines for a person: before a repair, deciding whether to run it (the CLI's dry run, the editor's
 * confirmation); after one (`movedAside` given), what it did.
 */
export function describeDamage(report: DamageReport, movedAside?: string[]): string[] {
  if (!isDamaged(report)) return [`The store ${report.dir} is not damaged: nothing to repair.`];
  const done = movedAside !== undefined;
  const lines = [done ? `Repaired the store ${report.dir}. It was damaged:` : `The store ${report.dir} is damaged:`];
  for (const file of report.files) lines.push(`  ${file.path}: ${file.problem}`);
  for (const gap of report.incomplete)
    lines.push(`  instance ${JSON.stringify(gap.id)}: incomplete history (${gap.reason}); a store file is missing`);
  lines.push(done ? 'The repair:' : 'A repair (--repair) would:');
  lines.push(`  ${done ? 'kept' : 'keep'} ${keeps(report)}`);
  lines.push(`  ${done ? 'dropped' : 'drop'} ${drops(report)}`);
  const list = (label: string, values: string[]) => {
    if (values.length > 0) lines.push(`  ${label}: ${ids(values, 50)}`);
  };
  list(done ? 'lost the instances' : 'lose the instances', report.lost.instances);
  list(done ? 'lost the entities' : 'lose the entities', report.lost.entities);
  list(
    done ? 'rolled back to their state before the damage' : 'roll back to their state before the damage',
    report.rolledBack,
  );
  list(done ? 'lost the changes in the dropped lines to' : 'lose the changes in the dropped lines to', [
    ...report.named.instances,
    ...report.named.entities,
  ]);
  list(done ? 'dropped the unidentified documents' : 'drop the documents it cannot identify', report.unidentified);
  if (done) {
    for (const path of movedAside) lines.push(`  kept the damaged bytes in ${path}`);
  } else if (report.files.length > 0) {
    lines.push('  keep the bytes of every damaged file next to it, as <file>.corrupt-<time>, before writing anything');
  }
  return lines;
}
