/**
 * Crashes for real: `rewind restore --break-glass` runs in its own process against a Graph simulator and a local
 * Cosmos server (both in this test's process), and is killed with SIGKILL while it recreates users. The resumed run
 * (another process) must leave every recreated user with a credential someone was shown, account for every one, and
 * duplicate nothing. A second resume started while one runs is refused (one execution at a time).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { GraphDirectoryGateway } from '../../src/graph';
import { GraphDirectoryWriter } from '../../src/graph/graph-writer';
import { Restores } from '../../src/restore/restores';
import { runBackup } from '../../src/backup/run-backup';
import { LocalCosmos, startLocalCosmos } from '../../src/store/local-cosmos';

const BIN = resolve(__dirname, '../../../bin/rewind.js');
const USERS = 6;

let simulator: GraphSimulator;
let cosmos: LocalCosmos;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  simulator = createGraphSimulator({ tenant: 'demo', throttle: false, latencyMs: 40 });
  const graphBaseUrl = await simulator.listen(0);
  cosmos = await startLocalCosmos({ port: 0 });
  env = { PATH: process.env.PATH, GRAPH_BASE_URL: graphBaseUrl, COSMOS_PORT: new URL(cosmos.endpoint).port };
});
afterEach(async () => {
  await cosmos.close();
  await simulator.close();
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Six users with group memberships, backed up, then permanently deleted; a plan to recreate them, stored. */
async function sixUsersGoneForGood(): Promise<{ restoreId: string; upns: string[] }> {
  const d = simulator.directory;
  const groups = [...d.groups()].filter((g) => g.props.securityEnabled === true && g.props.mailEnabled === false && !(g.props.groupTypes as string[]).length && !g.props.isAssignableToRole && !g.props.onPremisesSyncEnabled).slice(0, 3);
  const upns: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const upn = `crash${i}@${d.domains[0]}`;
    const user = d.createUser({ accountEnabled: true, displayName: `Crash Test ${i}`, mailNickname: `crash${i}`, userPrincipalName: upn, usageLocation: 'US', passwordProfile: { password: 'Sim-Pa55word!x' } });
    for (const g of groups) d.addMember(g.id, user.id);
    upns.push(upn);
  }
  const baseUrl = env.GRAPH_BASE_URL!;
  await runBackup(new GraphDirectoryGateway({ baseUrl }), cosmos.store, { leaseOwner: 'test' });
  const ids = upns.map((upn) => d.getUser(upn)!.id);
  for (const id of ids) {
    d.deleteUser(id);
    d.purgeDeleted(id);
  }
  const restores = new Restores({ store: cosmos.store, writer: new GraphDirectoryWriter({ baseUrl }), tenantId: d.tenantId });
  const { plan } = await restores.plan({ targets: ids.map((id) => ({ kind: 'user' as const, id })) });
  const restoreId = await restores.request({ plan, requester: { objectId: 'cli:test' }, reason: 'crash trial' });
  return { restoreId, upns };
}

/** UPN → every credential printed for it, in order. */
function printedCredentials(stdout: string): Map<string, { kind: 'password' | 'tap'; value: string }[]> {
  const found = new Map<string, { kind: 'password' | 'tap'; value: string }[]>();
  for (const block of stdout.split('CREDENTIAL — shown once').slice(1)) {
    const upn = /\nuser {6}(\S+)/.exec(block)?.[1];
    const password = /\npassword {2}(\S+)/.exec(block)?.[1];
    const tap = /\nTemporary Access Pass {2}(\S+)/.exec(block)?.[1];
    if (!upn) continue;
    found.set(upn, [...(found.get(upn) ?? []), password ? { kind: 'password', value: password } : { kind: 'tap', value: tap! }]);
  }
  return found;
}

