/**
 * OData query options as Graph's directory endpoints implement them (contract §2):
 * `$select` (with each resource's default set), `$top` (1–999), `$count` (advanced query only),
 * and a `$filter` subset: eq, in, startswith, and/or, parentheses; ne / not / endswith only as advanced queries.
 * String literals escape a single quote by doubling it (`'O''Brien'`).
 */
import { DirectoryError, badRequest, unsupportedQuery } from '../model/errors';

export interface QueryOptions {
  select?: string[];
  filter?: FilterNode;
  top?: number;
  count: boolean;
  expand?: string[];
  orderBy?: { property: string; descending: boolean };
  skipToken?: string;
  advanced: boolean;
}

export type Literal = string | boolean | null | number;
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'eq' | 'ne'; property: string; value: Literal }
  | { kind: 'in'; property: string; values: Literal[] }
  | { kind: 'startswith' | 'endswith'; property: string; value: string };

export const MAX_PAGE_SIZE = 999;
export const DEFAULT_PAGE_SIZE = 100;

/** Parses the OData options of a request; `typeName` names the resource in error messages ("User", "Group"). */
export function parseQueryOptions(
  query: URLSearchParams,
  headers: Record<string, string | undefined>,
  typeName: string,
): QueryOptions {
  const advanced = (headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
  const count = (query.get('$count') ?? '').toLowerCase() === 'true';
  const options: QueryOptions = { count, advanced: advanced && count };
  const select = query.get('$select');
  if (select !== null) options.select = splitList(select);
  const expand = query.get('$expand');
  if (expand !== null) options.expand = splitList(expand);
  const top = query.get('$top');
  if (top !== null) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
      throw badRequest(`Invalid page size specified: '${top}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`);
    }
    options.top = n;
  }
  const skipToken = query.get('$skiptoken');
  if (skipToken !== null) options.skipToken = skipToken;
  if (query.has('$skip')) {
    throw unsupportedQuery(`'$skip' is not supported by the service.`);
  }
  if (count && !advanced) {
    throw badRequest('$count is not currently supported.');
  }
  const orderBy = query.get('$orderby');
  if (orderBy !== null) {
    const m = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
    if (!m) throw badRequest(`Invalid $orderby expression: '${orderBy}'.`);
    options.orderBy = { property: m[1], descending: (m[2] ?? '').toLowerCase() === 'desc' };
  }
  const filter = query.get('$filter');
  if (filter !== null) options.filter = parseFilter(filter, typeName, options.advanced);
  return options;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// ------------------------------------------------------------------ $filter

type Token = { type: 'ident' | 'string' | 'number' | 'punct'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', value: c });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw invalidFilter(text, 'unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', value });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i));
      if (!m) throw invalidFilter(text, `unexpected '${c}'`);
      tokens.push({ type: 'number', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_./$]*/.exec(text.slice(i))!;
      tokens.push({ type: 'ident', value: m[0] });
      i += m[0].length;
    } else {
      throw invalidFilter(text, `unexpected '${c}'`);
    }
  }
  return tokens;
}

function invalidFilter(text: string, why: string): DirectoryError {
  return new DirectoryError(400, 'BadRequest', `Invalid filter clause: ${why} (in '${text}').`);
}

