/**
 * Bad input and failures through the whole CLI path (parse → engine → command → exit code): the exit codes `rewind
 * help` documents, a message that names the fix, no stack traces for user mistakes, and the tenant fallback when
 * Graph does not answer.
 */
import { GraphDirectoryGateway } from '../../src/graph';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { progressReporter } from '../../src/cli/commands/backup';
import { EngineFixture, startEngine } from '../support/engine-fixture';
import { rewind } from './cli-harness';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await startEngine();
  await rewind(fx, ['backup']);
});
afterAll(() => fx.close());

describe('when the command line is wrong', () => {
  it.each([
    [['frobnicate'], /^rewind: unknown command "frobnicate"\nsee `rewind help`\n$/],
    [['show', 'user'], /needs a name/],
    [['show', 'user', 'bob', '--at', 'not-a-date'], /--at "not-a-date" is neither a date .* nor a snapshot id/],
    [['versions', 'gadget', 'bob'], /unknown kind "gadget": use user, group, role or unit\nsee `rewind help versions`/],
    [['find', 'bo'], /type at least 3 characters/],
    [['snapshots', '--jsn'], /did you mean --json\?/],
  ])('then %j exits 2 with a message and no stack trace', async (argv, message) => {
    const run = await rewind(fx, argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('then no command at all prints the usage on stderr and exits 2', async () => {
    const run = await rewind(fx, []);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rewind — back up/);
    expect(run.stderr).toMatch(/Exit codes:\n\s+0\s+success\n\s+1\s+unexpected failure/);
  });

  it('then with --json the error is also one JSON document on stdout', async () => {
    const run = await rewind(fx, ['show', 'widget', 'x', '--json']);
    expect(run.code).toBe(2);
    expect(run.json()).toEqual({ error: expect.objectContaining({ code: 'usage', exitCode: 2, message: 'unknown kind "widget": use user, group, role or unit' }) });
  });
});

describe('when what is asked for does not exist', () => {
  it('then a time before the first snapshot exits 4 and says when the first was', async () => {
    const run = await rewind(fx, ['show', 'user', 'bob@contoso.example', '--at', '1999-01-01']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/no snapshot was completed by 1999-01-01T00:00:00.000Z; the first is/);
  });

  it('then a store without snapshots says to run a backup first', async () => {
    const run = await rewind({ gateway: fx.gateway, store: new MemorySnapshotStore() }, ['show', 'user', 'bob@contoso.example']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/no snapshots yet: run a backup first \(`rewind backup`\)/);
  });
});

describe('when another backup holds the tenant\'s lease', () => {
  it('then backup exits 5 and says who holds it', async () => {
    const { acquireLease } = await import('../../src/backup/lease');
    const { SnapshotRepository } = await import('../../src/snapshot/repository');
    const lease = await acquireLease(new SnapshotRepository(fx.store, fx.tenantId), 'other-host:42', 60_000, () => new Date());
    const run = await rewind(fx, ['backup']).finally(() => lease.release());
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/another backup of this tenant is running \(held by other-host:42/);
  });
});

describe('when something unexpected fails', () => {
  it('then a short message says to run with --debug, and --debug prints the stack', async () => {
    const broken = { ...fx.store, read: fx.store.read.bind(fx.store), queryPartition: () => { throw new Error('disk on fire'); } };
    const store = Object.assign(Object.create(Object.getPrototypeOf(fx.store)), fx.store, broken);
    const run = await rewind({ gateway: fx.gateway, store }, ['snapshots']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('rewind: unexpected error: disk on fire\nrun with --debug for details\n');
    const debug = await rewind({ gateway: fx.gateway, store }, ['snapshots', '--debug']);
    expect(debug.stderr).toMatch(/Error: disk on fire\n\s+at /);
  });
});

describe('when Graph does not answer', () => {
  const offline = () => new GraphDirectoryGateway({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });

  it('then a read-only command reads the only tenant in the store, and says so', async () => {
    const run = await rewind({ gateway: offline(), store: fx.store }, ['snapshots', '--json'], { tenantTimeoutInMs: 2000 });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^note: Graph did not answer .*; reading Contoso.* \(51a9bed4-4908-47c2-b8c7-867c6542a0d8\), the only tenant in the store/);
    expect(run.json<{ tenantId: string; snapshots: unknown[] }>()).toMatchObject({ tenantId: fx.tenantId, snapshots: [expect.anything()] });
  });

  it('then --tenant needs no Graph at all', async () => {
    const run = await rewind({ gateway: offline(), store: fx.store }, ['find', 'bob', '--tenant', fx.tenantId]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('then backup fails with exit 1 and says how to fix the setting', async () => {
    const run = await rewind({ gateway: offline(), store: fx.store }, ['backup']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^rewind: cannot reach Microsoft Graph .*\ncheck GRAPH_BASE_URL, or start the local simulator/);
  });

  it('then an empty store has no tenant to fall back to: exit 4 and the fix', async () => {
    const run = await rewind({ gateway: offline(), store: new MemorySnapshotStore() }, ['snapshots'], { tenantTimeoutInMs: 2000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/the store knows no tenant yet\n.*--tenant <id>/);
  });
});

describe('when a backup reports progress', () => {
  it('then a non-terminal gets a line per phase, at most one a second within a phase', () => {
    const lines: string[] = [];
    let clock = 0;
    const reporter = progressReporter({ stdout: () => undefined, stderr: (t) => void lines.push(t), stderrIsTTY: false }, false, () => clock);
    reporter.report({ phase: 'users', pages: 1, entries: 200 });
    clock = 500;
    reporter.report({ phase: 'users', pages: 2, entries: 400 });
    clock = 1600;
    reporter.report({ phase: 'users', pages: 3, entries: 600 });
    reporter.report({ phase: 'groups', pages: 1, entries: 650 });
    reporter.done();
    expect(lines).toEqual(['backup: users, 1 pages, 200 entries\n', 'backup: users, 3 pages, 600 entries\n', 'backup: groups, 1 pages, 650 entries\n']);
  });

  it('then --progress shows it on stderr during `rewind backup`, and the result stays on stdout', async () => {
    const run = await rewind(fx, ['backup', '--progress', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^backup: \w+/m);
    expect(run.stderr).toMatch(/backup: commit, [\d,]+ entries/);
    expect(run.json<{ snapshot: { mode: string } }>().snapshot.mode).toBe('incremental');
  });
});
