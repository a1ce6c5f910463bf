/**
 * The `rewind` command line, parsed into typed option bags (style practice 9) by a pure function: no I/O, no engine.
 * Every value a user types is checked here, once, and an error names the allowed values.
 *
 * Grammar: `rewind <command> [positionals] [--option value | --option=value | --flag]`; `--` ends the options;
 * words after a name are joined (`rewind show user Bob Kelly` = `rewind show user "Bob Kelly"`).
 */
import type { RestoreOptions } from '../restore/types';
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
  | { command: 'prune'; dryRun: boolean; policy: RetentionPolicy }
  | ({ command: 'planRestore'; target: { kind: RestoreKindArgument; name: string } | 'all'; at?: string; restoreOptions: Partial<RestoreOptions> } & RequestArguments)
  | { command: 'restore'; restoreId: string; reason: string; operator?: string; showSecret: boolean }
  | ({ command: 'undo'; restoreId: string } & RequestArguments)
  | { command: 'audit'; restoreId?: string };

export type RestoreKindArgument = 'user' | 'group' | 'role';

/** Who asks for a restore and why: stored with the request and shown on the approval card. */
export interface RequestArguments {
  reason: string;
  ticket?: string;
  /** An object id or a UPN (looked up in the store); default: the operator. */
  requester?: string;
  /** Who runs the CLI; default: the OS user. */
  operator?: string;
}

/** `--with` / `--without` words → the restore option they switch. */
export const RESTORE_PARTS = {
  object: 'withObject', memberships: 'withMemberships', ownerships: 'withOwnerships', roles: 'withRoleAssignments', manager: 'withManager', licenses: 'withLicenses',
} as const satisfies Record<string, keyof RestoreOptions>;
export type RestorePart = keyof typeof RESTORE_PARTS;
const RESTORE_PART_NAMES = Object.keys(RESTORE_PARTS) as RestorePart[];

