/**
 * Azure Functions (ASP.NET) route templates: parsing, conversion to find-my-way paths, and the inline
 * constraints checked after a match. Pure functions.
 */

export interface TemplateParam {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: string[];
}

export type TemplateToken = { kind: 'literal'; text: string } | { kind: 'param'; param: TemplateParam };

/** A route template split into `/` segments, each a list of literal and parameter tokens. */
export type ParsedTemplate = TemplateToken[][];

/** Parses an ASP.NET route template. Throws an Error naming the problem for a malformed template. */
export function parseRouteTemplate(template: string): ParsedTemplate {
  const trimmed = template.replace(/^[~/]+/, '').replace(/\/+$/, '');
  if (trimmed.length === 0) return [];
  return splitSegments(trimmed).map((segment) => parseSegment(segment, template));
}

/** Splits on `/` outside `{...}` (a constraint such as `regex(a/b)` may contain one). */
function splitSegments(template: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of template) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

function parseSegment(segment: string, template: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const ch = segment[i]!;
    if (ch === '{' && segment[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      // A parameter runs to the first single `}` outside parentheses; `{{`/`}}` inside are escaped braces.
      let body = '';
      let parens = 0;
      let j = i + 1;
      for (; j < segment.length; j++) {
        const c = segment[j]!;
        if (c === '(') parens++;
        else if (c === ')') parens = Math.max(0, parens - 1);
        if ((c === '{' || c === '}') && segment[j + 1] === c) {
          body += c;
          j++;
          continue;
        }
        if (c === '}' && parens === 0) break;
        body += c;
      }
      if (j >= segment.length) throw new Error(`Route template '${template}': unclosed '{'.`);
      if (literal) tokens.push({ kind: 'literal', text: literal });
      literal = '';
      tokens.push({ kind: 'param', param: parseParam(body, template) });
      i = j + 1;
    } else if (ch === '}') {
      throw new Error(`Route template '${template}': unmatched '}'.`);
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) tokens.push({ kind: 'literal', text: literal });
  return tokens;
}

function parseParam(body: string, template: string): TemplateParam {
  let text = body.trim();
  const catchAll = text.startsWith('*');
  text = text.replace(/^\*{1,2}/, '');
  // Split off constraints at ':' outside parentheses; the default value follows '=' in the last piece.
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ':' && depth === 0) {
      pieces.push(current);
      current = '';
    } else current += ch;
  }
  pieces.push(current);
  let defaultValue: string | undefined;
  let optional = false;
  const last = pieces.length - 1;
  const eq = findOutsideParens(pieces[last]!, '=');
  if (eq >= 0) {
    defaultValue = pieces[last]!.slice(eq + 1);
    pieces[last] = pieces[last]!.slice(0, eq);
  }
  if (pieces[last]!.endsWith('?')) {
    optional = true;
    pieces[last] = pieces[last]!.slice(0, -1);
  }
  const name = pieces[0]!.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`Route template '${template}': invalid parameter name '${name}'.`);
  }
  const param: TemplateParam = { name, optional, catchAll, constraints: pieces.slice(1).filter((c) => c.length > 0) };
  if (defaultValue !== undefined) param.defaultValue = defaultValue;
  return param;
}

function findOutsideParens(text: string, needle: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === needle && depth === 0) return i;
  }
  return -1;
}

/** One find-my-way path for a template (optional trailing parameters give several). */
export interface RouteVariant {
  /** find-my-way pattern with positional parameter names `p0`, `p1`, ... (or `*` for a catch-all). */
  path: string;
  /** Template parameter name for each positional name (`p0` → `id`, `*` → `rest`). */
  names: Record<string, string>;
  /** Parameters left out of this variant that have a default value. */
  defaults: Record<string, string>;
  /** Constraints by template parameter name. */
  constraints: Record<string, string[]>;
}

/**
 * Converts a parsed template under a prefix into find-my-way paths. Parameters get positional names so that
 * `items/{id:int}` and `items/{name:alpha}` land on the same find-my-way route and are told apart by their
 * constraints after the match. A trailing run of whole-segment optional (or defaulted, or catch-all)
 * parameters produces one variant per possible length, as ASP.NET matches them.
 */
