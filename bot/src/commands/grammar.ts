/**
 * The bot's command grammar: the one place where a Teams message becomes a typed command.
 *
 * Algorithm (linear in the input, no backtracking regular expressions over user text):
 * 1. Refuse input over MAX_COMMAND_BYTES (UTF-8) before looking at it.
 * 2. Turn tabs and line breaks into spaces; drop other control and format characters (C0/C1, zero-width, bidi).
 * 3. Scan once into tokens: whitespace separates; "…" or “…” (any of " “ ” „ ‟) is one quoted token; a Teams
 *    mention `<at>Name</at>` is one quoted token. Leading mentions and leading "@Name" words (the bot) are dropped.
 *    A few HTML entities Teams sends (&amp; &lt; &gt; &quot; &#39; &nbsp;) are decoded inside tokens.
 * 4. Match the unquoted leading keywords of a command exactly (case-insensitive); the rest is the command's
 *    arguments (a name keeps its own case; trailing `at <date>` / `since <7d|24h|date>` are taken from the end).
 * 5. Otherwise find the closest command by edit distance (optimal string alignment) on the first words.
 */

/** Longest accepted message, in UTF-8 bytes. */
export const MAX_COMMAND_BYTES = 4096;
/** Longest accepted object name (Entra ID display names are at most 256 characters). */
export const MAX_NAME_LENGTH = 256;

export type ObjectKind = 'user' | 'group';

/** A point in time, normalised to UTC. `text` is what the user typed. */
export interface Instant {
  kind: 'instant';
  text: string;
  /** ISO 8601 in UTC (`Date.prototype.toISOString`). */
  at: string;
}

/** A span back from now, such as `7d`. */
export interface Duration {
  kind: 'duration';
  text: string;
  durationInMs: number;
}

export type TimeRef = Instant | Duration;

export type ParsedCommand =
  | { verb: 'restoreUser'; name: string }
  | { verb: 'restoreGroup'; name: string }
  | { verb: 'versions'; kind: ObjectKind; name: string }
  | { verb: 'memberships'; name: string; at?: Instant }
  | { verb: 'diffRole'; name: string; since?: TimeRef }
  | { verb: 'diffUser'; name: string }
  | { verb: 'deleted'; since?: TimeRef }
  | { verb: 'backupNow' }
  | { verb: 'backupStatus' }
  | { verb: 'undo'; restoreId: string }
  | { verb: 'help'; topic?: string }
  | { verb: 'setApprovalsChannel' }
  | { verb: 'setSummaryChannel' };

export type Verb = ParsedCommand['verb'];

export type CommandErrorCode =
  | 'empty'
  | 'tooLong'
  | 'unclosedQuote'
  | 'unknownCommand'
  | 'missingArgument'
  | 'unexpectedWords'
  | 'badName'
  | 'badDate'
  | 'badDuration'
  | 'badRestoreId';

export interface CommandError {
  error: CommandErrorCode;
  /** One or two plain sentences for the user (no markdown, no echo of more than a short word of their input). */
  message: string;
  /** The usage line of the command concerned (or of the closest one). */
  usage?: string;
  /** For unknown commands: the closest command, when one is close enough to be a likely typo. */
  closest?: CommandInfo;
}

export interface CommandInfo {
  verb: Verb;
  /** The leading words that select the command. */
  keywords: readonly string[];
  usage: string;
  /** Short title for the app manifest's command list (at most 32 characters). */
  title: string;
  /** At most 128 characters (the app manifest's limit). */
  description: string;
  example: string;
  /** Whether the command is in the app manifest's command menu (which holds at most 10). */
  inManifest: boolean;
}

