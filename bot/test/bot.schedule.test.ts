/**
 * The daily backup: the schedule fires at the configured UTC time (tomorrow once it has passed), and a run backs up,
 * posts the summary to the summary channel with the privileged role changes, and pushes a role-member diff card.
 */
import { nextDailyRun, scheduleDaily } from '../src/schedule';
import { BotHarness, OPS_CHANNEL, PEOPLE, startBotHarness, textOf } from './support/bot-harness';
import { SnapshotQueries } from '../../backup-engine/src';
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

    await h.bot.runScheduledBackup();

    expect((await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots()).length).toBe(before + 1);
    const posted = h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id).map((a) => a.attachments?.[0]?.content as AdaptiveCard);
    expect(posted).toHaveLength(2);
    expect(textOf(posted[0])).toContain('Helpdesk Administrator');
    expect(textOf(posted[0])).toContain(PEOPLE.patti.name);
    expect(textOf(posted[1])).toMatch(/Privileged role/);
    expect(textOf(posted[1])).toContain(PEOPLE.patti.name);
  });
});
