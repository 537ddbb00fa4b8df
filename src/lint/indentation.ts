/**
 * Indentation for quick fixes that insert or wrap whole statements: the whitespace a statement's line starts with,
 * and one level of it as the file writes it (spaces or tabs, two or four).
 */
import type ts from 'typescript';

/** The whitespace before the first token on a node's line. */
export function indentOf(node: ts.Node): string {
  return /^[ \t]*/.exec(lineBefore(node))![0];
}

/** The text of a node's line before the node. */
function lineBefore(node: ts.Node): string {
  const sf = node.getSourceFile();
  const start = node.getStart(sf);
  return sf.text.slice(sf.getPositionOfLineAndCharacter(sf.getLineAndCharacterOfPosition(start).line, 0), start);
}

/** One level: the step from the enclosing block's line (`outer`) to the statement's (`indent`). */
export function indentUnit(indent: string, outer: string): string {
  if (indent.length > outer.length && indent.startsWith(outer)) return indent.slice(outer.length);
  return indent.includes('\t') ? '\t' : '  ';
}

/** Text to insert before a statement: on a line of its own when the statement starts its line, else inline. */
export function beforeStatement(node: ts.Node, text: string): string {
  return startsLine(node) ? `${text}\n${indentOf(node)}` : `${text} `;
}

/** Text to insert after a statement: on a new line at its indentation when it starts its line, else inline. */
export function afterStatement(node: ts.Node, text: string): string {
  return startsLine(node) ? `\n${indentOf(node)}${text}` : ` ${text}`;
}

function startsLine(node: ts.Node): boolean {
  return /^[ \t]*$/.test(lineBefore(node));
}
