/**
 * Links from a diagnostic's rule id to the rule's entry in the catalogue, docs/lint-rules.md. The project has no
 * public web address, so the link is a `file:` URI of the catalogue next to the server's bundle (dist/../docs), with
 * the heading's line as the fragment (`#L42`): VS Code opens a `file:` link with an `L<line>` fragment at that line,
 * which a Markdown anchor (`#no-current-time`) would not do in the text editor. A rule without a heading links to the
 * file; no catalogue, no link.
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { RuleId } from '../api.js';
import { RULE_IDS } from './protocol.js';
import type { RuleDocOf } from './convert.js';

/** The rule's heading line (1-based) for each rule id a heading of `markdown` names. */
export function ruleHeadingLines(markdown: string): Map<RuleId, number> {
  const lines = new Map<RuleId, number>();
  markdown.split(/\r?\n/).forEach((text, index) => {
    if (!/^#{1,6}\s/.test(text)) return;
    for (const rule of RULE_IDS) {
      if (!lines.has(rule) && new RegExp(`(^|[^\\w-])${rule}($|[^\\w-])`).test(text)) lines.set(rule, index + 1);
    }
  });
  return lines;
}

/** Reads the catalogue once; the links it gives stay valid for the server's lifetime. */
export function ruleDocLinks(catalogue: string | undefined): RuleDocOf {
  let markdown: string | undefined;
  try {
    markdown = catalogue === undefined ? undefined : fs.readFileSync(catalogue, 'utf8');
  } catch {
    markdown = undefined;
  }
  if (catalogue === undefined || markdown === undefined) return () => undefined;
  const base = pathToFileURL(catalogue).href;
  const headings = ruleHeadingLines(markdown);
  return (rule) => {
    const line = headings.get(rule);
    return line === undefined ? base : `${base}#L${line}`;
  };
}
