/** Checks on what the user types, for input boxes' `validateInput` (no VS Code here: unit-tested). */

/** Why text is not JSON ("Unexpected token } in JSON at position 5"), or undefined when it is (or is empty). */
export function jsonProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

/** The instance id rules of the host: not empty, no `/`, `\`, `#`, `?` or control characters, at most 256. */
export function instanceIdProblem(text: string): string | undefined {
  const id = text.trim();
  if (id === '') return undefined;
  if (id.length > 256) return 'An instance id has at most 256 characters.';
  if (/[/\\#?\u0000-\u001f\u007f]/.test(id)) return 'An instance id cannot contain /, \\, #, ? or control characters.';
  if (id === '.' || id === '..') return 'An instance id cannot be . or ..';
  return undefined;
}