export const COMMANDS: readonly CommandInfo[] = Object.freeze([
  { verb: 'restoreUser', keywords: ['restore', 'user'], usage: 'restore user <name>', title: 'restore user', description: 'Restore a deleted or changed user from a backup, after approval.', example: 'restore user bob', inManifest: true },
  { verb: 'restoreGroup', keywords: ['restore', 'group'], usage: 'restore group <name>', title: 'restore group', description: 'Restore a deleted or changed group and its members from a backup, after approval.', example: 'restore group "Sales Team"', inManifest: true },
  { verb: 'versions', keywords: ['versions'], usage: 'versions <user|group> <name>', title: 'versions', description: "List an object's backed-up versions and what changed between them.", example: 'versions user bob', inManifest: true },
  { verb: 'memberships', keywords: ['memberships'], usage: 'memberships <name> [at <date>]', title: 'memberships', description: "Show a user's group memberships and roles, today or at a date.", example: 'memberships bob at 2026-11-20', inManifest: true },
  { verb: 'diffRole', keywords: ['diff', 'role'], usage: 'diff role <name> [since <7d|24h|date>]', title: 'diff role', description: "Who was added to or removed from a directory role's members.", example: 'diff role "Global Administrator" since 7d', inManifest: true },
  { verb: 'diffUser', keywords: ['diff', 'user'], usage: 'diff user <name>', title: 'diff user', description: 'What changed on a user since the last backup.', example: 'diff user bob', inManifest: true },
  { verb: 'deleted', keywords: ['deleted'], usage: 'deleted [since <24h|7d|date>]', title: 'deleted', description: 'Objects deleted since a time (default: the last backup).', example: 'deleted since 24h', inManifest: true },
  { verb: 'backupNow', keywords: ['backup', 'now'], usage: 'backup now', title: 'backup now', description: 'Start a backup now.', example: 'backup now', inManifest: true },
  { verb: 'backupStatus', keywords: ['backup', 'status'], usage: 'backup status', title: 'backup status', description: 'The last backup: status, counts, changes and duration.', example: 'backup status', inManifest: true },
  { verb: 'undo', keywords: ['undo'], usage: 'undo <restoreId>', title: 'undo', description: 'Plan the undo of a restore (it needs approval like any restore).', example: 'undo r-20261120-080000-a1b2c3', inManifest: false },
  { verb: 'help', keywords: ['help'], usage: 'help', title: 'help', description: 'What Rewind can do.', example: 'help', inManifest: true },
  { verb: 'setApprovalsChannel', keywords: ['set', 'approvals', 'channel'], usage: 'set approvals channel', title: 'set approvals channel', description: 'Security leads: post approval requests to this channel.', example: 'set approvals channel', inManifest: false },
  { verb: 'setSummaryChannel', keywords: ['set', 'summary', 'channel'], usage: 'set summary channel', title: 'set summary channel', description: 'Security leads: post the daily backup summary to this channel.', example: 'set summary channel', inManifest: false },
] satisfies CommandInfo[]);

/** The commands for the app manifest's command list (Teams allows at most 10 per list). */
export const MANIFEST_COMMANDS: readonly { title: string; description: string }[] = COMMANDS.filter((c) => c.inManifest).map((c) => ({ title: c.title, description: c.description }));

export function commandInfo(verb: Verb): CommandInfo {
  return COMMANDS.find((c) => c.verb === verb)!;
}

export function isCommandError(result: ParsedCommand | CommandError): result is CommandError {
  return 'error' in result;
}

/** Parses one message. Never throws; any input (any length, any characters) yields a command or a CommandError. */
export function parseCommand(text: string): ParsedCommand | CommandError {
  if (typeof text !== 'string') return { error: 'empty', message: EMPTY_MESSAGE, usage: 'help' };
  // A UTF-8 string is never shorter in bytes than in UTF-16 code units, so the cheap check goes first.
  if (text.length > MAX_COMMAND_BYTES || Buffer.byteLength(text, 'utf8') > MAX_COMMAND_BYTES) {
    return {
      error: 'tooLong',
      message: `That message is ${formatKilobytes(Buffer.byteLength(text, 'utf8'))}; commands are at most 4 KB. Type help for the commands.`,
      usage: 'help',
    };
  }
  const tokenized = tokenize(stripControlCharacters(text));
  if ('error' in tokenized) return tokenized;
  const tokens = dropLeadingMentions(tokenized.tokens);
  if (tokens.length === 0) return { error: 'empty', message: EMPTY_MESSAGE, usage: 'help' };
  return parseTokens(tokens);
}

// ---------------------------------------------------------------------------------------------------------------
// Normalising and tokenising

interface Token {
  text: string;
  /** Quoted or a mention: never a keyword, never split. */
  quoted: boolean;
  mention: boolean;
}