/** Restore ids as `requestRestore` makes them: `r-20261125-120000-1a2b3c`. */
const RESTORE_ID = /^r-\d{8}-\d{6}-[0-9a-f]{6}$/i;

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
  versions: { summary: 'distinct versions of an object (of a role: every change of its definition or its members), with when each was first and last seen', usage: 'rewind versions <user|group|role|unit> <name>', options: {} },
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
      'A role diff lists its members (principal and scope) given or taken the role, with its attribute changes.',
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
  plan: {
    summary: 'plan a restore from a snapshot and store it as a restore request awaiting approval',
    usage: 'rewind plan restore <user|group|role> <name> --reason "…" [--at <time|snapshot>] [--with <parts>] [--without <parts>]\n'
      + '      [--additive] [--as-new <upn>] [--credential password|tap] [--ticket <id>] [--requester <objectId|upn>]\n'
      + '  rewind plan restore all --reason "…" [--at <time|snapshot>] [--with <parts>] [--without <parts>] [--additive]',
    details: [
      `<parts>: a comma-separated list of ${RESTORE_PART_NAMES.join(', ')}. --with restores only those; --without all but those (default: all).`,
      '`all` plans every user and group of the snapshot. --reason is required: it is stored with the request and shown to approvers.',
      'Nothing is written to the tenant: the plan is stored for review; run it with `rewind restore --plan <id> --break-glass` (approval from Teams starts with `restore user|group <name>` in the bot).',
      'Without --at, a user or group that is gone from the latest snapshot is planned from the latest snapshot that has it. A plan with nothing to do is printed, not stored (exit code 8).',
    ],
    options: {
      at: { type: 'string', value: 'time|snapshot', help: `${AT_HELP} (default: the latest snapshot)` },
      with: { type: 'string', value: 'parts', help: 'restore only these parts' },
      without: { type: 'string', value: 'parts', help: 'restore everything but these parts' },
      additive: { type: 'boolean', help: 'only add missing links to a restored group or role; never remove links added since (default: overwrite)' },
      'as-new': { type: 'string', value: 'upn', help: 'restore a user as a new copy under this UPN' },
      credential: { type: 'string', value: 'password|tap', help: 'how a recreated user signs in: a password to change at first sign-in (default), or a Temporary Access Pass' },
      reason: { type: 'string', value: 'text', help: 'why (required)' },
      ticket: { type: 'string', value: 'id', help: 'a ticket or incident reference' },
      requester: { type: 'string', value: 'objectId|upn', help: 'who asked for the restore (default: the operator)' },
      operator: { type: 'string', value: 'name', help: 'who runs this command (default: the OS user)' },
    },
  },
  restore: {
    summary: 'run a planned restore without Teams approval (break-glass, for outages), recorded as break-glass',
    usage: 'rewind restore --plan <restoreId> --break-glass --reason "…" [--operator <name>] [--show-secret]',
    details: [
      'Approvals happen in Teams; --break-glass is for when Teams cannot be used. It is recorded in the audit trail with the operator and the reason.',
      'A plan that was already started (an interrupted run) is resumed from its journal.',
      'The credential of a recreated user is printed once, to stdout, in a marked block, the moment it is issued; it is stored and logged nowhere.',
      'With --json it is printed (as a JSON line before the result) only with --show-secret; without it, or when stdout is gone, it is discarded and reported not delivered: run the command again to issue a new Temporary Access Pass.',
      'One run of a restore at a time: a second run while one is going is refused; a restore that finished complete is not run again.',
      'Exit codes: 0 complete, 6 incomplete (skips, failed or blocked steps), 1 failed, 7 the tenant changed since the plan: plan again.',
    ],
    options: {
      plan: { type: 'string', value: 'restoreId', help: 'the restore id `rewind plan restore` printed' },
      'break-glass': { type: 'boolean', help: 'approve it yourself, now (required)' },
      reason: { type: 'string', value: 'text', help: 'why Teams approval cannot be used (required)' },
      operator: { type: 'string', value: 'name', help: 'who runs it (default: the OS user)' },
      'show-secret': { type: 'boolean', help: 'with --json: include a recreated user\'s credential in the document' },
    },
  },
  undo: {
    summary: 'plan the undo of a restore that ran (needs approval, or break-glass, like any plan)',
    usage: 'rewind undo <restoreId> [--reason "…"] [--ticket <id>] [--requester <objectId|upn>]',
    details: ['The reason defaults to "undo of <restoreId>". Run it like any plan: approve in Teams, or `rewind restore --plan <undo id> --break-glass`.'],
    options: {
      reason: { type: 'string', value: 'text', help: 'why (default: "undo of <restoreId>")' },
      ticket: { type: 'string', value: 'id', help: 'a ticket or incident reference' },
      requester: { type: 'string', value: 'objectId|upn', help: 'who asked for the undo (default: the operator)' },
      operator: { type: 'string', value: 'name', help: 'who runs this command (default: the OS user)' },
    },
  },
  audit: {
    summary: 'the restore audit trail; with a restore id: its request, approval, journal and events',
    usage: 'rewind audit [<restoreId>]',
    options: {},
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
    case 'plan':
      return parsePlan(positionals, values, global);
    case 'restore': {
      noMore(positionals, command);
      const restoreId = str('plan');
      if (restoreId === undefined) throw new UsageError('`rewind restore` needs --plan <restoreId> (from `rewind plan restore`)', command);
      if (values['break-glass'] !== true) {
        throw new UsageError('restores are approved in Teams; `rewind restore` runs a plan without that approval only with --break-glass --reason "…", for when Teams cannot be used (an outage)', command);
      }
      const reason = str('reason');
      if (reason === undefined) throw new UsageError('--break-glass needs --reason "…": why Teams approval cannot be used', command);
      return { command, restoreId: parseRestoreId(restoreId, command), reason, operator: str('operator'), showSecret: values['show-secret'] === true, global };
    }
    case 'undo': {
      const [id, ...extra] = positionals;
      noMore(extra, command);
      if (id === undefined) throw new UsageError('`rewind undo` needs the restore id to undo (see `rewind audit`)', command);
      const restoreId = parseRestoreId(id, command);
      return { command, restoreId, ...requestArguments(values, command, `undo of ${restoreId}`), global };
    }
    case 'audit': {
      const [id, ...extra] = positionals;
      noMore(extra, command);
      return { command, restoreId: id === undefined ? undefined : parseRestoreId(id, command), global };
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

function parsePlan(positionals: string[], values: Record<string, string | boolean>, global: GlobalOptions): ParsedArguments {
  const command = 'plan';
  const [what, kindText, ...nameWords] = positionals;
  if (what !== 'restore') throw new UsageError(`\`rewind plan\` plans a restore: \`rewind plan restore <user|group|role> <name>\` or \`rewind plan restore all\`${what === undefined ? '' : ` (got "${what}")`}`, command);
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  let target: { kind: RestoreKindArgument; name: string } | 'all';
  if (kindText === 'all') {
    noMore(nameWords, command);
    target = 'all';
  } else {
    if (kindText === undefined) throw new UsageError('`rewind plan restore` needs a kind (user, group or role) and a name, or `all`', command);
    const kind = parseKind(kindText, command);
    if (kind === 'unit') throw new UsageError('administrative units cannot be restored yet: use user, group or role (or `all`)', command);
    const name = nameWords.join(' ').trim();
    if (!name) throw new UsageError(`\`rewind plan restore ${kind}\` needs a name: an id, a UPN, a mail, or the start of a name`, command);
    target = { kind, name };
  }
  const restoreOptions: Partial<RestoreOptions> = {};
  const withText = str('with');
  const withoutText = str('without');
  if (withText !== undefined && withoutText !== undefined) throw new UsageError('use --with or --without, not both', command);
  if (withText !== undefined) {
    const parts = parseParts(withText, '--with', command);
    for (const part of RESTORE_PART_NAMES) restoreOptions[RESTORE_PARTS[part]] = parts.includes(part);
  }
  if (withoutText !== undefined) {
    const parts = parseParts(withoutText, '--without', command);
    for (const part of parts) restoreOptions[RESTORE_PARTS[part]] = false;
    if (RESTORE_PART_NAMES.every((p) => parts.includes(p))) throw new UsageError('--without leaves nothing to restore', command);
  }
  if (values.additive === true) restoreOptions.linkMode = 'additive';
  const credential = str('credential');
  if (credential !== undefined) {
    const normalized = credential.trim().toLowerCase();
    if (normalized === 'password') restoreOptions.credential = 'password';
    else if (normalized === 'tap' || normalized === 'temporaryaccesspass') restoreOptions.credential = 'temporaryAccessPass';
    else throw new UsageError(`--credential "${credential}" is not a credential: use password or tap (a Temporary Access Pass)`, command);
  }
  const asNew = str('as-new');
  if (asNew !== undefined) {
    if (target === 'all' || target.kind !== 'user') throw new UsageError('--as-new restores a copy of one user: use it with `rewind plan restore user <name>`', command);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(asNew.trim())) throw new UsageError(`--as-new "${asNew}" is not a UPN (name@domain)`, command);
    restoreOptions.asNew = { userPrincipalName: asNew.trim() };
  }
  const at = str('at');
  return {
    command: 'planRestore', target, at: at === undefined ? undefined : parseSnapshotSelector(at, '--at', command), restoreOptions,
    ...requestArguments(values, command), global,
  };
}

function parseParts(value: string, option: string, command: string): RestorePart[] {
  const words = value.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  if (!words.length) throw new UsageError(`${option} needs a list of ${RESTORE_PART_NAMES.join(', ')}`, command);
  for (const word of words) {
    if (!(RESTORE_PART_NAMES as string[]).includes(word)) throw new UsageError(`${option}: unknown part "${word}"${closest(word, RESTORE_PART_NAMES)}; use ${RESTORE_PART_NAMES.join(', ')}`, command);
  }
  return [...new Set(words)] as RestorePart[];
}

function requestArguments(values: Record<string, string | boolean>, command: string, defaultReason?: string): RequestArguments {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string).trim() : undefined);
  const reason = str('reason') ?? defaultReason;
  if (reason === undefined) throw new UsageError(`\`rewind ${command}\` needs --reason "…": why the restore is needed (stored with the request and shown to approvers)`, command);
  const requester = str('requester');
  if (requester !== undefined && !GUID.test(requester) && !requester.includes('@')) throw new UsageError(`--requester "${requester}" is neither an object id nor a UPN`, command);
  return { reason, ticket: str('ticket'), requester, operator: str('operator') };
}

export function parseRestoreId(value: string, command?: string): string {
  const text = value.trim();
  if (RESTORE_ID.test(text)) return text.toLowerCase();
  throw new UsageError(`"${value}" is not a restore id (r-20261125-120000-1a2b3c; see \`rewind audit\`)`, command);
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
