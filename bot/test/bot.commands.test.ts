/**
 * Commands and card actions other than the approval flow: help and typos, finding objects, authorisation of the
 * commands, and invokes the bot does not know (always answered).
 */
import { DEMO_BOB_ID } from '../../graph-simulator/src';
import { SnapshotQueries } from '../../backup-engine/src';
import { formatBytes } from '../src/rewind-service';
import { verbsUsedInTemplates } from '../../cards/render';
import { ALL_VERBS, Verbs } from '../../cards/verbs';
import { BotHarness, OPS_CHANNEL, PEOPLE, actionsOf, startBotHarness, textOf } from './support/bot-harness';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h.close();
});

describe('when people type commands', () => {
  it('then an unknown command answers the help card with the closest command', async () => {
    const said = await h.say(PEOPLE.alex, 'restor user bob');
    expect(said.cards).toHaveLength(1);
    expect(textOf(said.cards[0])).toContain('restore user <name>');
    expect(textOf(said.cards[0])).toMatch(/Did you mean/);
    expect(textOf((await h.say(PEOPLE.alex, 'help')).cards[0])).toContain('backup status');
    expect((await h.say(PEOPLE.alex, 'x'.repeat(10_000))).cards).toHaveLength(1);
  });

  it('then an ambiguous name answers a chooser, and choosing opens the object card', async () => {
    const said = await h.say(PEOPLE.alex, 'restore user carlos');
    const choices = actionsOf(said.cards[0]).filter((a) => a.verb === Verbs.chooseObject);
    expect(choices.length).toBeGreaterThan(1);
    const chosen = await h.invoke(PEOPLE.alex, Verbs.chooseObject, choices[0].data);
    expect(actionsOf(chosen.invokeCard!).map((a) => a.verb)).toContain(Verbs.requestApproval);
  });

  it('then an unknown name answers an error card, and only helpdesk members may restore', async () => {
    expect(textOf((await h.say(PEOPLE.alex, 'restore user zzzqqq')).cards[0])).toMatch(/No user found/);
    expect(textOf((await h.say(PEOPLE.patti, 'restore user bob')).cards[0])).toMatch(/Not allowed/);
    expect(textOf((await h.say(PEOPLE.alex, 'set approvals channel', OPS_CHANNEL)).cards[0])).toMatch(/security leads group/);
  });

  it('then read-only commands answer their cards', async () => {
    expect(textOf((await h.say(PEOPLE.isaiah, 'versions user bob')).cards[0])).toContain('Bob Kelly');
    expect(textOf((await h.say(PEOPLE.isaiah, 'backup status')).cards[0])).toMatch(/Backup/);
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    await h.engine.backup();
    // Storage: what all retained backups wrote, and what the latest one added; types by their names.
    const snapshots = await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots();
    const status = textOf((await h.say(PEOPLE.isaiah, 'backup status')).cards[0]);
    expect(status).toContain(`at least ${formatBytes(snapshots.reduce((t, s) => t + s.stats.storedBytes, 0))} held by the retained backups, ${formatBytes(snapshots.at(-1)!.stats.storedBytes)} added`);
    expect(status).toMatch(/Users[\s\S]*Groups/);
    expect(status).not.toMatch(/roleDefinition/);
    expect(textOf((await h.say(PEOPLE.alex, 'deleted')).cards[0])).toContain('Bob Kelly');
  });
});

describe('when any card verb is invoked with junk data', () => {
  it('then every verb the templates use is routed and answered with a card, never the catch-all', async () => {
    expect(verbsUsedInTemplates().every((v) => (ALL_VERBS as readonly string[]).includes(v))).toBe(true);
    for (const verb of ALL_VERBS) {
      const answer = await h.invoke(PEOPLE.megan, verb, { requestId: 'x'.repeat(300), objectId: 42, kind: 'user' });
      expect(answer.invokeStatus).toBe(200);
      expect(answer.invokeCard?.type).toBe('AdaptiveCard');
      expect(textOf(answer.invokeCard)).not.toMatch(/Unknown action/);
    }
  });
});

describe('when an invoke is not one the bot knows', () => {
  it('then it is answered with an error card', async () => {
    const unknown = await h.invoke(PEOPLE.alex, 'restore.doEverything', { requestId: 'x' });
    expect(unknown.invokeStatus).toBe(200);
    expect(textOf(unknown.invokeCard)).toMatch(/Unknown action/);
    const alert = await h.invoke(PEOPLE.megan, Verbs.reviewAlert, { alertId: 'a' });
    expect(textOf(alert.invokeCard)).toMatch(/alert id that is not one/);
    // Not even an Action.Execute: still answered.
    const other = await h.invokeRaw(PEOPLE.alex, { type: 'invoke', name: 'composeExtension/query', value: {} });
    expect(other.invokeStatus).toBe(200);
  });
});
