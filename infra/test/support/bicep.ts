/**
 * A reader for the subset of Bicep that infra/azure.bicep uses, so tests can compare its declarations with the code
 * without a Bicep compiler.
 *
 * Values parse to JSON-like data: objects, arrays, strings, numbers, booleans and null. Anything else is kept as its
 * source text in `{ expr }` (a reference such as `identity.properties.clientId`, a call, or an interpolated string,
 * whose text keeps its quotes), and a resource loop `[for x in xs: {...}]` becomes `{ forEach: { item, source, body } }`.
 * Properties and array items are separated by newlines or commas; `//` and `/* *\/` comments are skipped. Multi-line
 * `'''` strings are not supported and throw.
 */

export interface BicepExpression {
  expr: string;
}

export interface BicepLoop {
  forEach: { item: string; source: string; body: BicepValue };
}

export type BicepValue = string | number | boolean | null | BicepValue[] | BicepObject | BicepExpression | BicepLoop;

export interface BicepObject {
  [key: string]: BicepValue;
}

export function isExpression(value: BicepValue | undefined): value is BicepExpression {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'expr' in value && typeof value.expr === 'string' && Object.keys(value).length === 1;
}

export function isLoop(value: BicepValue | undefined): value is BicepLoop {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'forEach' in value && Object.keys(value).length === 1;
}

export class BicepSyntaxError extends Error {
  constructor(message: string, source: string, at: number) {
    const line = source.slice(0, at).split('\n').length;
    super(`${message} (line ${line})`);
    this.name = 'BicepSyntaxError';
  }
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?[0-9]+(\.[0-9]+)?/y;

class Parser {
  constructor(
    private readonly source: string,
    public at: number,
  ) {}

  private fail(message: string): never {
    throw new BicepSyntaxError(message, this.source, this.at);
  }

  /** Skips spaces, newlines, commas (separators) and comments. */
  private skip(separators: boolean): void {
    for (;;) {
      const c = this.source[this.at];
      if (c === ' ' || c === '\t' || c === '\r' || (separators && (c === '\n' || c === ','))) this.at++;
      else if (this.source.startsWith('//', this.at)) {
        const end = this.source.indexOf('\n', this.at);
        this.at = end === -1 ? this.source.length : end;
      } else if (this.source.startsWith('/*', this.at)) {
        const end = this.source.indexOf('*/', this.at + 2);
        if (end === -1) this.fail('unterminated comment');
        this.at = end + 2;
      } else return;
    }
  }

  value(): BicepValue {
    this.skip(true);
    const c = this.source[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === "'") {
      const start = this.at;
      const text = this.string();
      this.skip(false);
      return this.atValueEnd() ? text : this.expressionFrom(start);
    }
    for (const [word, literal] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.source.startsWith(word, this.at) && !/[A-Za-z0-9_.(]/.test(this.source[this.at + word.length] ?? '')) {
        this.at += word.length;
        return literal;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.source);
    if (number) {
      const end = this.at + number[0].length;
      const after = this.source[end] ?? '';
      if (!/[A-Za-z0-9_.(]/.test(after)) {
        this.at = end;
        return Number(number[0]);
      }
    }
    return this.expressionFrom(this.at);
  }

  private atValueEnd(): boolean {
    const c = this.source[this.at];
    return c === undefined || c === '\n' || c === ',' || c === '}' || c === ']' || this.source.startsWith('//', this.at);
  }

  /** A plain string literal; an interpolated one (`${`) is left to the caller as an expression. */
  private string(): string | BicepExpression {
    if (this.source.startsWith("'''", this.at)) this.fail("multi-line ''' strings are not supported");
    const start = this.at;
    this.at++;
    let text = '';
    let interpolated = false;
    for (;;) {
      const c = this.source[this.at];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === "'") {
        this.at++;
        break;
      }
      if (c === '\\') {
        const escaped = this.source[this.at + 1];
        const map: Record<string, string> = { "'": "'", '\\': '\\', n: '\n', r: '\r', t: '\t', $: '$' };
        if (!(escaped in map)) this.fail(`unknown escape \\${escaped}`);
        text += map[escaped];
        this.at += 2;
        continue;
      }
      if (c === '$' && this.source[this.at + 1] === '{') interpolated = true;
      text += c;
      this.at++;
    }
    return interpolated ? { expr: this.source.slice(start, this.at) } : text;
  }

  /** Source text up to the end of the value: a newline, ',' , '}' or ']' outside brackets and strings. */
  private expressionFrom(start: number): BicepExpression {
    this.at = start;
    let depth = 0;
    for (;;) {
      const c = this.source[this.at];
      if (c === undefined) break;
      if (c === "'") {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === '\n' || c === ',' || this.source.startsWith('//', this.at))) break;
      this.at++;
    }
    const expr = this.source.slice(start, this.at).trim();
    if (expr === '') this.fail('expected a value');
    return { expr };
  }

  private identifier(): string {
    IDENTIFIER.lastIndex = this.at;
    const match = IDENTIFIER.exec(this.source);
    if (!match) this.fail('expected a name');
    this.at += match[0].length;
    return match[0];
  }