describe('when rewind restore is killed with SIGKILL after handing over some credentials', () => {
  it('then the resumed run leaves every recreated user with a credential someone was shown, and a concurrent resume is refused', async () => {
    const { restoreId, upns } = await sixUsersGoneForGood();
    const first = start(['restore', '--plan', restoreId, '--break-glass', '--reason', 'crash trial']);
    await until(() => (first.stdout().match(/CREDENTIAL — shown once/g) ?? []).length >= 2, 'two credentials handed over');
    first.child.kill('SIGKILL');
    await first.exited;
    const firstPrinted = printedCredentials(first.stdout());

    // Graph throttles the resume's first write for 8 s (it waits, honouring Retry-After), so it is still running
    // when a second operator starts the same restore.
    simulator.setFaults([{ method: 'POST', path: '.', status: 429, retryAfterSeconds: 8, times: 1 }]);
    const resume = start(['restore', '--plan', restoreId, '--break-glass', '--reason', 'resume after crash']);
    await until(() => /resuming it from its journal/.test(resume.stderr()), 'the resume to start');
    const concurrent = start(['restore', '--plan', restoreId, '--break-glass', '--reason', 'second operator']);
    const concurrentCode = await concurrent.exited;
    const code = await resume.exited;

    // One execution at a time: the second resume was refused while the first ran.
    expect(concurrentCode).toBe(1);
    expect(concurrent.stderr()).toMatch(/is already running/);
    expect(code).toBe(0);
    const d = simulator.directory;
    const secondPrinted = printedCredentials(resume.stdout());
    for (const upn of upns) {
      const users = [...d.users()].filter((u) => String(u.props.userPrincipalName).toLowerCase() === upn);
      expect(users).toHaveLength(1);
      const shown = [...(firstPrinted.get(upn) ?? []), ...(secondPrinted.get(upn) ?? [])];
      expect(shown.length).toBeGreaterThanOrEqual(1);
      // The credential shown last signs the user in: the password they have, or the Temporary Access Pass issued.
      const last = shown.at(-1)!;
      expect(last.kind === 'password' ? last.value === users[0].password : users[0].temporaryAccessPasses?.length === 1).toBe(true);
    }
    expect(resume.stdout()).toMatch(new RegExp(`Credentials of created users \\(${USERS}\\)`));
    expect(resume.stdout()).not.toMatch(/NOT DELIVERED/);
    const events = await new Restores({ store: cosmos.store, writer: new GraphDirectoryWriter({ baseUrl: env.GRAPH_BASE_URL! }), tenantId: d.tenantId }).records.auditTrail(restoreId);
    expect(events.filter((e) => e.event === 'finished')).toHaveLength(1);
  }, 120_000);
});

describe('when the operator\'s terminal is gone before the credentials are printed', () => {
  it('then no credential is journaled delivered, and the resume issues and shows a Temporary Access Pass for each', async () => {
    const { restoreId, upns } = await sixUsersGoneForGood();
    const first = start(['restore', '--plan', restoreId, '--break-glass', '--reason', 'terminal closed']);
    first.child.stdout!.destroy(); // the reader goes away at once (a dropped SSH session, `| head -0`)
    await first.exited;
    const restores = new Restores({ store: cosmos.store, writer: new GraphDirectoryWriter({ baseUrl: env.GRAPH_BASE_URL! }), tenantId: simulator.directory.tenantId });
    const finished = (await restores.records.auditTrail(restoreId)).filter((e) => e.event === 'finished');
    expect(finished).toHaveLength(1);
    expect((finished[0].detail.credentials as { status: string }[]).map((c) => c.status)).toEqual(upns.map(() => 'notDelivered'));

    const resume = start(['restore', '--plan', restoreId, '--break-glass', '--reason', 'again, on a terminal']);
    expect(await resume.exited).toBe(0);
    const shown = printedCredentials(resume.stdout());
    expect([...shown.keys()].sort()).toEqual([...upns].sort());
    expect([...shown.values()].every((list) => list.length === 1 && list[0].kind === 'tap')).toBe(true);
    expect(resume.stdout()).not.toMatch(/NOT DELIVERED/);
  }, 120_000);
});
