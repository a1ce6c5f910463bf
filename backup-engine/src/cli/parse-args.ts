/**
 * The `rewind` command line, parsed into typed option bags (style practice 9) by a pure function: no I/O, no engine.
 * Every value a user types is checked here, once, and an error names the allowed values.
 *
 * Grammar: `rewind <command> [positionals] [--option value | --option=value | --flag]`; `--` ends the options;
 * words after a name are joined (`rewind show user Bob Kelly` = `rewind show user "Bob Kelly"`).
 */
import type { RetentionPolicy } from '../retention/retention';
import { DEFAULT_RETENTION } from '../retention/retention';
import { UsageError } from './errors';

export type KindArgument = 'user' | 'group' | 'role' | 'unit';
export const KIND_ARGUMENTS: readonly KindArgument[] = ['user', 'group', 'role', 'unit'];

export interface GlobalOptions {
  json: boolean;
  progress: boolean;
  debug: boolean;
  /** A tenant id given with `--tenant`; otherwise the configured Graph's tenant is used. */
  tenant?: string;
}

export type ParsedCommand =
  | { command: 'help'; topic?: CommandName }
  | { command: 'backup'; full: boolean }
  | { command: 'snapshots' }
  | { command: 'find'; text: string }
  | { command: 'versions'; kind: KindArgument; name: string }
  | { command: 'show'; kind: KindArgument; name: string; at?: string }
  | { command: 'diff'; kind: KindArgument; name: string; from?: string; to?: string }
  | { command: 'diffTenant'; from?: string; to?: string }
  | { command: 'deleted'; since: Date; sinceText: string }
  | { command: 'check' }
  | { command: 'prune'; dryRun: boolean; policy: RetentionPolicy };

export type ParsedArguments = ParsedCommand & { global: GlobalOptions };

type OptionSpec = { type: 'boolean' } | { type: 'string'; value: string };

interface CommandSpec {
  summary: string;
  usage: string;
  details?: string[];
  options: Record<string, OptionSpec & { help: string }>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec & { help: string }> = {
  json: { type: 'boolean', help: 'machine output: one JSON document on stdout' },
  tenant: { type: 'string', value: 'id', help: 'the tenant to read (default: the tenant of the configured Graph)' },
  progress: { type: 'boolean', help: 'show progress on stderr even when it is not a terminal' },
  debug: { type: 'boolean', help: 'log Graph requests and print stack traces on stderr' },
  help: { type: 'boolean', help: 'show help for the command' },
};

const AT_HELP = 'a time (2026-11-20, 2026-11-20T08:00Z) or a snapshot id';
const SELECTOR_HELP = 'a time, a snapshot id, or a version hash (from `rewind versions`)';

export const COMMANDS = {
  backup: { summary: 'back up the tenant now (incremental unless --full)', usage: 'rewind backup [--full]', options: { full: { type: 'boolean', help: 're-read everything instead of only what changed' } } },
  snapshots: { summary: 'list snapshots, oldest first', usage: 'rewind snapshots', options: {} },
  find: { summary: 'find users, groups, roles and units by id, UPN, mail or name prefix', usage: 'rewind find <text>', options: {} },
  versions: { summary: 'distinct versions of an object, with when each was first and last seen', usage: 'rewind versions <user|group|role|unit> <name>', options: {} },
  show: {
    summary: 'an object as of a time or snapshot, with its relationships',
    usage: 'rewind show <user|group|role|unit> <name> [--at <time|snapshot>]',
    options: { at: { type: 'string', value: 'time|snapshot', help: `${AT_HELP} (default: the latest snapshot)` } },
  },
  diff: {
    summary: 'what differs between two versions of an object, or between two snapshots of the tenant',
    usage: 'rewind diff <user|group|role|unit> <name> [--from <sel>] [--to <sel>]\n  rewind diff tenant [--from <time|snapshot>] [--to <time|snapshot>]',
    details: [
      `<sel> is ${SELECTOR_HELP}.`,
      'An object diff defaults to its last two distinct versions; a tenant diff to the last two snapshots.',
    ],
    options: {
      from: { type: 'string', value: 'sel', help: 'the older side' },
      to: { type: 'string', value: 'sel', help: 'the newer side (default: the latest)' },
    },
  },
  deleted: {
    summary: 'users, groups and units deleted since a time, and whether they are still in the recycle bin',
    usage: 'rewind deleted [--since <24h|7d|date>]',
    options: { since: { type: 'string', value: '24h|7d|date', help: 'how far back (m, h, d or w; or a date); default 7d' } },
  },
  check: { summary: 're-hash every stored version and verify every snapshot reference', usage: 'rewind check', options: {} },
  prune: {
    summary: 'forget snapshots outside the retention policy and delete what nothing references',
    usage: 'rewind prune [--dry-run] [--keep-daily N] [--keep-monthly N]',
    options: {
      'dry-run': { type: 'boolean', help: 'only show what would be forgotten' },
      'keep-daily': { type: 'string', value: 'N', help: `keep the last snapshot of each day for N days (default ${DEFAULT_RETENTION.keepDailyForDays})` },
      'keep-monthly': { type: 'string', value: 'N', help: `keep the last snapshot of each month for N months (default ${DEFAULT_RETENTION.keepMonthlyForMonths}); 0 keeps none` },
    },
  },
  help: { summary: 'this help, or help for one command', usage: 'rewind help [command]', options: {} },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as string[]).includes(value);
}

