/**
 * One CLI invocation without process globals: parse → help (no engine) → open the engine → resolve the tenant →
 * run one command → always close the engine. Every error becomes an exit code and a message here (and, with --json,
 * an `{ "error": … }` document on stdout). `main.ts` supplies the real engine and process streams; tests supply a
 * simulator-backed engine and a captured output.
 */
import { SnapshotQueries } from '../query/snapshot-queries';
import { backupCommand } from './commands/backup';
import { checkCommand } from './commands/check';
import { deletedCommand } from './commands/deleted';
import { diffCommand } from './commands/diff';
import { diffTenantCommand } from './commands/diff-tenant';
import { findCommand } from './commands/find';
import { helpCommand, helpText } from './commands/help';
import { pruneCommand } from './commands/prune';
import { showCommand } from './commands/show';
import { snapshotsCommand } from './commands/snapshots';
import { versionsCommand } from './commands/versions';
import type { CliEngine, CommandContext } from './context';
import { ExitCode, classifyError, isAmbiguousNameError, isNotFoundError, isUsageError } from './errors';
import { CliOutput, json, kindLabel, table } from './format';
import { GlobalOptions, ParsedArguments, parseArguments } from './parse-args';
import { resolveTenant } from './tenant';

export interface OpenedCliEngine {
  engine: CliEngine;
  /** Always called, also after a failure (the in-process local Cosmos saves its data here). */
  close(): Promise<void>;
  /** For messages about an unreachable Graph. */
  graphBaseUrl?: string;
  /** What was connected or started; printed under --debug. */
  notes?: string[];
}

export interface CliDependencies {
  output: CliOutput;
  openEngine(global: GlobalOptions): Promise<OpenedCliEngine>;
  now?: () => Date;
  /** How long read-only commands wait for Graph to name the tenant before using the store's only tenant. */
  tenantTimeoutInMs?: number;
}

export const DEFAULT_TENANT_TIMEOUT_IN_MS = 5000;

export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const { output } = deps;
  const now = deps.now ?? (() => new Date());
  const fallbackFlags = { json: argv.includes('--json'), debug: argv.includes('--debug') };
  let parsed: ParsedArguments;
  try {
    parsed = parseArguments(argv, now());
  } catch (error) {
    if (isUsageError(error) && !argv.length && !fallbackFlags.json) {
      output.stderr(helpText());
      return ExitCode.usage;
    }
    return reportError(error, output, fallbackFlags);
  }
  if (parsed.command === 'help') return helpCommand(output, { topic: parsed.topic, json: parsed.global.json });
  const flags = { json: parsed.global.json, debug: parsed.global.debug, graphBaseUrl: undefined as string | undefined };
  let opened: OpenedCliEngine | undefined;
  let exitCode: number;
  try {
    opened = await deps.openEngine(parsed.global);
    flags.graphBaseUrl = opened.graphBaseUrl;
    if (parsed.global.debug) for (const note of opened.notes ?? []) output.stderr(`debug: ${note}\n`);
    const tenant = await resolveTenant({
      gateway: opened.engine.gateway, store: opened.engine.store, explicit: parsed.global.tenant,
      readOnly: !WRITING_COMMANDS.has(parsed.command), timeoutInMs: deps.tenantTimeoutInMs ?? DEFAULT_TENANT_TIMEOUT_IN_MS, graphBaseUrl: opened.graphBaseUrl,
    });
    if (tenant.note) output.stderr(`note: ${tenant.note}\n`);
    const queries = new SnapshotQueries(opened.engine.store, tenant.tenantId);
    exitCode = await dispatch(parsed, { engine: opened.engine, queries, output, now, tenantId: tenant.tenantId });
  } catch (error) {
    exitCode = reportError(error, output, flags);
  } finally {
    if (opened) {
      try {
        await opened.close();
      } catch (error) {
        output.stderr('rewind: closing the store failed; data written by this command may not have been saved\n');
        const code = reportError(error, { ...output, stdout: () => undefined }, flags);
        exitCode = exitCode! === ExitCode.ok ? code : exitCode!;
      }
    }
  }
  return exitCode;
}

/** Commands that write (the store or the tenant) work only on the configured Graph's tenant, never offline. */
const WRITING_COMMANDS = new Set<ParsedArguments['command']>(['backup', 'planRestore', 'restore', 'undo']);

type Shared = Omit<CommandContext<never>, 'options'>;

async function dispatch(parsed: ParsedArguments, shared: Shared): Promise<number> {
  switch (parsed.command) {
    case 'backup': return backupCommand({ ...shared, options: parsed });
    case 'snapshots': return snapshotsCommand({ ...shared, options: parsed });
    case 'find': return findCommand({ ...shared, options: parsed });
    case 'versions': return versionsCommand({ ...shared, options: parsed });
    case 'show': return showCommand({ ...shared, options: parsed });
    case 'diff': return diffCommand({ ...shared, options: parsed });
    case 'diffTenant': return diffTenantCommand({ ...shared, options: parsed });
    case 'deleted': return deletedCommand({ ...shared, options: parsed });
    case 'check': return checkCommand({ ...shared, options: parsed });
    case 'prune': return pruneCommand({ ...shared, options: parsed });
    // The restore commands load the restore engine only when used (it adds to every command's start-up otherwise).
    case 'planRestore': return (await import('./commands/restore')).planRestoreCommand({ ...shared, options: parsed });
    case 'restore': return (await import('./commands/restore')).restoreCommand({ ...shared, options: parsed });
    case 'undo': return (await import('./commands/restore')).undoCommand({ ...shared, options: parsed });
    case 'audit': return (await import('./commands/audit')).auditCommand({ ...shared, options: parsed });
    case 'help': return helpCommand(shared.output, { topic: parsed.topic, json: parsed.global.json });
  }
}

/** Prints what went wrong and how to fix it; a stack trace only for unexpected errors under --debug. */
export function reportError(error: unknown, output: CliOutput, flags: { json: boolean; debug: boolean; graphBaseUrl?: string }): number {
  const classified = classifyError(error, { graphBaseUrl: flags.graphBaseUrl });
  output.stderr(`rewind: ${classified.message}\n`);
  if (isAmbiguousNameError(error)) {
    output.stderr(table(['KIND', 'NAME', 'UPN', 'ID'], error.matches.map((m) => [kindLabel(m.kind), m.displayName, m.userPrincipalName ?? '', m.id]), { indent: '  ' }));
  }
  if (classified.hint) output.stderr(`${classified.hint}\n`);
  if (flags.debug && error instanceof Error && error.stack) {
    output.stderr(`${error.stack}\n`);
    if (error.cause instanceof Error && error.cause.stack) output.stderr(`caused by: ${error.cause.stack}\n`);
  }
  if (flags.json) {
    output.stdout(json({
      error: {
        code: classified.code, message: classified.message, exitCode: classified.exitCode,
        ...(classified.hint ? { hint: classified.hint } : {}),
        ...(isAmbiguousNameError(error) ? { matches: error.matches.map((m) => ({ ...m, kind: kindLabel(m.kind) })) } : {}),
        ...(isNotFoundError(error) && error.suggestions.length ? { suggestions: error.suggestions.map((m) => ({ ...m, kind: kindLabel(m.kind) })) } : {}),
      },
    }));
  }
  return classified.exitCode;
}
