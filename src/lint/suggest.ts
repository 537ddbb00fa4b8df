/**
 * "Did you mean ...?": the registered name closest to a misspelt one, by edit distance (fastest-levenshtein), ignoring
 * case. Only close names are suggested: at most a third of the name's length apart (and at least one edit), so
 * `sayHelo` gets `sayHello` but `ship` gets nothing from `charge`.
 */
import { distance } from 'fastest-levenshtein';

export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d <= limit && (!best || d < best.distance)) best = { name: candidate, distance: d };
  }
  return best?.name;
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (at most `max` names, then "and N more"). */
export function nameList(names: readonly string[], max = 6): string {
  const quoted = names.slice(0, max).map((name) => `'${name}'`);
  const rest = names.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
