/**
 * Paced by construction, through the bot: with the tenant's write quota lowered (other apps use most of it), a
 * restore approved in Teams that needs several quota windows of writes runs without one write-quota 429, because the
 * Graph writer paces every write it sends. (The CLI's path: backup-engine/test/restore/restore.writeQuota.test.ts.)
 */
import { Verbs } from '../../cards/verbs';
import { BotHarness, PEOPLE, clickData, personal, startBotHarness, textOf } from './support/bot-harness';
import { userWithMemberships } from '../../backup-engine/test/support/write-quota';

const QUOTA = { limit: 30, windowInMs: 3_000 };

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness({ simulator: { throttle: true, writeQuota: QUOTA }, writeQuota: { writesPerWindow: 28, windowMs: QUOTA.windowInMs } });
});
afterEach(async () => {
  await h.close();
});

describe('when a restore approved in Teams needs more writes than the write quota allows in one window', () => {
  it('then it completes without a single throttled request', async () => {
    const d = h.engine.simulator.directory;
    const { id, groups } = userWithMemberships(d, 'linky', 70);
    await h.engine.backup();
    d.deleteUser(id);
    d.purgeDeleted(id);
    const throttledBefore = h.engine.simulator.stats().throttled;

    const card = (await h.say(PEOPLE.alex, 'restore user linky')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'INC-9' }), personal(PEOPLE.alex));
    const approval = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as never;
    const started = Date.now();
    expect(textOf((await h.invoke(PEOPLE.megan, Verbs.approve, clickData(approval, Verbs.approve, { comment: '' }))).invokeCard)).toMatch(/Restore running/);
    await h.bot.whenIdle();

    const restored = d.getUser(`linky@${d.domains[0]}`)!;
    expect(d.memberOf(restored.id).groups.sort()).toEqual([...groups].sort());
    expect(h.engine.simulator.stats().throttled - throttledBefore).toBe(0);
    // 70 links and the create need at least two windows of the lowered quota: the run waited instead of failing.
    expect(Date.now() - started).toBeGreaterThanOrEqual(QUOTA.windowInMs);
  }, 60_000);
});
