/**
 * Dynamic membership rules: the subset of Entra's rule syntax the simulator evaluates.
 *   rule  := term (('-and' | '-or') term)*        (-and binds tighter than -or)
 *   term  := '(' rule ')' | 'user.' property op value
 *   op    := -eq | -ne | -startsWith | -contains   (case-insensitive, as in Entra)
 *   value := "string" | true | false | null
 * Anything else is rejected at group creation, so a rule either evaluates or is refused.
 */
import { badRequest } from './errors';

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; property: string; op: 'eq' | 'ne' | 'startswith' | 'contains'; value: string | boolean | null };

export interface MembershipRule {
  readonly text: string;
  matches(user: Record<string, unknown>): boolean;
}

const TOKEN = /\s*(\(|\)|-and\b|-or\b|-eq\b|-ne\b|-startswith\b|-contains\b|"(?:[^"\\]|\\.)*"|true\b|false\b|null\b|user\.[A-Za-z0-9_]+)\s*/iy;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < text.length) {
    TOKEN.lastIndex = index;
    const m = TOKEN.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(index))) break;
      throw invalid(text, `unexpected text at position ${index}`);
    }
    tokens.push(m[1]);
    index = TOKEN.lastIndex;
  }
  return tokens;
}

function invalid(text: string, why: string) {
  return badRequest(`Invalid value specified for property 'membershipRule' of resource 'Group': ${why} in "${text}".`);
}

export function parseMembershipRule(text: string): MembershipRule {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos]?.toLowerCase();
  const parseTerm = (): Node => {
    const t = tokens[pos++];
    if (t === undefined) throw invalid(text, 'unexpected end of rule');
    if (t === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') throw invalid(text, 'missing ")"');
      return inner;
    }
    if (!/^user\./i.test(t)) throw invalid(text, `expected user.<property>, found ${t}`);
    const opToken = tokens[pos++]?.toLowerCase();
    const ops: Record<string, 'eq' | 'ne' | 'startswith' | 'contains'> = {
      '-eq': 'eq', '-ne': 'ne', '-startswith': 'startswith', '-contains': 'contains',
    };
    const op = opToken ? ops[opToken] : undefined;
    if (!op) throw invalid(text, `unsupported operator ${opToken ?? '(none)'}`);
    const raw = tokens[pos++];
    if (raw === undefined) throw invalid(text, 'missing value');
    let value: string | boolean | null;
    if (raw.startsWith('"')) value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (/^true$/i.test(raw)) value = true;
    else if (/^false$/i.test(raw)) value = false;
    else if (/^null$/i.test(raw)) value = null;
    else throw invalid(text, `unsupported value ${raw}`);
    return { kind: 'cmp', property: t.slice(5), op, value };
  };
  const parseAnd = (): Node => {
    let left = parseTerm();
    while (peek() === '-and') {
      pos++;
      left = { kind: 'and', left, right: parseTerm() };
    }
    return left;
  };
  const parseOr = (): Node => {
    let left = parseAnd();
    while (peek() === '-or') {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const root = parseOr();
  if (pos !== tokens.length) throw invalid(text, `unexpected ${tokens[pos]}`);
  return { text, matches: (user) => evaluate(root, user) };
}

function evaluate(node: Node, user: Record<string, unknown>): boolean {
  if (node.kind !== 'cmp') {
    return node.kind === 'and'
      ? evaluate(node.left, user) && evaluate(node.right, user)
      : evaluate(node.left, user) || evaluate(node.right, user);
  }
  const actual = user[node.property];
  if (typeof node.value !== 'string') {
    return node.op === 'ne' ? actual !== node.value && !(actual === undefined && node.value === null) : actual === node.value || (actual === undefined && node.value === null);
  }
  const a = typeof actual === 'string' ? actual.toLowerCase() : null;
  const v = node.value.toLowerCase();
  switch (node.op) {
    case 'eq': return a === v;
    case 'ne': return a !== v;
    case 'startswith': return a !== null && a.startsWith(v);
    case 'contains': return a !== null && a.includes(v);
    default: return false;
  }
}