const EMPTY_MESSAGE = 'Type a command, for example: restore user bob. Type help for all commands.';

// Tabs, line breaks and other whitespace controls become spaces; the rest of C0/C1 and the format characters
// (zero-width, bidi overrides, BOM) are dropped. Single-character classes: linear.
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

function stripControlCharacters(text: string): string {
  return text.replace(WHITESPACE_CONTROLS, ' ').replace(INVISIBLE, '');
}

const QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E', '\u201F', '\u2033']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\u00A0' || ch === '\u3000' || (ch >= '\u2000' && ch <= '\u200A') || ch === '\u202F' || ch === '\u205F' || ch === '\u1680';
}

function tokenize(text: string): { tokens: Token[] } | CommandError {
  const tokens: Token[] = [];
  let current = '';
  let noCloseTagAfter = Infinity;
  const flush = () => {
    if (current) tokens.push({ text: decodeEntities(current), quoted: false, mention: false });
    current = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (isSpace(ch)) {
      flush();
      i++;
      continue;
    }
    if (QUOTES.has(ch)) {
      let end = i + 1;
      while (end < text.length && !QUOTES.has(text[end])) end++;
      if (end >= text.length) {
        return { error: 'unclosedQuote', message: 'A quote is not closed. Put a name in quotes like this: restore group "Sales Team".', usage: 'help' };
      }
      flush();
      tokens.push({ text: collapse(decodeEntities(text.slice(i + 1, end))), quoted: true, mention: false });
      i = end + 1;
      continue;
    }
    if (ch === '<' && i < noCloseTagAfter && text.slice(i, i + 4).toLowerCase() === '<at>') {
      const close = indexOfIgnoreCase(text, '</at>', i + 4);
      if (close >= 0) {
        flush();
        tokens.push({ text: collapse(decodeEntities(text.slice(i + 4, close))), quoted: true, mention: true });
        i = close + 5;
        continue;
      }
      noCloseTagAfter = i; // no closing tag anywhere after here: stop looking (keeps the scan linear)
    }
    current += ch;
    i++;
  }
  flush();
  return { tokens };
}

