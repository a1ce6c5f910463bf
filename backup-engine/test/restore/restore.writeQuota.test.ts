/**
 * Paced by construction, through the CLI: `rewind plan restore` then `rewind restore --break-glass` against a
 * simulator whose write quota is lowered; the restore needs several quota windows of writes and gets no write-quota
 * 429, because the Graph writer paces every write it sends. (The bot's path: bot/test/bot.writeQuota.test.ts.)
 */
import { GraphDirectoryWriter } from '../../src/graph/graph-writer';
import { rewind } from '../cli/cli-harness';
import { EngineFixture, startEngine } from '../support/engine-fixture';
import { userWithMemberships } from '../support/write-quota';

const QUOTA = { limit: 30, windowInMs: 3_000 };

let fx: EngineFixture & { writer: GraphDirectoryWriter };
beforeEach(async () => {
  const engine = await startEngine({ throttle: true, writeQuota: QUOTA });
  fx = { ...engine, writer: new GraphDirectoryWriter({ baseUrl: engine.simulator.url, writeQuota: { writesPerWindow: 28, windowMs: QUOTA.windowInMs } }) };
});
afterEach(() => fx.close());

describe('when a break-glass restore needs more writes than the write quota allows in one window', () => {
  it('then it completes without a single throttled request', async () => {
    const d = fx.simulator.directory;
    const { id, groups } = userWithMemberships(d, 'linky', 70);
    await fx.backup();
    d.deleteUser(id);
    d.purgeDeleted(id);
    const throttledBefore = fx.simulator.stats().throttled;
    const plan = await rewind(fx, ['plan', 'restore', 'user', 'linky', '--reason', 'INC-9']);
    const restoreId = /Restore plan (r-\S+),/.exec(plan.stdout)![1];
    const started = Date.now();
    const run = await rewind(fx, ['restore', '--plan', restoreId, '--break-glass', '--reason', 'Teams is down']);
    expect(run.stdout).toMatch(/Status: COMPLETE/);
    const restored = d.getUser(`linky@${d.domains[0]}`)!;
    expect(d.memberOf(restored.id).groups.sort()).toEqual([...groups].sort());
    expect(fx.simulator.stats().throttled - throttledBefore).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(QUOTA.windowInMs);
  }, 60_000);
});
