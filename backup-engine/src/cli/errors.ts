/**
 * The CLI's exit codes and the few errors it raises itself, and the one place that turns any error into an exit code
 * and a message (style practice 10). User mistakes get a sentence that names the fix and never a stack trace;
 * anything unexpected gets a short message and "run with --debug for details".
 */
import { isConfigurationError, isGraphRequestError } from '../errors';
import { isLeaseHeldError } from '../backup/lease';
import type { NamedObject } from '../query/snapshot-queries';

export const ExitCode = {
  ok: 0,
  /** Something unexpected failed (or Graph / Cosmos could not be reached). */
  failure: 1,
  /** Unknown command or option, a missing or malformed argument, or a setting that is wrong. */
  usage: 2,
  /** A name matched several objects: use the id. */
  ambiguous: 3,
  /** No object, snapshot or version matched. */
  notFound: 4,
  /** `rewind check` found problems, or another backup / prune holds the tenant's lease. */
  problems: 5,
  /** `rewind restore` finished, but not everything was restored: skips, failed or blocked steps. */
  incomplete: 6,
  /** `rewind restore`: the tenant changed since the plan was made; plan again (and get it approved). */
  needsReapproval: 7,
  /** `rewind plan restore` / `undo`: the plan has no step (nothing to restore); it was printed, not stored. */
  nothingToRestore: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const USAGE_ERROR_NAME = 'UsageError';
export const AMBIGUOUS_NAME_ERROR_NAME = 'AmbiguousNameError';
export const NOT_FOUND_ERROR_NAME = 'NotFoundError';

/** Bad command line: unknown command or option, missing argument, malformed value. */
export class UsageError extends Error {
  /** The command whose help to point at (undefined: general help). */
  readonly command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.name = USAGE_ERROR_NAME;
    this.command = command;
  }
}

export class AmbiguousNameError extends Error {
  constructor(message: string, readonly matches: NamedObject[]) {
    super(message);
    this.name = AMBIGUOUS_NAME_ERROR_NAME;
  }
}

export class NotFoundError extends Error {
  constructor(message: string, readonly hint?: string, readonly suggestions: NamedObject[] = []) {
    super(message);
    this.name = NOT_FOUND_ERROR_NAME;
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return hasName(e, USAGE_ERROR_NAME);
}

export function isAmbiguousNameError(e: unknown): e is AmbiguousNameError {
  return hasName(e, AMBIGUOUS_NAME_ERROR_NAME);
}

export function isNotFoundError(e: unknown): e is NotFoundError {
  return hasName(e, NOT_FOUND_ERROR_NAME);
}

export interface ClassifiedError {
  exitCode: ExitCode;
  /** Machine-readable: usage, configuration, ambiguous, notFound, refused, leaseHeld, graphUnreachable, graph, unexpected. */
  code: string;
  message: string;
  /** One more line: what to do next. */
  hint?: string;
  /** Only unexpected errors: the stack is worth printing under --debug. */
  unexpected: boolean;
}

export function classifyError(e: unknown, context: { graphBaseUrl?: string } = {}): ClassifiedError {
  const message = e instanceof Error ? e.message : String(e);
  if (isUsageError(e)) {
    return { exitCode: ExitCode.usage, code: 'usage', message, hint: `see \`rewind help${e.command ? ` ${e.command}` : ''}\``, unexpected: false };
  }
  if (isConfigurationError(e)) return { exitCode: ExitCode.usage, code: 'configuration', message, unexpected: false };
  if (e instanceof RangeError || hasName(e, 'NameQueryError')) return { exitCode: ExitCode.usage, code: 'usage', message, unexpected: false };
  if (isAmbiguousNameError(e)) return { exitCode: ExitCode.ambiguous, code: 'ambiguous', message, hint: 'use the id of the one you mean', unexpected: false };
  if (isNotFoundError(e)) return { exitCode: ExitCode.notFound, code: 'notFound', message, hint: e.hint, unexpected: false };
  if (hasName(e, 'SnapshotNotFoundError')) return { exitCode: ExitCode.notFound, code: 'notFound', message, hint: 'list snapshots with `rewind snapshots`', unexpected: false };
  if (hasName(e, 'RestoreRefusedError')) return { exitCode: ExitCode.failure, code: 'refused', message, hint: 'see the restore\'s state with `rewind audit <restoreId>`', unexpected: false };
  if (hasName(e, 'UndoUnavailableError')) return { exitCode: ExitCode.notFound, code: 'notFound', message, hint: 'list restores with `rewind audit`', unexpected: false };
  if (isLeaseHeldError(e)) return { exitCode: ExitCode.problems, code: 'leaseHeld', message, unexpected: false };
  if (hasName(e, 'LocalDataFileError')) return { exitCode: ExitCode.failure, code: 'localDataFile', message, unexpected: false };
  if (isGraphRequestError(e) && e.statusCode === 0) {
    return {
      exitCode: ExitCode.failure, code: 'graphUnreachable',
      message: `cannot reach Microsoft Graph${context.graphBaseUrl ? ` at ${context.graphBaseUrl}` : ''} (${message})`,
      hint: 'check GRAPH_BASE_URL, or start the local simulator with `npm run simulator`',
      unexpected: false,
    };
  }
  if (isGraphRequestError(e)) {
    const permission = e.statusCode === 401 || e.statusCode === 403;
    return {
      exitCode: ExitCode.failure, code: 'graph',
      message: `Microsoft Graph answered ${e.statusCode} ${e.code}: ${message}${e.requestId ? ` (request-id ${e.requestId})` : ''}`,
      hint: permission ? 'check the app registration\'s Graph permissions (Directory.Read.All, RoleManagement.Read.Directory) and its credentials' : undefined,
      unexpected: false,
    };
  }
  return { exitCode: ExitCode.failure, code: 'unexpected', message: `unexpected error: ${message}`, hint: 'run with --debug for details', unexpected: true };
}

function hasName(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name;
}
