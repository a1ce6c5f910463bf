/**
 * Restores through the CLI against a simulated tenant backed up once: plan (stored as a request), break-glass
 * execution, the audit trail, undo, the re-approval stop, the refusals, and a recreated user's credential, which
 * is printed once and is in `--json` only with `--show-secret`. Assertions read the simulator's directory.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { ROLE_TEMPLATE } from '../../../graph-simulator/src/seed/roles';
import { EngineFixture, startEngine } from '../support/engine-fixture';
import { rewind } from './cli-harness';

const BOB = 'bob@contoso.example';
const RESTORE_ID = /Restore plan (r-\d{8}-\d{6}-[0-9a-f]{6}), awaiting approval/;
let fx: EngineFixture;
let snapshotId: string;

beforeAll(async () => {
  fx = await startEngine();
  const backup = await rewind(fx, ['backup', '--json']);
  expect(backup.code).toBe(0);
  snapshotId = backup.json<{ snapshot: { id: string } }>().snapshot.id;
});
afterAll(() => fx.close());

function restoreIdOf(stdout: string): string {
  const match = RESTORE_ID.exec(stdout) ?? /Undo plan (r-\d{8}-\d{6}-[0-9a-f]{6})/.exec(stdout);
  if (!match) throw new Error(`no restore id in:\n${stdout}`);
  return match[1];
}

const exitFor = (status: string) => ({ complete: 0, incomplete: 6, failed: 1 })[status];

describe('when the command line is wrong', () => {
  it.each([
    [['restore', '--plan', 'r-20261125-120000-1a2b3c'], /approved in Teams.*--break-glass.*outage/],
    [['restore', '--plan', 'r-20261125-120000-1a2b3c', '--break-glass'], /--break-glass needs --reason/],
    [['restore', '--break-glass', '--reason', 'outage'], /needs --plan <restoreId>/],
    [['plan', 'restore', 'user', BOB, '--reason', 'x', '--with', 'object,hats'], /--with: unknown part "hats"; use object, memberships, ownerships, roles, manager, licenses/],
    [['plan', 'restore', 'user', BOB, '--reason', 'x', '--with', 'object', '--without', 'roles'], /--with or --without, not both/],
    [['plan', 'restore', 'user', BOB], /needs --reason/],
    [['plan', 'restore', 'group', 'x', '--reason', 'x', '--as-new', 'a@b.example'], /--as-new restores a copy of one user/],
    [['plan', 'restore', 'user', BOB, '--reason', 'x', '--credential', 'pin'], /use password or tap/],
    [['plan', 'backup'], /`rewind plan` plans a restore/],
    [['audit', 'not-an-id'], /"not-an-id" is not a restore id/],
  ])('then %j exits 2 with a message', async (argv, message) => {
    const run = await rewind(fx, argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('then an unknown restore id exits 4 for restore, audit and undo', async () => {
    for (const argv of [['restore', '--plan', 'r-20000101-000000-abcdef', '--break-glass', '--reason', 'outage'], ['audit', 'r-20000101-000000-abcdef'], ['undo', 'r-20000101-000000-abcdef']]) {
      const run = await rewind(fx, argv);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/there is no restore r-20000101-000000-abcdef/);
    }
  });

  it('then help lists the restore commands and exit codes 6 and 7', async () => {
    const run = await rewind(fx, ['help']);
    expect(run.stdout).toMatch(/\n\s+plan\s+plan a restore/);
    expect(run.stdout).toMatch(/\n\s+restore\s+run a planned restore/);
    expect(run.stdout).toMatch(/\n\s+6\s+`rewind restore` finished incomplete/);
    expect(run.stdout).toMatch(/\n\s+7\s+`rewind restore`: the tenant changed/);
  });
});

describe('when Bob was deleted and is restored with break-glass', () => {
  let restoreId: string;

  beforeAll(() => {
    fx.simulator.directory.deleteUser(DEMO_BOB_ID);
  });

  it('then plan restore prints the stored plan and touches nothing', async () => {
    const run = await rewind(fx, ['plan', 'restore', 'user', BOB, '--reason', 'deleted by mistake', '--ticket', 'INC-42']);
    expect(run.code).toBe(0);
    restoreId = restoreIdOf(run.stdout);
    expect(run.stdout).toContain(`snapshot ${snapshotId}`);
    expect(run.stdout).toMatch(/targets\s+user Bob Kelly \(794d1c57/);
    expect(run.stdout).toMatch(/sensitivity\s+/);
    expect(run.stdout).toMatch(/STEP\s+DEPENDS ON\s+DESCRIPTION\n\s+s001\s+-\s+/);
    expect(run.stdout).toMatch(/restoreFromRecycleBin 1/);
    expect(run.stdout).toMatch(/plan hash\s+[0-9a-f]{64}/);
    expect(run.stdout).toContain(`rewind restore --plan ${restoreId} --break-glass`);
    expect(fx.simulator.directory.getUser(DEMO_BOB_ID)).toBeUndefined();
  });

  it('then --json gives the restore id and the plan', async () => {
    const run = await rewind(fx, ['plan', 'restore', 'user', DEMO_BOB_ID, '--reason', 'deleted by mistake', '--with', 'object,memberships', '--json']);
    expect(run.code).toBe(0);
    const doc = run.json<{ restoreId: string; plan: { hash: string; options: Record<string, unknown>; steps: unknown[] } }>();
    expect(doc.restoreId).toMatch(/^r-/);
    expect(doc.plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.plan.options).toMatchObject({ withObject: true, withMemberships: true, withOwnerships: false, withRoleAssignments: false, withManager: false, withLicenses: false });
  });

  it('then restore --break-glass brings him back and reports every step', async () => {
    const run = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'Teams is down', '--operator', 'alice']);
    const status = /Status: (\w+)/.exec(run.stdout)?.[1].toLowerCase() ?? '';
    expect(run.code).toBe(exitFor(status));
    expect(fx.simulator.directory.getUser(DEMO_BOB_ID)).toBeDefined();
    expect(run.stdout).toContain(`approved as break-glass by alice: "Teams is down"`);
    expect(run.stdout).toMatch(/s001\s+done\s+/);
    expect(run.stdout).not.toContain('CREDENTIAL');
  });

  it('then running it again resumes from the journal without a second break-glass, or, once complete, says there is nothing left', async () => {
    const run = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'again']);
    expect(run.stderr).toMatch(/resuming it from its journal/);
    const complete = /already finished complete/.test(run.stderr);
    expect(complete ? run.code : 0).toBe(complete ? 1 : 0);
    expect(complete ? '' : run.stdout).toMatch(complete ? /^$/ : new RegExp(`^Restore ${restoreId}, resumed\n`));
    expect(fx.simulator.directory.getUser(DEMO_BOB_ID)).toBeDefined();
    const doc = (await rewind(fx, ['audit', restoreId, '--json'])).json<{ events: { event: string }[] }>();
    expect(doc.events.filter((e) => e.event === 'breakGlass')).toHaveLength(1);
  });

  it('then audit shows planned, breakGlass, executionStarted and finished', async () => {
    const all = await rewind(fx, ['audit']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^TIME\s+RESTORE\s+EVENT\s+ACTOR\s+DETAILS/);
    const one = await rewind(fx, ['audit', restoreId]);
    expect(one.code).toBe(0);
    for (const event of ['planned', 'breakGlass', 'executionStarted', 'finished']) expect(one.stdout).toMatch(new RegExp(`\\s${event}\\s`));
    expect(one.stdout).toMatch(/reason\s+deleted by mistake/);
    expect(one.stdout).toMatch(/break-glass\s+.* by alice: Teams is down/);
    expect(one.stdout).toMatch(/s001\s+done\s+/);
    const doc = (await rewind(fx, ['audit', restoreId, '--json'])).json<{ approval: { status: string }; journal: { status: string }[]; events: { event: string; actor: string | null }[] }>();
    expect(doc.approval.status).toBe('consumed');
    expect(doc.journal[0].status).toBe('done');
    expect(doc.events.map((e) => e.event)).toEqual(expect.arrayContaining(['planned', 'breakGlass', 'executionStarted', 'finished']));
    expect(doc.events.find((e) => e.event === 'breakGlass')?.actor).toBe('alice');
  });

  it('then undo prints a plan that deletes him again, stored as a new request', async () => {
    const run = await rewind(fx, ['undo', restoreId]);
    expect(run.code).toBe(0);
    const undoId = restoreIdOf(run.stdout);
    expect(undoId).not.toBe(restoreId);
    expect(run.stdout).toMatch(/source\s+the state captured just before restore/);
    expect(run.stdout).toMatch(/deleteObject 1/);
    expect(run.stdout).toMatch(/reason\s+undo of r-/);
    expect(fx.simulator.directory.getUser(DEMO_BOB_ID)).toBeDefined();
    const audit = await rewind(fx, ['audit', undoId, '--json']);
    expect(audit.json<{ request: { undoes: string } }>().request.undoes).toBe(restoreId);
  });
});

describe('when the tenant changes between plan and break-glass', () => {
  it('then restore stops with exit 7 and says what changed', async () => {
    const d = fx.simulator.directory;
    d.updateUser(DEMO_BOB_ID, { jobTitle: 'Changed once' });
    const plan = await rewind(fx, ['plan', 'restore', 'user', BOB, '--reason', 'roll back the title', '--with', 'object']);
    expect(plan.code).toBe(0);
    d.updateUser(DEMO_BOB_ID, { jobTitle: 'Changed twice' });
    const run = await rewind(fx, ['restore', '--plan', restoreIdOf(plan.stdout), '--break-glass', '--reason', 'outage']);
    expect(run.code).toBe(7);
    expect(run.stdout).toMatch(/needs re-approval: run `rewind plan restore` again/);
    expect(run.stdout).toMatch(/planned\s+1 step \(updateAttributes 1\)/);
    expect(d.getUser(DEMO_BOB_ID)?.props.jobTitle).toBe('Changed twice');
  });
});

describe('when Bob was permanently deleted', () => {
  async function purgeBobAndPlan(extra: string[] = []): Promise<string> {
    const d = fx.simulator.directory;
    const bob = d.getUser(BOB)!;
    d.deleteUser(bob.id);
    d.purgeDeleted(bob.id);
    const plan = await rewind(fx, ['plan', 'restore', 'user', DEMO_BOB_ID, '--at', snapshotId, '--reason', 'hard-deleted', ...extra]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/createUser 1/);
    return restoreIdOf(plan.stdout);
  }

  it('then the recreated user\'s password is printed once, in a marked block, and is his', async () => {
    const restoreId = await purgeBobAndPlan();
    const run = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'outage']);
    expect([0, 6]).toContain(run.code);
    const password = /\npassword {2}(\S+)\n/.exec(run.stdout)?.[1];
    expect(password).toBeDefined();
    expect(run.stdout.split(password!).length - 1).toBe(1);
    expect(run.stderr).not.toContain(password);
    expect(run.stdout).toMatch(/={72}\nCREDENTIAL — shown once/);
    const newBob = fx.simulator.directory.getUser(BOB)!;
    expect(newBob.id).not.toBe(DEMO_BOB_ID);
    expect(newBob.password).toBe(password);
    const audit = await rewind(fx, ['audit', restoreId, '--json']);
    expect(audit.stdout).not.toContain(password);
  });

  it('then --json without --show-secret delivers no credential and says so; resuming with --show-secret issues and shows a Temporary Access Pass', async () => {
    const restoreId = await purgeBobAndPlan();
    const hidden = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'outage', '--json']);
    const doc = hidden.json<{ status: string; credentials: Record<string, unknown>[] }>();
    expect(doc.status).toBe('incomplete');
    expect(hidden.code).toBe(exitFor(doc.status));
    expect(doc.credentials).toEqual([expect.objectContaining({ userPrincipalName: BOB, status: 'notDelivered', whatToDo: expect.stringContaining(`rewind restore --plan ${restoreId}`) })]);
    expect(hidden.stdout).not.toContain(fx.simulator.directory.getUser(BOB)!.password!);
    expect(hidden.stderr).toMatch(/not shown \(no --show-secret\) and discarded/);

    const resumed = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'outage', '--json', '--show-secret']);
    const [credentialLine, ...rest] = resumed.stdout.split('\n');
    const credential = (JSON.parse(credentialLine) as { credential: { kind: string; value: string } }).credential;
    expect(credential.kind).toBe('temporaryAccessPass');
    expect(credential.value.length).toBeGreaterThanOrEqual(8);
    expect(fx.simulator.directory.getUser(BOB)!.temporaryAccessPasses).toHaveLength(1);
    const resumedDoc = JSON.parse(rest.join('\n')) as { status: string; credentials: { status: string; deliveredTo: string }[] };
    expect(resumedDoc.credentials).toEqual([expect.objectContaining({ status: 'delivered', deliveredTo: 'the operator\'s terminal' })]);
    expect(JSON.stringify(resumedDoc)).not.toContain(credential.value);
  });

  it('then --credential tap issues a Temporary Access Pass instead', async () => {
    const run = await rewind(fx, ['restore', '--plan', await purgeBobAndPlan(['--credential', 'tap']), '--break-glass', '--reason', 'outage']);
    expect([0, 6]).toContain(run.code);
    expect(run.stdout).toMatch(/\nTemporary Access Pass {2}\S+\n/);
    expect(run.stdout).not.toMatch(/\npassword {2}/);
  });
});

describe('when planning a bulk restore', () => {
  it('then plan restore all covers every user and group of the snapshot', async () => {
    const victim = [...fx.simulator.directory.users()].find((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID)!;
    fx.simulator.directory.deleteUser(victim.id);
    const run = await rewind(fx, ['plan', 'restore', 'all', '--at', snapshotId, '--reason', 'bulk check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/targets\s+\d+ objects \(\d+ users, \d+ groups\)/);
    const doc = (await rewind(fx, ['audit', restoreIdOf(run.stdout), '--json'])).json<{ request: { plan: { targets: { kind: string }[] } } }>();
    expect(new Set(doc.request.plan.targets.map((t) => t.kind))).toEqual(new Set(['user', 'group']));
    expect(doc.request.plan.targets.length).toBeGreaterThan(10);
  });
});

describe('when a user was given a role after the backup and only roles are restored', () => {
  it('then the plan says the role is kept, and why, instead of "nothing differs", and stores no request', async () => {
    const d = fx.simulator.directory;
    const user = [...d.users()].find((u) => u.props.onPremisesSyncEnabled !== true && d.assignmentsOf(u.id).length === 0 && u.id !== DEMO_BOB_ID)!;
    d.createRoleAssignment({ roleDefinitionId: ROLE_TEMPLATE.billingAdministrator, principalId: user.id, directoryScopeId: '/' });
    const run = await rewind(fx, ['plan', 'restore', 'user', user.id, '--with', 'roles', '--reason', 'check roles']);
    expect(run.code).toBe(8);
    expect(run.stdout).toMatch(/nothing to restore, not stored/);
    expect(run.stdout).not.toMatch(/nothing differs from the tenant/);
    expect(run.stdout).toMatch(/keeps what it was given after the backup: the role Billing Administrator\. Restoring a user adds back what it had and never takes away what it got since/);
    expect(run.stderr).toMatch(/no request was stored/);
  });
});

describe('when a user was deleted before the latest backup and is planned without --at', () => {
  it('then the plan starts from the latest snapshot that still has them, and says so', async () => {
    const d = fx.simulator.directory;
    const user = [...d.users()].find((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID && d.assignmentsOf(u.id).length === 0)!;
    const { snapshot: withUser } = await fx.backup();
    d.deleteUser(user.id);
    await fx.backup();
    const run = await rewind(fx, ['plan', 'restore', 'user', user.id, '--reason', 'deleted yesterday']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`planning from ${withUser.id}, the latest snapshot that has it`);
    expect(run.stdout).toMatch(/restoreFromRecycleBin 1/);
  });
});