  private object(): BicepObject {
    this.at++;
    const out: BicepObject = {};
    for (;;) {
      this.skip(true);
      if (this.source[this.at] === '}') {
        this.at++;
        return out;
      }
      let key: string;
      if (this.source[this.at] === "'") {
        const quoted = this.string();
        key = typeof quoted === 'string' ? quoted : quoted.expr;
      } else key = this.identifier();
      this.skip(false);
      if (this.source[this.at] !== ':') this.fail(`expected ':' after ${key}`);
      this.at++;
      if (key in out) this.fail(`duplicate property ${key}`);
      out[key] = this.value();
    }
  }

  private array(): BicepValue[] | BicepLoop {
    this.at++;
    this.skip(true);
    if (this.source.startsWith('for ', this.at)) {
      this.at += 4;
      this.skip(false);
      const item = this.identifier();
      this.skip(false);
      if (!this.source.startsWith('in ', this.at)) this.fail("expected 'in'");
      this.at += 3;
      const colon = this.source.indexOf(':', this.at);
      if (colon === -1) this.fail("expected ':' in a for expression");
      const source = this.source.slice(this.at, colon).trim();
      this.at = colon + 1;
      const body = this.value();
      this.skip(true);
      if (this.source[this.at] !== ']') this.fail("expected ']' after a for body");
      this.at++;
      return { forEach: { item, source, body } };
    }
    const out: BicepValue[] = [];
    for (;;) {
      this.skip(true);
      if (this.source[this.at] === ']') {
        this.at++;
        return out;
      }
      out.push(this.value());
    }
  }
}

/** Parses the value that starts at `at` (after skipping blanks). */
export function parseBicepValue(source: string, at = 0): BicepValue {
  return new Parser(source, at).value();
}

function declarationStart(source: string, pattern: RegExp, what: string): number {
  const matches = [...source.matchAll(pattern)];
  if (matches.length !== 1) throw new Error(`expected one ${what}, found ${matches.length}`);
  const match = matches[0];
  return (match.index ?? 0) + match[0].length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `var <name> = <value>` */
export function readVar(source: string, name: string): BicepValue {
  return parseBicepValue(source, declarationStart(source, new RegExp(`^var ${escapeRegExp(name)} =`, 'gm'), `var ${name}`));
}

export interface BicepResource {
  symbol: string;
  /** e.g. `Microsoft.Web/sites` */
  type: string;
  apiVersion: string;
  body: BicepValue;
}

/** Every `resource <symbol> '<type>@<version>' = <value>` (no conditions), in file order. */
export function readResources(source: string): BicepResource[] {
  return [...source.matchAll(/^resource (\w+) '([^'@]+)@([^']+)'(?: existing)? =/gm)].map((match) => ({
    symbol: match[1],
    type: match[2],
    apiVersion: match[3],
    body: parseBicepValue(source, (match.index ?? 0) + match[0].length),
  }));
}

export function readResource(source: string, symbol: string): BicepResource {
  const found = readResources(source).filter((r) => r.symbol === symbol);
  if (found.length !== 1) throw new Error(`expected one resource ${symbol}, found ${found.length}`);
  return found[0];
}

export interface BicepParam {
  name: string;
  type: string;
  /** The default value, if the declaration has one. */
  default?: BicepValue;
}

export function readParams(source: string): BicepParam[] {
  return [...source.matchAll(/^param (\w+) (\w+)( =)?/gm)].map((match) => {
    const param: BicepParam = { name: match[1], type: match[2] };
    if (match[3]) param.default = parseBicepValue(source, (match.index ?? 0) + match[0].length);
    return param;
  });
}

export function readOutputNames(source: string): string[] {
  return [...source.matchAll(/^output (\w+) \w+ =/gm)].map((match) => match[1]);
}

export interface AppSetting {
  name: string;
  /** The value's source: a literal string, or an expression. */
  value: string | BicepExpression;
}

/** The single `appSettings: [ { name: '…' value: … } … ]` block. */
export function readAppSettings(source: string): AppSetting[] {
  const list = parseBicepValue(source, declarationStart(source, /^\s*appSettings:/gm, 'appSettings block'));
  if (!Array.isArray(list)) throw new Error('appSettings is not an array');
  return list.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || isExpression(entry) || isLoop(entry)) {
      throw new Error(`appSettings[${i}] is not an object`);
    }
    const keys = Object.keys(entry).sort();
    if (keys.join() !== 'name,value') throw new Error(`appSettings[${i}] has properties ${keys.join(', ')}; expected name and value`);
    const { name, value } = entry;
    if (typeof name !== 'string') throw new Error(`appSettings[${i}].name is not a string literal`);
    if (typeof value !== 'string' && !isExpression(value)) throw new Error(`appSettings ${name}: the value is neither a string nor an expression`);
    return { name, value };
  });
}

/** Follows a path of property names through objects; undefined when a step is missing. */
export function at(value: BicepValue | undefined, ...path: string[]): BicepValue | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as BicepObject)[key];
  }
  return current;
}
