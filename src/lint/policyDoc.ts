/**
 * The generated part of docs/lint-rules.md: the rule table, one entry per rule and the banned-API lists, rendered
 * from the policy data so the documentation cannot drift from what the linter does (a unit test compares them).
 */
import {
  BANNED_GLOBALS,
  BANNED_MODULE_MEMBERS,
  IO_MODULE_EXCEPTIONS,
  IO_MODULES,
  RANDOM_MODULES,
  SLEEP_MODULES,
} from './bannedApis.js';
import { RULE_IDS, RULES } from './policy.js';

export const CATALOGUE_START = '<!-- catalogue:start (generated from src/lint/policy.ts and bannedApis.ts) -->';
export const CATALOGUE_END = '<!-- catalogue:end -->';

const code = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(', ');

export function renderCatalogue(): string {
  const out: string[] = [CATALOGUE_START, '', '| rule | default | flags |', '|---|---|---|'];
  for (const id of RULE_IDS) out.push(`| [\`${id}\`](#${id}) | ${RULES[id].defaultSeverity} | ${RULES[id].title} |`);
  for (const id of RULE_IDS) {
    const rule = RULES[id];
    out.push(
      '',
      `### ${id}`,
      '',
      `**${rule.title}.** Default severity: **${rule.defaultSeverity}**.`,
      '',
      `- **Flags:** ${rule.flags}`,
      `- **Why:** ${rule.why}`,
      `- **Fix:** ${rule.fix}`,
      `- **Quick fix:** ${rule.quickFix}`,
      '',
      'Flagged (inside an orchestrator):',
      '',
      '```ts',
      rule.example,
      '```',
      '',
      'Not flagged:',
      '',
      '```ts',
      rule.nearMiss,
      '```',
    );
  }
  out.push('', '## Banned APIs', '', 'Globals (unless shadowed by a local declaration):', '');
  for (const api of BANNED_GLOBALS) out.push(`- \`${api.path}\` (${api.use}): ${api.rule}`);
  out.push('', 'Members of modules (`node:` prefix or not, `import` or `require`):', '');
  for (const [module, apis] of Object.entries(BANNED_MODULE_MEMBERS)) {
    out.push(
      `- \`${module}\`: ${code(apis.map((api) => api.path))} (${[...new Set(apis.map((a) => a.rule))].join(', ')})`,
    );
  }
  out.push(
    '',
    'Packages any call into which is flagged (`/*` covers a scope):',
    '',
    `- no-random: ${code(RANDOM_MODULES)}`,
    `- no-timers: ${code(SLEEP_MODULES)}`,
    `- no-io: ${code(IO_MODULES)}`,
    `- never flagged (durable programming model, or no I/O): ${code(IO_MODULE_EXCEPTIONS)}`,
    '',
    CATALOGUE_END,
  );
  return out.join('\n');
}