function advancedOnly(operator: string): DirectoryError {
  return unsupportedQuery(
    `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
  );
}

export function parseFilter(text: string, typeName: string, advanced: boolean): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw invalidFilter(text, 'unexpected end of expression');
    return t;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.value !== value) throw invalidFilter(text, `expected '${value}' but found '${t.value}'`);
  };
  const literal = (): Literal => {
    const t = next();
    if (t.type === 'string') return t.value;
    if (t.type === 'number') return Number(t.value);
    if (t.type === 'ident' && /^(true|false)$/i.test(t.value)) return t.value.toLowerCase() === 'true';
    if (t.type === 'ident' && /^null$/i.test(t.value)) return null;
    throw invalidFilter(text, `expected a literal but found '${t.value}'`);
  };
  const property = (): string => {
    const t = next();
    if (t.type !== 'ident') throw invalidFilter(text, `expected a property but found '${t.value}'`);
    return t.value;
  };
  const atom = (): FilterNode => {
    const t = peek();
    if (!t) throw invalidFilter(text, 'unexpected end of expression');
    if (t.value === '(') {
      pos++;
      const inner = orExpr();
      expect(')');
      return inner;
    }
    if (t.type === 'ident' && t.value.toLowerCase() === 'not') {
      pos++;
      if (!advanced) throw advancedOnly('not');
      return { kind: 'not', operand: atom() };
    }
    if (t.type === 'ident' && /^(startswith|endswith)$/i.test(t.value) && tokens[pos + 1]?.value === '(') {
      const fn = t.value.toLowerCase() as 'startswith' | 'endswith';
      pos += 2;
      const p = property();
      expect(',');
      const v = literal();
      expect(')');
      if (typeof v !== 'string') throw invalidFilter(text, `${fn} needs a string literal`);
      if (fn === 'endswith' && !advanced) throw advancedOnly('endsWith');
      return { kind: fn, property: p, value: v };
    }
    const p = property();
    const op = next();
    const operator = op.value.toLowerCase();
    if (operator === 'eq') return { kind: 'eq', property: p, value: literal() };
    if (operator === 'ne') {
      if (!advanced) throw advancedOnly('ne');
      return { kind: 'ne', property: p, value: literal() };
    }
    if (operator === 'in') {
      expect('(');
      const values: Literal[] = [literal()];
      while (peek()?.value === ',') {
        pos++;
        values.push(literal());
      }
      expect(')');
      return { kind: 'in', property: p, values };
    }
    if (/^(gt|ge|lt|le|has)$/.test(operator)) {
      throw unsupportedQuery(`Unsupported query operator '${operator}' for resource '${typeName}'.`);
    }
    throw invalidFilter(text, `unknown operator '${op.value}'`);
  };
  const andExpr = (): FilterNode => {
    let left = atom();
    while (peek()?.type === 'ident' && peek()!.value.toLowerCase() === 'and') {
      pos++;
      left = { kind: 'and', left, right: atom() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (peek()?.type === 'ident' && peek()!.value.toLowerCase() === 'or') {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const root = orExpr();
  if (pos !== tokens.length) throw invalidFilter(text, `unexpected '${tokens[pos].value}'`);
  return root;
}

/** Properties named by a filter, so the caller can reject unsupported ones with Graph's error. */
export function filterProperties(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    default:
      return [node.property];
  }
}

export function assertFilterable(node: FilterNode, allowed: ReadonlySet<string>, typeName: string): void {
  for (const p of filterProperties(node)) {
    if (!allowed.has(p)) {
      throw unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${p}' of resource '${typeName}'.`);
    }
  }
}

/** Directory string comparisons are case-insensitive. */
export function matchesFilter(node: FilterNode, props: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, props) && matchesFilter(node.right, props);
    case 'or':
      return matchesFilter(node.left, props) || matchesFilter(node.right, props);
    case 'not':
      return !matchesFilter(node.operand, props);
    case 'eq':
      return equalLiteral(props[node.property], node.value);
    case 'ne':
      return !equalLiteral(props[node.property], node.value);
    case 'in':
      return node.values.some((v) => equalLiteral(props[node.property], v));
    case 'startswith': {
      const v = props[node.property];
      return typeof v === 'string' && v.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'endswith': {
      const v = props[node.property];
      return typeof v === 'string' && v.toLowerCase().endsWith(node.value.toLowerCase());
    }
  }
}

function equalLiteral(actual: unknown, literal: Literal): boolean {
  if (typeof actual === 'string' && typeof literal === 'string') return actual.toLowerCase() === literal.toLowerCase();
  if (actual === undefined) return literal === null;
  return actual === literal;
}

// ------------------------------------------------------------------ $select

/**
 * Projects a stored object onto the selected (or default) properties, in the order asked.
 * Unknown properties are Graph's 400; `writeOnly` properties (passwordProfile) are accepted and read as null.
 */
export function project(
  props: Record<string, unknown>,
  select: string[] | undefined,
  defaults: readonly string[],
  known: readonly string[],
  typeName: string,
  writeOnly: readonly string[] = [],
): Record<string, unknown> {
  const keys = select ?? defaults;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (writeOnly.includes(key)) {
      out[key] = null;
      continue;
    }
    if (!known.includes(key)) {
      throw badRequest(`Could not find a property named '${key}' on type 'microsoft.graph.${typeName}'.`);
    }
    out[key] = props[key] ?? null;
  }
  return out;
}

export function assertSelectable(select: string[] | undefined, known: readonly string[], typeName: string, extra: ReadonlySet<string> = new Set()): void {
  for (const key of select ?? []) {
    if (!known.includes(key) && !extra.has(key)) {
      throw badRequest(`Could not find a property named '${key}' on type 'microsoft.graph.${typeName}'.`);
    }
  }
}
