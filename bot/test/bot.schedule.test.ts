/**
 * The daily backup: the schedule fires at the configured UTC time (tomorrow once it has passed), and a run backs up,
 * posts the summary to the summary channel with the privileged role changes, and pushes a role-member diff card.
 */
import { nextDailyRun, scheduleDaily } from '../src/schedule';
import { BotHarness, OPS_CHANNEL, PEOPLE, actionsOf, startBotHarness, textOf } from './support/bot-harness';
import { Verbs } from '../../cards/verbs';
import { LeaseHeldError, RestoreRecords, SnapshotQueries } from '../../backup-engine/src';
import type { AdaptiveCard } from '../../cards/render';

describe('when the next daily run is computed', () => {
  it('then it is today at the time if still ahead, else tomorrow', () => {
    expect(nextDailyRun(new Date('2026-11-25T06:00:00Z'), { hour: 7, minute: 0 }).toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect(nextDailyRun(new Date('2026-11-25T07:00:00Z'), { hour: 7, minute: 0 }).toISOString()).toBe('2026-11-26T07:00:00.000Z');
    expect(nextDailyRun(new Date('2026-12-31T23:30:00Z'), { hour: 7, minute: 15 }).toISOString()).toBe('2027-01-01T07:15:00.000Z');
  });

  it('then the timer is set for exactly that delay, re-armed after each run, and stops', async () => {
    let now = new Date('2026-11-25T06:00:00Z');
    const timers: { fn: () => void; ms: number }[] = [];
    let runs = 0;
    const schedule = scheduleDaily({ hour: 7, minute: 0 }, async () => { runs++; }, {
      now: () => now, setTimer: (fn, ms) => { timers.push({ fn, ms }); return {}; }, clearTimer: () => undefined,
    });
    expect(timers.map((t) => t.ms)).toEqual([3_600_000]);
    now = new Date('2026-11-25T07:00:00Z');
    timers[0].fn();
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    expect(timers.map((t) => t.ms)).toEqual([3_600_000, 86_400_000]);
    schedule.stop();
  });
});

describe('when the daily backup runs after a privileged role changed', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.close());

  it('then a snapshot is taken and the summary and the role diff are posted to the summary channel', async () => {
    await h.say(PEOPLE.megan, 'set summary channel', OPS_CHANNEL);
    h.drain();
    const d = h.engine.simulator.directory;
    const helpdeskAdmin = [...d.roleDefinitions.values()].find((r) => r.displayName === 'Helpdesk Administrator')!;
    d.createRoleAssignment({ roleDefinitionId: helpdeskAdmin.id, principalId: PEOPLE.patti.id, directoryScopeId: '/' });
    const before = (await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots()).length;
    // Teams throttles the first two posts: they are retried after Retry-After, and nothing is lost or doubled.
    const throttled = () => Object.assign(new Error('Too Many Requests'), { statusCode: 429, response: { status: 429, headers: { get: () => '0' } } });
    h.adapter.failProactiveSends.push(throttled(), throttled());

    await h.bot.runScheduledBackup();
    expect(h.adapter.failProactiveSends).toHaveLength(0);

    expect((await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots()).length).toBe(before + 1);
    const posted = h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id).map((a) => a.attachments?.[0]?.content as AdaptiveCard);
    expect(posted).toHaveLength(3);
    expect(textOf(posted[0])).toContain('Helpdesk Administrator');
    expect(textOf(posted[0])).toContain(PEOPLE.patti.name);
    expect(textOf(posted[1])).toMatch(/Privileged role/);
    expect(textOf(posted[1])).toContain(PEOPLE.patti.name);
    // …and a privileged-change alert whose "Review and restore" plans putting the role's members back.
    expect(textOf(posted[2])).toMatch(/Alert: privileged change/);
    expect(textOf(posted[2])).toMatch(/1 privileged role changed members/);
    const review = actionsOf(posted[2]).find((a) => a.verb === Verbs.reviewAlert)!;
    const requested = await h.invoke(PEOPLE.alex, Verbs.reviewAlert, review.data);
    const requestId = (textOf(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/) ?? [])[0]!;
    const stored = (await new RestoreRecords(h.store, h.engine.tenantId).readRequest(requestId))!;
    expect(stored.plan.targets).toEqual([expect.objectContaining({ kind: 'role', id: helpdeskAdmin.id })]);
    const removals = stored.plan.steps.filter((s) => s.action.type === 'removeRoleAssignment');
    expect(removals).toHaveLength(1);
    expect(JSON.stringify(removals[0].action)).toContain(PEOPLE.patti.id);
    expect(stored.plan.steps.filter((s) => s.action.type === 'addRoleAssignment')).toHaveLength(0);
    // The alert id is card data: a privileged alert id for snapshots that do not exist is refused.
    const forged = await h.invoke(PEOPLE.alex, Verbs.reviewAlert, { alertId: 'priv:20200101T000000Z-abcdef..20200102T000000Z-abcdef' });
    expect(textOf(forged.invokeCard)).toMatch(/no longer stored/);
    // Once the change was put back by hand, reviewing the same alert again finds nothing to restore and stores nothing.
    h.engine.simulator.directory.deleteRoleAssignment(h.engine.simulator.directory.assignmentsOf(PEOPLE.patti.id).find((a) => a.roleDefinitionId === helpdeskAdmin.id)!.id);
    const again = await h.invoke(PEOPLE.alex, Verbs.reviewAlert, review.data);
    expect(textOf(again.invokeCard)).toMatch(/Nothing to restore/);
  });
});

