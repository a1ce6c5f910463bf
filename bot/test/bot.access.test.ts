/**
 * Who may see backed-up directory data, and decisions pinned to the plan shown: object cards, versions,
 * memberships, diffs, deleted objects, backup status and request cards are for the helpdesk, the security leads and
 * the optional readers group; everyone else gets a refusal and no data. Approve and Reject need the plan hash the
 * approver saw.
 */
import { DEMO_BOB_ID } from '../../graph-simulator/src';
import { RestoreRecords } from '../../backup-engine/src';
import { Verbs } from '../../cards/verbs';
import { BotHarness, PEOPLE, clickData, personal, startBotHarness, textOf } from './support/bot-harness';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
});

const BROWSING_COMMANDS = ['versions user bob', 'memberships bob', 'diff user bob', 'diff role "Helpdesk Administrator"', 'deleted', 'backup status'];

describe('when someone in none of the groups asks to browse', () => {
  it.each(BROWSING_COMMANDS)('then "%s" is refused and shows no backed-up data', async (command) => {
    const card = textOf((await h.say(PEOPLE.patti, command)).cards[0]);
    expect(card).toMatch(/Not allowed/);
    expect(card).not.toMatch(/Bob Kelly|bob@contoso/);
  });

  it('then the object and version choosers and a request card refuse too', async () => {
    const snapshotId = (await h.service.backupStatusModel()).snapshotId;
    for (const [verb, data] of [
      [Verbs.chooseObject, { kind: 'user', objectId: DEMO_BOB_ID, purpose: 'versions' }],
      [Verbs.chooseVersion, { kind: 'user', objectId: DEMO_BOB_ID, snapshotId }],
    ] as const) {
      const answer = textOf((await h.invoke(PEOPLE.patti, verb, data, personal(PEOPLE.patti))).invokeCard);
      expect(answer).toMatch(/Not allowed/);
      expect(answer).not.toMatch(/Bob Kelly/);
    }
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const card = (await h.say(PEOPLE.alex, 'restore user bob')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'INC-7' }), personal(PEOPLE.alex));
    const requestId = JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/)![0];
    const refresh = textOf((await h.invoke(PEOPLE.patti, Verbs.refreshApproval, { requestId })).invokeCard);
    expect(refresh).toMatch(/Not allowed/);
    expect(refresh).not.toMatch(/Bob Kelly/);
  });
});

describe('when someone is in the readers group only', () => {
  it('then they may browse, but not request', async () => {
    const d = h.engine.simulator.directory;
    const readers = d.createGroup({ displayName: 'Rewind Readers', mailEnabled: false, mailNickname: 'rewind-readers', securityEnabled: true });
    d.addMember(readers.id, PEOPLE.patti.id);
    h.restart({ readersGroupId: readers.id });
    expect(textOf((await h.say(PEOPLE.patti, 'versions user bob')).cards[0])).toContain('Bob Kelly');
    expect(textOf((await h.say(PEOPLE.patti, 'backup status')).cards[0])).not.toMatch(/Not allowed/);
    expect(textOf((await h.say(PEOPLE.patti, 'restore user bob')).cards[0])).toMatch(/Not allowed/);
  });
});

describe('when an approval carries no plan hash, or another one', () => {
  it('then it is refused and nothing is recorded', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const card = (await h.say(PEOPLE.alex, 'restore user bob')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'INC-8' }), personal(PEOPLE.alex));
    const requestId = JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/)![0];
    const withoutHash = await h.invoke(PEOPLE.megan, Verbs.approve, { requestId, comment: '' });
    expect(textOf(withoutHash.invokeCard)).toMatch(/did not send the plan it shows/);
    const withNull = await h.invoke(PEOPLE.megan, Verbs.reject, { requestId, planHash: null, comment: '' });
    expect(textOf(withNull.invokeCard)).toMatch(/did not send the plan it shows/);
    const otherHash = await h.invoke(PEOPLE.megan, Verbs.approve, { requestId, planHash: 'a'.repeat(64), comment: '' });
    expect(textOf(otherHash.invokeCard)).toMatch(/Stale card/);
    const approval = await new RestoreRecords(h.store, h.engine.tenantId).readApproval(requestId);
    expect(approval?.document.decisions).toEqual([]);
  });
});
