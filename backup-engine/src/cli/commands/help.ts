/** `rewind help [command]`: usage, options, settings and exit codes. Needs no engine. */
import { ExitCode } from '../errors';
import { CliOutput, json, table } from '../format';
import { COMMANDS, CommandName, GLOBAL_OPTIONS } from '../parse-args';

export const EXIT_CODE_HELP: [number, string][] = [
  [ExitCode.ok, 'success'],
  [ExitCode.failure, 'unexpected failure, Graph / Cosmos DB could not be reached, or a restore failed or was refused'],
  [ExitCode.usage, 'usage or configuration error: unknown command or option, missing or malformed argument, bad setting'],
  [ExitCode.ambiguous, 'the name matches several objects: use the id'],
  [ExitCode.notFound, 'no object, snapshot, version or restore matches'],
  [ExitCode.problems, '`rewind check` found problems, or another backup or prune holds the tenant\'s lease'],
  [ExitCode.incomplete, '`rewind restore` finished incomplete: something was skipped, failed or blocked (see `rewind audit <id>`)'],
  [ExitCode.needsReapproval, '`rewind restore`: the tenant changed since the plan was made; run `rewind plan restore` again'],
  [ExitCode.nothingToRestore, '`rewind plan restore` / `rewind undo`: nothing to restore; the plan is printed, not stored'],
];

const SETTINGS: [string, string][] = [
  ['GRAPH_BASE_URL', 'Graph origin (default http://127.0.0.1:4010, the local simulator)'],
  ['COSMOS_ENDPOINT', 'Azure Cosmos DB endpoint (unset: the local Cosmos server)'],
  ['COSMOS_KEY', 'account key (unset: Entra ID auth)'],
  ['COSMOS_DATABASE', 'database name (default rewind)'],
  ['COSMOS_PORT', 'port of a running local server (`npm run cosmos`); none running: an in-process one'],
  ['REWIND_DATA_FILE', 'where the in-process local server keeps its data (default .rewind/local-cosmos.json)'],
];

export function helpCommand(output: CliOutput, options: { topic?: CommandName; json?: boolean }): number {
  if (options.json) {
    output.stdout(json({
      commands: Object.entries(COMMANDS).map(([name, spec]) => ({ name, usage: spec.usage, summary: spec.summary, options: Object.keys(spec.options).map((o) => `--${o}`) })),
      globalOptions: Object.keys(GLOBAL_OPTIONS).map((o) => `--${o}`),
      exitCodes: Object.fromEntries(EXIT_CODE_HELP.map(([code, meaning]) => [code, meaning])),
    }));
    return ExitCode.ok;
  }
  output.stdout(helpText(options.topic));
  return ExitCode.ok;
}

export function helpText(topic?: CommandName): string {
  const optionRows = (options: Record<string, { type: string; value?: string; help: string }>) =>
    Object.entries(options).map(([name, o]) => [`--${name}${o.type === 'string' ? ` <${o.value}>` : ''}`, o.help]);
  if (topic) {
    const spec: { usage: string; summary: string; details?: string[]; options: Record<string, { type: string; value?: string; help: string }> } = COMMANDS[topic];
    return [
      `usage: ${spec.usage}`, '', spec.summary, ...(spec.details ?? []).map((d) => `${d}`), '',
      ...(Object.keys(spec.options).length ? ['Options:', table(['', ''], optionRows(spec.options), { indent: '  ' }).split('\n').slice(1).join('\n')] : []),
      'Global options:', table(['', ''], optionRows(GLOBAL_OPTIONS), { indent: '  ' }).split('\n').slice(1).join('\n'),
      'Exit codes: see `rewind help`.', '',
    ].join('\n');
  }
  const body = (text: string) => text.split('\n').slice(1).join('\n');
  return [
    'rewind — back up, inspect and restore an Entra ID tenant', '',
    'usage: rewind <command> [arguments] [--json] [--tenant <id>] [--progress] [--debug]', '',
    'Commands:',
    body(table(['', ''], Object.entries(COMMANDS).map(([name, spec]) => [name, spec.summary]), { indent: '  ' })),
    'Kinds: user, group, role (a role definition), unit (an administrative unit).',
    '<name>: an id, a UPN, a mail, or the start of a name or of one of its words (case-insensitive);',
    'when several objects match, rewind lists them and asks for the id.',
    'Times: 2026-11-20, 2026-11-20T08:00Z; snapshot ids (or their start) from `rewind snapshots`.',
    'Restores: `rewind plan restore` stores a plan to review (Teams approvals start in the bot); `rewind restore --plan <id>',
    '--break-glass` runs one without it in an outage. A recreated user\'s credential is printed once (see `rewind help restore`).', '',
    'Global options:',
    body(table(['', ''], optionRows(GLOBAL_OPTIONS), { indent: '  ' })),
    'Settings (environment):',
    body(table(['', ''], SETTINGS, { indent: '  ' })),
    'Without --tenant, rewind reads the tenant of the configured Graph; when Graph does not answer, read-only',
    'commands use the only tenant in the store.', '',
    'Exit codes:',
    body(table(['', ''], EXIT_CODE_HELP.map(([code, meaning]) => [String(code), meaning]), { indent: '  ' })),
    'Run `rewind help <command>` for a command\'s options.', '',
  ].join('\n');
}
