/**
 * Runs `rewind` in-process: `runCli` against the engine fixture (simulator + real Graph adapter + memory store),
 * output captured. No process is spawned; the fixture's lifetime is the test file's.
 */
import { runCli } from '../../src/cli/run';
import { EngineFixture } from '../support/engine-fixture';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` promises. */
  json<T = Record<string, unknown>>(): T;
}

export async function rewind(fx: Pick<EngineFixture, 'gateway' | 'store'>, argv: string[], options: { now?: () => Date; tenantTimeoutInMs?: number } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let closed = 0;
  const code = await runCli(argv, {
    output: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false },
    openEngine: async () => ({ engine: { gateway: fx.gateway, store: fx.store }, close: async () => void closed++ }),
    now: options.now,
    tenantTimeoutInMs: options.tenantTimeoutInMs,
  });
  if (argv[0] !== 'help' && !argv.includes('--help') && code !== 2 && closed !== 1) throw new Error(`the engine was closed ${closed} times`);
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}