export function toRouteVariants(prefix: string, template: string): RouteVariant[] {
  const segments = parseRouteTemplate(template);
  const prefixPath = prefix.replace(/^\/+|\/+$/g, '');
  const isDroppable = (segment: TemplateToken[]): boolean =>
    segment.length === 1 &&
    segment[0]!.kind === 'param' &&
    (segment[0]!.param.optional || segment[0]!.param.catchAll || segment[0]!.param.defaultValue !== undefined);
  let firstDroppable = segments.length;
  while (firstDroppable > 0 && isDroppable(segments[firstDroppable - 1]!)) firstDroppable--;

  const variants: RouteVariant[] = [];
  for (let length = segments.length; length >= firstDroppable; length--) {
    const names: Record<string, string> = {};
    const constraints: Record<string, string[]> = {};
    const defaults: Record<string, string> = {};
    let counter = 0;
    const parts: string[] = prefixPath ? [escapeLiteral(prefixPath)] : [];
    segments.slice(0, length).forEach((segment, index) => {
      let part = '';
      for (const token of segment) {
        if (token.kind === 'literal') {
          part += escapeLiteral(token.text);
          continue;
        }
        const { param } = token;
        if (param.catchAll) {
          if (index !== segments.length - 1 || segment.length !== 1) {
            throw new Error(`Route template '${template}': a catch-all parameter must be the last segment.`);
          }
          names['*'] = param.name;
          part += '*';
        } else {
          const positional = `p${counter++}`;
          names[positional] = param.name;
          part += `:${positional}`;
        }
        if (param.constraints.length > 0) constraints[param.name] = param.constraints;
      }
      parts.push(part);
    });
    for (const segment of segments.slice(length)) {
      const token = segment[0];
      if (token?.kind === 'param' && token.param.defaultValue !== undefined) {
        defaults[token.param.name] = token.param.defaultValue;
      }
    }
    variants.push({ path: `/${parts.join('/')}`, names, defaults, constraints });
  }
  return variants;
}

/** find-my-way treats `:` as a parameter start; `::` is a literal colon. */
function escapeLiteral(text: string): string {
  return text.replace(/:/g, '::');
}

const GUID_PLAIN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const GUID_BRACED = /^[{(][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[})]$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Checks one ASP.NET inline route constraint (`int`, `long`, `alpha`, `bool`, `guid`, `datetime`, `decimal`,
 * `double`, `float`, `minlength(n)`, `maxlength(n)`, `length(n)`, `length(a,b)`, `min(n)`, `max(n)`,
 * `range(a,b)`, `regex(expr)`, `required`). Unknown constraints pass, as they would fail at host start-up in
 * the real host rather than per request.
 */
export function satisfiesConstraint(value: string, constraint: string): boolean {
  const match = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(constraint.trim());
  if (!match) return true;
  const name = match[1]!.toLowerCase();
  const args = match[2] === undefined ? [] : match[2].split(',').map((a) => a.trim());
  const num = (i: number): number => Number(args[i]);
  const integerIn = (min: bigint, max: bigint): boolean =>
    /^[+-]?\d+$/.test(value) && BigInt(value) >= min && BigInt(value) <= max;
  switch (name) {
    case 'int':
      return integerIn(-2147483648n, 2147483647n);
    case 'long':
      return integerIn(-9223372036854775808n, 9223372036854775807n);
    case 'alpha':
      return /^[a-z]+$/i.test(value);
    case 'bool':
      return /^(true|false)$/i.test(value);
    case 'guid':
      return GUID_PLAIN.test(value) || GUID_BRACED.test(value);
    case 'datetime':
      return !Number.isNaN(Date.parse(value));
    case 'decimal':
    case 'double':
    case 'float':
      return NUMBER.test(value);
    case 'minlength':
      return value.length >= num(0);
    case 'maxlength':
      return value.length <= num(0);
    case 'length':
      return args.length >= 2 ? value.length >= num(0) && value.length <= num(1) : value.length === num(0);
    case 'min':
      return /^[+-]?\d+$/.test(value) && Number(value) >= num(0);
    case 'max':
      return /^[+-]?\d+$/.test(value) && Number(value) <= num(0);
    case 'range':
      return /^[+-]?\d+$/.test(value) && Number(value) >= num(0) && Number(value) <= num(1);
    case 'regex': {
      try {
        // ASP.NET evaluates route regexes case-insensitively.
        return new RegExp(match[2] ?? '', 'i').test(value);
      } catch {
        return false;
      }
    }
    case 'required':
      return value.length > 0;
    default:
      return true;
  }
}
