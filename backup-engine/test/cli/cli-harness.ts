/**
 * Runs `rewind` in-process: `runCli` against the engine fixture (simulator + real Graph adapters + memory store),
 * output captured. No process is spawned; the fixture's lifetime is the test file's.
 */
import type { GraphSimulator } from '../../../graph-simulator/src';
import { runCli } from '../../src/cli/run';
import { GraphDirectoryWriter } from '../../src/graph/graph-writer';
import type { DirectoryWriter } from '../../src/ports/directory-writer';
import { EngineFixture } from '../support/engine-fixture';

/** What a run needs: the gateway and store, and for restores a writer (made for the fixture's simulator if not given). */
export type CliFixture = Pick<EngineFixture, 'gateway' | 'store'> & { writer?: DirectoryWriter; simulator?: GraphSimulator };

const writers = new WeakMap<object, DirectoryWriter>();

function writerFor(fx: CliFixture): DirectoryWriter {
  if (fx.writer) return fx.writer;
  let writer = writers.get(fx);
  if (!writer) {
    writer = new GraphDirectoryWriter({ baseUrl: fx.simulator?.url ?? 'http://127.0.0.1:9', backoff: { baseDelayInMs: 5, maxDelayInMs: 50 } });
    writers.set(fx, writer);
  }
  return writer;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` promises. */
  json<T = Record<string, unknown>>(): T;
}

export async function rewind(fx: CliFixture, argv: string[], options: { now?: () => Date; tenantTimeoutInMs?: number } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let closed = 0;
  const code = await runCli(argv, {
    output: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false },
    openEngine: async () => ({ engine: { gateway: fx.gateway, store: fx.store, writer: writerFor(fx) }, close: async () => void closed++ }),
    now: options.now,
    tenantTimeoutInMs: options.tenantTimeoutInMs,
  });
  if (argv[0] !== 'help' && !argv.includes('--help') && code !== 2 && closed !== 1) throw new Error(`the engine was closed ${closed} times`);
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
