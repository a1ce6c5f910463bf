/**
 * `rewind backup | head -1` through the real bin: the reader of stdout goes away after the first line, so the
 * CLI's later writes meet a closed pipe (EPIPE). It must stop writing quietly — no stack trace — finish the
 * command (the backup is still stored: the local Cosmos data file is exported on close) and exit with its own code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { unusedPort } from '../support/ports';

const BIN = resolve(__dirname, '../../../bin/rewind.js');
let simulator: GraphSimulator;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  simulator = createGraphSimulator({ tenant: 'demo', throttle: false });
  const graphBaseUrl = await simulator.listen(0);
  dir = await mkdtemp(join(tmpdir(), 'rewind-epipe-'));
  env = { PATH: process.env.PATH, GRAPH_BASE_URL: graphBaseUrl, REWIND_DATA_FILE: join(dir, 'local-cosmos.json'), COSMOS_PORT: String(await unusedPort()) };
});
afterAll(async () => {
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});


/** Runs the bin with stdout read up to its first line, then closed (what `| head -1` does). */
function runIntoHead(args: string[]): Promise<{ code: number | null; firstLine: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, firstLine: stdout.split('\n')[0], stderr }));
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.on('close', (code) => done({ code, stdout }));
  });
}

describe('when the reader of stdout closes after the first line of a backup', () => {
  it('then the CLI stops writing without a stack trace, exits 0, and the backup is stored', async () => {
    const piped = await runIntoHead(['backup']);
    const listed = await run(['snapshots', '--json']);

    expect(piped.firstLine).toMatch(/^Snapshot \S+ of /);
    expect(piped.stderr).not.toMatch(/EPIPE/);
    expect(piped.stderr).not.toMatch(/^\s+at /m);
    expect(piped.code).toBe(0);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { snapshots: { id: string }[] }).snapshots.map((s) => s.id)).toEqual([piped.firstLine.split(' ')[1]]);
  }, 30_000);
});
