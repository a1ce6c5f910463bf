/**
 * The `rewind` process: settings from the environment (read and validated once), the engine they describe, one
 * command, and the engine closed on every path — the in-process local Cosmos server exports its data on close, so a
 * command that skipped it would lose what it wrote. Ctrl-C closes (and so saves) before exiting; a second Ctrl-C
 * exits at once.
 */
import { writeSync } from 'node:fs';
import { openEngine, readEngineSettings } from '../runtime';
import type { GraphLogEntry } from '../graph/policies/logging-policy';
import type { CliOutput } from './format';
import { OpenedCliEngine, runCli } from './run';

/**
 * The process's stdout and stderr. A stream whose reader went away (EPIPE: `rewind backup | head -3`) is written no
 * more, quietly: the command still runs to its end — a backup is still stored and the store closed, which exports
 * the local server's data — and the process exits with the command's own code, without a stack trace. Any other
 * write error also stops that stream, and is said once on the other one.
 */
export function processOutput(): CliOutput {
  const stderr = closableWriter(process.stderr, () => undefined);
  const stdout = closableWriter(process.stdout, (error) => stderr.write(`rewind: cannot write to stdout (${error.code ?? error.message}); output stopped\n`));
  return {
    stdout: stdout.write, stderr: stderr.write, stderrIsTTY: process.stderr.isTTY === true,
    // A credential is written with a synchronous write to the descriptor, which throws (EPIPE…) when nobody reads it
    // any more: the handover then fails and the restore reports the credential as not delivered. (process.stdout's own
    // writes are synchronous for files, pipes and terminals on Linux, so the order with other output is kept.)
    handOver: (text) => {
      if (stdout.closed()) throw new Error('stdout is closed (its reader went away)');
      writeSync(1, text);
    },
  };
}

/** `write` until the stream reports an error; then nothing (a stream with no 'error' listener would crash the process). */
function closableWriter(stream: NodeJS.WritableStream, onError: (error: NodeJS.ErrnoException) => void): { write: (text: string) => void; closed: () => boolean } {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code !== 'EPIPE') onError(error);
  });
  return {
    write: (text) => {
      if (!closed) stream.write(text);
    },
    closed: () => closed,
  };
}

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env, output: CliOutput = processOutput()): Promise<number> {
  let current: OpenedCliEngine | undefined;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted || !current) process.exit(130);
    interrupted = true;
    output.stderr('\nrewind: interrupted; closing the store (Ctrl-C again to quit at once)\n');
    void current.close().catch(() => undefined).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSigint);
  try {
    return await runCli(argv, {
      output,
      openEngine: async (global) => {
        const settings = readEngineSettings(env);
        const logger = global.debug ? (entry: GraphLogEntry) => output.stderr(`debug: graph ${describeRequest(entry)}\n`) : undefined;
        const opened = await openEngine(settings, { logger });
        let closed: Promise<void> | undefined;
        current = { engine: opened, graphBaseUrl: settings.graphBaseUrl, notes: opened.notes, close: () => (closed ??= opened.close()) };
        return current;
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function describeRequest(entry: GraphLogEntry): string {
  const status = entry.status ? String(entry.status) : `no response${entry.error ? ` (${entry.error})` : ''}`;
  return `${entry.method} ${entry.url} → ${status} in ${Math.round(entry.durationInMs)} ms${entry.retryAfter ? `, Retry-After ${entry.retryAfter}` : ''}${entry.requestId ? `, request-id ${entry.requestId}` : ''}`;
}

/** The bin's entry: exit with the command's code, even if a stray timer (an abandoned Graph retry) is pending. */
export function runMain(): void {
  main().then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 250).unref();
    },
    (error: unknown) => {
      process.stderr.write(`rewind: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
