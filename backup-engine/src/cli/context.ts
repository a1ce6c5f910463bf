/**
 * What every command gets: the engine's two ports, the queries for the resolved tenant, where to write, its parsed
 * options, and a clock. Commands return an exit code and throw only errors `classifyError` knows how to explain.
 */
import type { DirectoryGateway } from '../ports/directory-gateway';
import type { SnapshotStore } from '../ports/snapshot-store';
import type { SnapshotQueries } from '../query/snapshot-queries';
import type { CliOutput } from './format';
import type { GlobalOptions, ParsedCommand } from './parse-args';

export interface CliEngine {
  gateway: DirectoryGateway;
  store: SnapshotStore;
}

export interface CommandContext<C extends ParsedCommand['command']> {
  engine: CliEngine;
  queries: SnapshotQueries;
  output: CliOutput;
  options: Extract<ParsedCommand, { command: C }> & { global: GlobalOptions };
  now: () => Date;
}
