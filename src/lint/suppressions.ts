/**
 * Suppression comments:
 *
 *   // durable-lint-disable-next-line no-env, no-current-time -- read once at start-up, see ADR 12
 *   // durable-lint-disable-line no-io -- reason            (on the line itself)
 *
 * Rule ids are separated by commas or spaces; the reason follows ` -- `. Without any rule id (nothing, or only
 * `-- reason`) the comment suppresses every rule on that line. Words that are not rule ids are ignored, so a reason
 * written without `--` suppresses nothing extra (and a misspelt rule id suppresses nothing). A finding is suppressed
 * by a comment that targets the line where it starts; a hazard inside a helper can also be suppressed at its own
 * line in the helper, which silences it for every orchestrator that calls the helper.
 */
import type ts from 'typescript';
import type { RuleId } from './api.js';
import { isRuleId } from './policy.js';

/** Per target line (1-based): the rules suppressed there, or `all`. */
export type Suppressions = ReadonlyMap<number, ReadonlySet<RuleId> | 'all'>;

const DIRECTIVE = /(\/\/|\/\*)[ \t]*durable-lint-disable-(next-line|line)\b([^\n]*)/g;

const cache = new WeakMap<ts.SourceFile, Suppressions>();

export function suppressionsOf(sf: ts.SourceFile): Suppressions {
  const cached = cache.get(sf);
  if (cached) return cached;
  const found = parseSuppressions(sf.text);
  cache.set(sf, found);
  return found;
}

export function parseSuppressions(text: string): Suppressions {
  const result = new Map<number, Set<RuleId> | 'all'>();
  if (!text.includes('durable-lint-disable')) return result;
  let line = 1;
  let scanned = 0;
  for (const match of text.matchAll(DIRECTIVE)) {
    const index = match.index;
    for (; scanned < index; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    let body = match[3] ?? '';
    if (match[1] === '/*') body = body.split('*/')[0] ?? '';
    const [ids = ''] = body.split(/\s--(?:\s|$)/);
    const words = ids.split(/[\s,]+/).filter((word) => word !== '');
    const rules = words.filter(isRuleId);
    const target = match[2] === 'next-line' ? line + 1 : line;
    const hasReasonOnly = words.length === 0;
    const existing = result.get(target);
    if (hasReasonOnly) {
      result.set(target, 'all');
    } else if (rules.length > 0 && existing !== 'all') {
      result.set(target, new Set([...(existing ?? []), ...rules]));
    }
  }
  return result;
}

export function isSuppressed(suppressions: Suppressions, line: number, rule: RuleId): boolean {
  const entry = suppressions.get(line);
  return entry === 'all' || (entry !== undefined && entry.has(rule));
}
