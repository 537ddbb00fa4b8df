/**
 * Where an orchestrator ended, for the replay's last position (which would otherwise have no source): the line that
 * threw, or the `return` that ended it.
 *
 * - Threw: the first frame of the error's stack inside the app (source-mapped: the replay runs with source maps);
 *   an activity failure the code did not catch has no such frame (the library created it) and ends at the `yield`
 *   that received it, where the failed task was created.
 * - Returned: a generator's `return` leaves no trace at run time, so the source is read: from the line of the last
 *   call the orchestrator made (it ran on from there), the first `return` of the orchestrator's own body (not one of
 *   a nested function), or the closing line of its body when it has none after that line. The body is the nearest
 *   `function*` before that line (orchestrators are generator functions), matched by braces, with strings, template
 *   literals and comments skipped. When the code has several `return`s after its last call, the first is named.
 */
import type { SourceSite } from './instrument.js';

export type EndKind = 'returned' | 'threw';

export interface EndSite extends SourceSite {
  how: EndKind;
}

const FRAME = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?\s*$/;

/** The first frame of `stack` in a file under `appDir` (outside its node_modules). */
export function thrownSite(stack: string, appDir: string, toPath: (file: string) => string): SourceSite | undefined {
  const root = appDir.replace(/[\\/]+$/, '');
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const file = toPath(match[1]!);
    if (!file.startsWith(root) || /[\\/]node_modules[\\/]/.test(file.slice(root.length))) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** A line's code with the contents of strings, template literals and comments blanked (lengths kept). */
function codeOf(lines: readonly string[]): string[] {
  const out: string[] = [];
  let state: 'code' | 'block' | 'template' = 'code';
  for (const text of lines) {
    let code = '';
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const next = text[i + 1];
      if (state === 'block') {
        if (c === '*' && next === '/') {
          state = 'code';
          code += '  ';
          i++;
        } else code += ' ';
        continue;
      }
      if (state === 'template') {
        if (c === '\\') {
          code += '  ';
          i++;
        } else if (c === '`') {
          state = 'code';
          code += '`';
        } else code += ' ';
        continue;
      }
      if (quote) {
        if (c === '\\') {
          code += '  ';
          i++;
        } else if (c === quote) {
          quote = undefined;
          code += c;
        } else code += ' ';
        continue;
      }
      if (c === '/' && next === '/') break;
      if (c === '/' && next === '*') {
        state = 'block';
        code += '  ';
        i++;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      if (c === '`') state = 'template';
      code += c;
    }
    out.push(code);
  }
  return out;
}

/**
 * The line (1-based) of the `return` that ended the orchestrator whose last call was on `fromLine`, or the closing
 * line of its body; undefined when no generator function encloses `fromLine`.
 */
export function returnLine(text: string, fromLine: number): number | undefined {
  const code = codeOf(text.split(/\r?\n/));
  if (fromLine < 1 || fromLine > code.length) return undefined;
  // The nearest generator function at or above the line whose body still encloses it.
  for (let start = fromLine - 1; start >= 0; start--) {
    if (!/\bfunction\s*\*/.test(code[start]!)) continue;
    const found = scanBody(code, start, fromLine - 1);
    if (found !== undefined) return found + 1;
  }
  return undefined;
}

/**
 * From the `function*` on line `start`: its body's extent by braces; undefined when it closes before `from`. Else
 * the first `return` on or after line `from` at the body's own level (not inside a nested function), or its
 * closing line.
 */
function scanBody(code: readonly string[], start: number, from: number): number | undefined {
  // A stack of open braces: true for a block that belongs to a nested function (its returns are not the body's).
  const stack: boolean[] = [];
  let opened = false;
  let pendingFunction = false;
  for (let line = start; line < code.length; line++) {
    const text = code[line]!;
    const startColumn = line === start ? text.search(/\bfunction\s*\*/) : 0;
    for (let i = startColumn; i < text.length; i++) {
      const rest = text.slice(i);
      if (/^function\b/.test(rest) && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
        // The body's own `function*` opens the body; any later one is nested.
        pendingFunction = opened;
      } else if (rest.startsWith('=>')) pendingFunction = true;
      else if (/^return\b/.test(rest) && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
        if (opened && line >= from && !stack.includes(true)) return line;
      }
      const c = text[i];
      if (c === '{') {
        stack.push(opened && pendingFunction);
        opened = true;
        pendingFunction = false;
      } else if (c === '}') {
        stack.pop();
        if (opened && stack.length === 0) return line >= from ? line : undefined;
      } else if (c === ';') pendingFunction = false;
    }
  }
  return undefined;
}

/** `returnLine` on a source file, as a site (the first non-blank column). */
export function returnSite(text: string, fromLine: number, file: string): SourceSite | undefined {
  const line = returnLine(text, fromLine);
  if (line === undefined) return undefined;
  const lineText = text.split(/\r?\n/)[line - 1] ?? '';
  return { file, line, column: lineText.search(/\S|$/) + 1 };
}