function indexOfIgnoreCase(text: string, needle: string, from: number): number {
  let at = text.indexOf('<', from);
  while (at >= 0) {
    if (text.slice(at, at + needle.length).toLowerCase() === needle) return at;
    at = text.indexOf('<', at + 1);
  }
  return -1;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&nbsp;': ' ' };
const ENTITY = /&(?:amp|lt|gt|quot|#39|apos|nbsp);/g;

function decodeEntities(text: string): string {
  return text.includes('&') ? text.replace(ENTITY, (e) => ENTITIES[e]) : text;
}

function collapse(text: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of text) {
    if (isSpace(ch)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += ch;
  }
  return out;
}

/** The bot's own mention comes first in channels ("<at>Rewind</at> restore user bob", or typed "@Rewind …"). */
function dropLeadingMentions(tokens: Token[]): Token[] {
  let start = 0;
  while (start < tokens.length && (tokens[start].mention || (!tokens[start].quoted && tokens[start].text.startsWith('@')))) start++;
  return tokens.slice(start);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

function keywordOf(token: Token | undefined): string | undefined {
  return token && !token.quoted ? token.text.toLowerCase() : undefined;
}

function startsWithKeywords(tokens: Token[], keywords: readonly string[]): boolean {
  return keywords.every((k, i) => keywordOf(tokens[i]) === k);
}

function parseTokens(tokens: Token[]): ParsedCommand | CommandError {
  // Longest keyword sequences first, so "set approvals channel" is not mistaken for a shorter command.
  const byLength = [...COMMANDS].sort((a, b) => b.keywords.length - a.keywords.length);
  const command = byLength.find((c) => startsWithKeywords(tokens, c.keywords));
  if (!command) return unknownCommand(tokens);
  const args = tokens.slice(command.keywords.length);
  switch (command.verb) {
    case 'restoreUser':
    case 'restoreGroup':
    case 'diffUser': {
      const name = nameOf(args, command);
      return typeof name === 'string' ? { verb: command.verb, name } : name;
    }
    case 'versions': {
      const kind = keywordOf(args[0]);
      if (kind !== 'user' && kind !== 'group') {
        return { error: 'missingArgument', message: 'Say which kind of object: versions user <name> or versions group <name>.', usage: command.usage };
      }
      const name = nameOf(args.slice(1), command);
      return typeof name === 'string' ? { verb: 'versions', kind, name } : name;
    }
    case 'memberships': {
      const split = splitTrailing(args, 'at', command);
      if ('error' in split) return split;
      const name = nameOf(split.rest, command);
      if (typeof name !== 'string') return name;
      if (!split.value) return { verb: 'memberships', name };
      const at = parseInstant(split.value, command);
      return 'error' in at ? at : { verb: 'memberships', name, at };
    }
    case 'diffRole': {
      const split = splitTrailing(args, 'since', command);
      if ('error' in split) return split;
      const name = nameOf(split.rest, command);
      if (typeof name !== 'string') return name;
      if (!split.value) return { verb: 'diffRole', name };
      const since = parseTimeRef(split.value, command);
      return 'error' in since ? since : { verb: 'diffRole', name, since };
    }
    case 'deleted': {
      if (args.length === 0) return { verb: 'deleted' };
      if (keywordOf(args[0]) !== 'since' || args.length > 2) return unexpectedWords(command);
      if (args.length === 1) return missingTime('since', command);
      const since = parseTimeRef(args[1], command);
      return 'error' in since ? since : { verb: 'deleted', since };
    }
    case 'undo': {
      if (args.length === 0) return { error: 'missingArgument', message: 'Say which restore to undo: undo <restoreId>, as shown on the result card.', usage: command.usage };
      if (args.length > 1) return unexpectedWords(command);
      const restoreId = args[0].text.toLowerCase();
      if (!RESTORE_ID.test(restoreId)) {
        return { error: 'badRestoreId', message: `${shortEcho(args[0].text)} is not a restore id; they look like r-20261120-080000-a1b2c3 (see the result card).`, usage: command.usage };
      }
      return { verb: 'undo', restoreId };
    }
    case 'help': {
      const topic = args.map((t) => t.text).join(' ').toLowerCase().slice(0, 64).trim();
      return topic ? { verb: 'help', topic } : { verb: 'help' };
    }
    case 'backupNow':
    case 'backupStatus':
    case 'setApprovalsChannel':
    case 'setSummaryChannel':
      return args.length ? unexpectedWords(command) : { verb: command.verb };
  }
}

/** The engine's restore ids: `r-YYYYMMDD-HHMMSS-<6 hex>` (backup-engine restore/records.ts `newRestoreId`). */
const RESTORE_ID = /^r-\d{8}-\d{6}-[0-9a-f]{6}$/;

function nameOf(tokens: Token[], command: CommandInfo): string | CommandError {
  const name = tokens.map((t) => t.text).join(' ').trim();
  if (!name) return { error: 'missingArgument', message: `Say which one: ${command.usage}, for example ${command.example}.`, usage: command.usage };
  if (name.length > MAX_NAME_LENGTH) return { error: 'badName', message: `That name is longer than ${MAX_NAME_LENGTH} characters, the longest a directory name can be.`, usage: command.usage };
  return name;
}

/** Takes a trailing unquoted `<keyword> <value>` off the end of the arguments. */
function splitTrailing(args: Token[], keyword: string, command: CommandInfo): { rest: Token[]; value?: Token } | CommandError {
  if (args.length >= 1 && keywordOf(args[args.length - 1]) === keyword) return missingTime(keyword, command);
  if (args.length >= 2 && keywordOf(args[args.length - 2]) === keyword) return { rest: args.slice(0, -2), value: args[args.length - 1] };
  return { rest: args };
}

function missingTime(keyword: string, command: CommandInfo): CommandError {
  const what = keyword === 'at' ? 'a date such as 2026-11-20 or 2026-11-20T08:00Z' : 'a time such as 24h, 7d, 2w or a date such as 2026-11-20';
  return { error: 'missingArgument', message: `"${keyword}" needs ${what}.`, usage: command.usage };
}

function unexpectedWords(command: CommandInfo): CommandError {
  return { error: 'unexpectedWords', message: `${command.usage} takes nothing more. Usage: ${command.usage}.`, usage: command.usage };
}

// ---------------------------------------------------------------------------------------------------------------
// Times

const HOUR_IN_MS = 3_600_000;
const UNIT_IN_MS: Record<string, number> = { h: HOUR_IN_MS, d: 24 * HOUR_IN_MS, w: 7 * 24 * HOUR_IN_MS };
/** `<n>h|d|w`, n from 1 to 9999. */
const DURATION = /^([0-9]{1,4})([hdw])$/;
/** 2026-11-20, 2026-11-20T08:00, 2026-11-20T08:00:30.5Z, 2026-11-20T08:00+01:00. Times without a zone are UTC. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(z|[+-]\d{2}:\d{2})?)?$/;
const MAX_TIME_TOKEN = 40;

function parseTimeRef(token: Token, command: CommandInfo): TimeRef | CommandError {
  const text = token.text.toLowerCase();
  const duration = text.length <= MAX_TIME_TOKEN ? DURATION.exec(text) : null;
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) return { error: 'badDuration', message: `${shortEcho(token.text)} is an empty span; use at least 1h, 1d or 1w.`, usage: command.usage };
    return { kind: 'duration', text: token.text, durationInMs: amount * UNIT_IN_MS[duration[2]] };
  }
  if (/^[0-9]+[a-z]+$/.test(text) && text.length <= MAX_TIME_TOKEN) {
    return { error: 'badDuration', message: `${shortEcho(token.text)} is not a span of time; use hours, days or weeks: 24h, 7d, 2w.`, usage: command.usage };
  }
  return parseInstant(token, command);
}

function parseInstant(token: Token, command: CommandInfo): Instant | CommandError {
  const bad: CommandError = {
    error: 'badDate',
    message: `${shortEcho(token.text)} is not a date; use 2026-11-20 or 2026-11-20T08:00Z (times are UTC). If the word before it is part of the name, put the name in quotes.`,
    usage: command.usage,
  };
  const text = token.text.toLowerCase();
  const m = text.length <= MAX_TIME_TOKEN ? ISO_DATE.exec(text) : null;
  if (!m) return bad;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millisecond = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return bad;
  let offsetInMs = 0;
  const zone = m[8];
  if (zone && zone !== 'z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutes = Number(zone.slice(4, 6));
    if (offsetHours > 14 || offsetMinutes > 59) return bad;
    offsetInMs = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetInMs;
  const date = new Date(utc);
  if (Number.isNaN(date.getTime()) || year < 1970) return bad;
  return { kind: 'instant', text: token.text, at: date.toISOString() };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------------------------
// Suggestions

/** How many edits a word of this length may be off and still count as a typo. */
function allowance(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : 3;
}

interface Candidate {
  command: CommandInfo;
  firstDistance: number;
  totalDistance: number;
}

function unknownCommand(tokens: Token[]): CommandError {
  const words = tokens.slice(0, 3).map((t) => t.text.toLowerCase().slice(0, 32));
  let best: Candidate | undefined;
  for (const command of COMMANDS) {
    const distances = command.keywords.map((k, i) => (words[i] === undefined ? k.length : editDistance(words[i], k)));
    const candidate = { command, firstDistance: distances[0], totalDistance: distances.reduce((a, b) => a + b, 0) };
    if (!best || candidate.totalDistance < best.totalDistance) best = candidate;
  }
  const close =
    best && (best.firstDistance <= allowance(best.command.keywords[0].length) || best.totalDistance <= allowance(best.command.keywords.join(' ').length));
  const echo = shortEcho(tokens[0].text);
  if (best && close) {
    return {
      error: 'unknownCommand',
      message: `${echo} is not a command I know. Did you mean: ${best.command.usage}? Type help for all commands.`,
      usage: best.command.usage,
      closest: best.command,
    };
  }
  return { error: 'unknownCommand', message: `${echo} is not a command I know. Type help for all commands.`, usage: 'help' };
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions); inputs are short. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

/** A short, inert quote of the user's word for a message: at most 24 characters, no markdown or markup characters. */
function shortEcho(word: string): string {
  const cleaned = word.replace(/[\\`*_~#<>[\]()|!{}$]/g, '');
  const short = cleaned.length > 24 ? `${cleaned.slice(0, 24)}…` : cleaned;
  return `"${short}"`;
}

function formatKilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