export function parseArguments(argv: readonly string[], now: Date = new Date()): ParsedArguments {
  const global: GlobalOptions = { json: false, progress: false, debug: false };
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h') return { command: 'help', global: { ...global, json: rest.includes('--json') } };
  if (first === '--version') throw new UsageError('rewind has no --version; see `rewind help`');
  if (first.startsWith('-')) throw new UsageError(`expected a command before ${first}`);
  if (!isCommandName(first)) throw new UsageError(`unknown command "${first}"${closest(first, COMMAND_NAMES)}`);
  const command = first;
  const spec: CommandSpec = COMMANDS[command];
  const positionals: string[] = [];
  const values: Record<string, string | boolean> = {};
  let optionsEnded = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg === '-h') {
      values.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option ${arg} for \`rewind ${command}\` (options are spelled --name)`, command);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const option = spec.options[name] ?? GLOBAL_OPTIONS[name];
    if (!option) {
      const known = [...Object.keys(spec.options), ...Object.keys(GLOBAL_OPTIONS)];
      throw new UsageError(`unknown option --${name} for \`rewind ${command}\`${closest(name, known, '--')}`, command);
    }
    if (option.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`, command);
      values[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value: ${option.value}`, command);
    if (value.trim() === '') throw new UsageError(`--${name} needs a value: ${option.value}`, command);
    values[name] = value;
  }
  global.json = values.json === true;
  global.progress = values.progress === true;
  global.debug = values.debug === true;
  if (typeof values.tenant === 'string') global.tenant = parseTenantId(values.tenant);
  if (values.help === true) return { command: 'help', topic: command === 'help' ? undefined : command, global };
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

  switch (command) {
    case 'help': {
      const [topic, ...extra] = positionals;
      noMore(extra, command);
      if (topic !== undefined && !isCommandName(topic)) throw new UsageError(`no help for "${topic}": there is no such command${closest(topic, COMMAND_NAMES)}`, 'help');
      return { command, topic: topic as CommandName | undefined, global };
    }
    case 'backup':
      noMore(positionals, command);
      return { command, full: values.full === true, global };
    case 'snapshots':
    case 'check':
      noMore(positionals, command);
      return { command, global };
    case 'find': {
      const text = positionals.join(' ').trim();
      if (!text) throw new UsageError('`rewind find` needs the text to look for: an id, a UPN, a mail, or the start of a name', command);
      return { command, text, global };
    }
    case 'versions':
    case 'show': {
      const { kind, name } = kindAndName(positionals, command);
      if (command === 'versions') return { command, kind, name, global };
      const at = str('at');
      return { command, kind, name, at: at === undefined ? undefined : parseSnapshotSelector(at, '--at', command), global };
    }
    case 'diff': {
      const from = str('from');
      const to = str('to');
      if (positionals[0] === 'tenant') {
        noMore(positionals.slice(1), command);
        return {
          command: 'diffTenant', global,
          from: from === undefined ? undefined : parseSnapshotSelector(from, '--from', command),
          to: to === undefined ? undefined : parseSnapshotSelector(to, '--to', command),
        };
      }
      const { kind, name } = kindAndName(positionals, command, ' (or `rewind diff tenant`)');
      return {
        command, kind, name, global,
        from: from === undefined ? undefined : parseVersionSelector(from, '--from', command),
        to: to === undefined ? undefined : parseVersionSelector(to, '--to', command),
      };
    }
    case 'deleted': {
      noMore(positionals, command);
      const sinceText = str('since') ?? '7d';
      return { command, since: parseSince(sinceText, now), sinceText, global };
    }
    case 'prune': {
      noMore(positionals, command);
      const daily = str('keep-daily');
      const monthly = str('keep-monthly');
      return {
        command, dryRun: values['dry-run'] === true, global,
        policy: {
          keepDailyForDays: daily === undefined ? DEFAULT_RETENTION.keepDailyForDays : wholeNumber(daily, '--keep-daily', 1, 'days', command),
          keepMonthlyForMonths: monthly === undefined ? DEFAULT_RETENTION.keepMonthlyForMonths : wholeNumber(monthly, '--keep-monthly', 0, 'months', command),
        },
      };
    }
  }
}

