/**
 * End to end through the real bin, two processes: `rewind backup` then `rewind snapshots --json`, with the
 * in-process local Cosmos server (COSMOS_PORT points at a port nothing listens on). The second process sees the
 * first one's snapshot only if the data file was exported on close and imported at start.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { unusedPort } from '../support/ports';

const BIN = resolve(__dirname, '../../../bin/rewind.js');
let simulator: GraphSimulator;
let graphBaseUrl: string;
let dir: string;

beforeAll(async () => {
  simulator = createGraphSimulator({ tenant: 'demo', throttle: false });
  graphBaseUrl = await simulator.listen(0);
  dir = await mkdtemp(join(tmpdir(), 'rewind-cli-'));
});
afterAll(async () => {
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});


function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('when the bin runs a backup and then lists snapshots in another process', () => {
  it('then the second process reads what the first stored, from the data file', async () => {
    const dataFile = join(dir, 'local-cosmos.json');
    const env = { PATH: process.env.PATH, GRAPH_BASE_URL: graphBaseUrl, REWIND_DATA_FILE: dataFile, COSMOS_PORT: String(await unusedPort()) };

    const backup = await run(['backup', '--json'], env);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const snapshotId = (JSON.parse(backup.stdout) as { snapshot: { id: string } }).snapshot.id;
    expect(existsSync(dataFile)).toBe(true);

    const listed = await run(['snapshots', '--json'], env);
    expect(listed.code).toBe(0);
    const doc = JSON.parse(listed.stdout) as { tenantId: string; snapshots: { id: string }[] };
    expect(doc.tenantId).toBe(simulator.directory.tenantId);
    expect(doc.snapshots.map((s) => s.id)).toEqual([snapshotId]);
  }, 30_000);
});