describe('when many users were deleted between two backups', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.close());

  it('then the daily backup posts a mass-deletion alert whose "Review and restore" sends one plan for all of them for approval', async () => {
    await h.say(PEOPLE.megan, 'set summary channel', OPS_CHANNEL);
    h.drain();
    const d = h.engine.simulator.directory;
    const victims = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && !Object.values(PEOPLE).some((p) => p.id === u.id)).slice(0, 4);
    for (const v of victims) d.deleteUser(v.id);

    await h.bot.runScheduledBackup();

    const posted = h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id).map((a) => a.attachments?.[0]?.content as AdaptiveCard);
    const alert = posted.find((card) => textOf(card).includes('were deleted between two backups'));
    expect(alert).toBeDefined();
    const review = actionsOf(alert!).find((a) => a.verb === Verbs.reviewAlert)!;
    expect(review).toBeDefined();

    const refused = await h.invoke(PEOPLE.patti, Verbs.reviewAlert, review.data);
    expect(textOf(refused.invokeCard)).toMatch(/helpdesk group/);
    const forged = await h.invoke(PEOPLE.alex, Verbs.reviewAlert, { alertId: '../../etc' });
    expect(textOf(forged.invokeCard)).toMatch(/cannot be used/);

    const requested = await h.invoke(PEOPLE.alex, Verbs.reviewAlert, review.data);
    const requestId = (textOf(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/) ?? [])[0]!;
    expect(requestId).toBeDefined();
    const stored = await new RestoreRecords(h.store, h.engine.tenantId).readRequest(requestId);
    expect(stored!.plan.targets.map((t) => t.id).sort()).toEqual(victims.map((v) => v.id).sort());
    expect(stored!.plan.steps.filter((s) => s.action.type === 'restoreFromRecycleBin')).toHaveLength(4);
    expect(victims.every((v) => !d.getLive(v.id))).toBe(true);
  });
});

describe('when the daily backup fails', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.close());

  it('then the summary channel is told it failed and why, with the last good backup\'s figures, and the failure is not swallowed', async () => {
    await h.say(PEOPLE.megan, 'set summary channel', OPS_CHANNEL);
    h.drain();
    h.service.scheduledBackup = async () => { throw new Error('Graph answered 503 for /users/delta after 12 attempts'); };

    await expect(h.bot.runScheduledBackup()).rejects.toThrow(/503/);

    const posted = h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id).map((a) => textOf(a.attachments![0].content as AdaptiveCard));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/Backup failed/);
    expect(posted[0]).toMatch(/503 for \/users\/delta/);
    expect(posted[0]).toMatch(/figures below are from the last good backup/);
  });

  it('then another instance holding the backup lease is a skip, not a failure: nothing is posted', async () => {
    h.service.scheduledBackup = async () => { throw new LeaseHeldError('web-1:4242', '2026-11-25T07:10:00Z'); };
    await expect(h.bot.runScheduledBackup()).resolves.toBeUndefined();
    expect(h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id)).toHaveLength(0);
  });
});