export function parseKind(value: string, command?: string): KindArgument {
  const normalized = value.toLowerCase();
  const aliases: Record<string, KindArgument> = { roledefinition: 'role', administrativeunit: 'unit', au: 'unit' };
  const kind = aliases[normalized] ?? normalized;
  if ((KIND_ARGUMENTS as string[]).includes(kind)) return kind as KindArgument;
  throw new UsageError(`unknown kind "${value}": use ${KIND_ARGUMENTS.slice(0, -1).join(', ')} or ${KIND_ARGUMENTS.at(-1)}`, command);
}

function kindAndName(positionals: string[], command: CommandName, alternative = ''): { kind: KindArgument; name: string } {
  const [kindText, ...nameWords] = positionals;
  if (kindText === undefined) throw new UsageError(`\`rewind ${command}\` needs a kind (${KIND_ARGUMENTS.join(', ')}) and a name${alternative}`, command);
  const kind = parseKind(kindText, command);
  const name = nameWords.join(' ').trim();
  if (!name) throw new UsageError(`\`rewind ${command} ${kind}\` needs a name: an id, a UPN, a mail, or the start of a name`, command);
  return { kind, name };
}

function noMore(extra: string[], command: CommandName): void {
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" for \`rewind ${command}\``, command);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}(-\d{2})?([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** A snapshot id (`20261125T120000123Z-1a2b3c`) or a prefix of one at least as long as its date. */
const SNAPSHOT_ID_PREFIX = /^\d{8}(T\d{0,9}(Z(-[0-9a-f]{0,6})?)?)?$/i;
const VERSION_HASH_PREFIX = /^[0-9a-f]{6,64}$/i;

function parseTenantId(value: string): string {
  if (!GUID.test(value.trim())) throw new UsageError(`--tenant must be a tenant id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (got "${value}")`);
  return value.trim().toLowerCase();
}

export function isDateText(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(value));
}

export function parseSnapshotSelector(value: string, option: string, command?: string): string {
  const text = value.trim();
  if (SNAPSHOT_ID_PREFIX.test(text) || isDateText(text)) return text;
  throw new UsageError(`${option} "${value}" is neither a date (2026-11-20, 2026-11-20T08:00Z) nor a snapshot id (see \`rewind snapshots\`)`, command);
}

export function parseVersionSelector(value: string, option: string, command?: string): string {
  const text = value.trim();
  if (SNAPSHOT_ID_PREFIX.test(text) || isDateText(text) || VERSION_HASH_PREFIX.test(text)) return text;
  throw new UsageError(`${option} "${value}" is neither a date (2026-11-20, 2026-11-20T08:00Z), a snapshot id (see \`rewind snapshots\`) nor a version hash (see \`rewind versions\`)`, command);
}

const UNIT_IN_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseSince(value: string, now: Date, command = 'deleted'): Date {
  const text = value.trim();
  const relative = /^(\d+)\s*([mhdw])$/i.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_IN_MS[relative[2].toLowerCase()]);
  if (isDateText(text)) return new Date(Date.parse(text));
  throw new UsageError(`--since "${value}" is neither a duration nor a date: use e.g. 30m, 24h, 7d, 2w or 2026-11-20`, command);
}

function wholeNumber(value: string, option: string, min: number, unit: string, command: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${option} must be a whole number of ${unit}, ${min} or more (got "${value}")`, command);
  }
  return n;
}

/** ` (did you mean "x"?)` when one candidate is close to what was typed. */
function closest(typed: string, candidates: readonly string[], prefix = ''): string {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(typed.length / 3)) ? `; did you mean ${prefix}${best.candidate}?` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
