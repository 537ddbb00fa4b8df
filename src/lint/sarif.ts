/**
 * SARIF 2.1.0 output, as GitHub code scanning takes it (github/codeql-action/upload-sarif): the rule catalogue as
 * the driver's rules, one result per finding with its location relative to `%SRCROOT%` (the working directory),
 * related locations (the offending line in a helper) and the quick fixes as SARIF fixes.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Range, Severity } from './api.js';
import { RULE_IDS, RULES } from './policy.js';
import { displayPath } from './report.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

function level(severity: Severity): Level {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'note';
  }
}

function region(range: Range) {
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: range.end.line,
    endColumn: range.end.column,
  };
}

/** Relative to `%SRCROOT%` (the working directory); files outside it get an absolute `file:` URI. */
function artifact(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const shown = displayPath(file, cwd);
  if (path.isAbsolute(shown)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(shown), uriBaseId: SRCROOT };
}

/** `file:///work/app/`: a folder URI ends with a slash, or relative URIs resolve against its parent. */
function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : href + '/';
}

export function formatSarif(findings: readonly Finding[], cwd: string, version: string): string {
  const rules = RULE_IDS.map((id) => {
    const rule = RULES[id];
    return {
      id,
      name: id
        .split('-')
        .map((word) => word[0]!.toUpperCase() + word.slice(1))
        .join(''),
      shortDescription: { text: rule.title },
      fullDescription: { text: `Flags ${rule.flags} ${rule.why}` },
      help: {
        text: `${rule.fix} Quick fix: ${rule.quickFix}`,
        markdown: `**Flags:** ${rule.flags}\n\n**Why:** ${rule.why}\n\n**Fix:** ${rule.fix}\n\n**Quick fix:** ${rule.quickFix}`,
      },
      defaultConfiguration: { level: level(rule.defaultSeverity) },
      properties: { tags: ['durable-functions', 'determinism'] },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: level(f.severity),
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: artifact(f.file, cwd), region: region(f.range) } }],
    ...(f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, id) => ({
            id,
            message: { text: r.message },
            physicalLocation: { artifactLocation: artifact(r.file, cwd), region: region(r.range) },
          })),
        }
      : {}),
    ...(f.fixes.length > 0
      ? {
          fixes: f.fixes.map((fix) => ({
            description: { text: fix.title },
            artifactChanges: fix.edits.map((edit) => ({
              artifactLocation: artifact(edit.file, cwd),
              replacements: [{ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } }],
            })),
          })),
        }
      : {}),
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'durable-studio-lint',
            fullName: 'Durable Studio determinism linter',
            version,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: folderUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
