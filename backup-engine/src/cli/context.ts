/**
 * What every command gets: the engine's ports (read, write, store), the queries for the resolved tenant, where to write, its parsed
 * options, and a clock. Commands return an exit code and throw only errors `classifyError` knows how to explain.
 */
import type { DirectoryGateway } from '../ports/directory-gateway';
import type { DirectoryWriter } from '../ports/directory-writer';
import type { SnapshotStore } from '../ports/snapshot-store';
import type { SnapshotQueries } from '../query/snapshot-queries';
import type { CliOutput } from './format';
import type { GlobalOptions, ParsedCommand } from './parse-args';

export interface CliEngine {
  gateway: DirectoryGateway;
  store: SnapshotStore;
  /** The restore side: writes to the tenant (only `rewind plan restore`, `restore` and `undo` use it). */
  writer: DirectoryWriter;
}

export interface CommandContext<C extends ParsedCommand['command']> {
  engine: CliEngine;
  queries: SnapshotQueries;
  output: CliOutput;
  options: Extract<ParsedCommand, { command: C }> & { global: GlobalOptions };
  now: () => Date;
  /** The tenant the command works on (resolved once by `runCli`). */
  tenantId: string;
}
