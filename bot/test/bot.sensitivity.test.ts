/**
 * Sensitivity judged from the snapshot and from now, through the bot: a user who was plain at the backup but holds
 * Global Administrator today, disabled since, cannot be re-enabled on one lead's click: the approval card asks for two
 * approvals and says why, and after one approval nothing has run.
 */
import { ROLE_TEMPLATE } from '../../graph-simulator/src/seed/roles';
import { Verbs } from '../../cards/verbs';
import { SnapshotQueries } from '../../backup-engine/src';
import { BotHarness, PEOPLE, clickData, personal, startBotHarness, textOf } from './support/bot-harness';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('when a user became a Global Administrator after the backup and was then disabled', () => {
  it('then restoring them from the earlier backup needs two approvals, and one does not run it', async () => {
    const d = h.engine.simulator.directory;
    d.createRoleAssignment({ roleDefinitionId: ROLE_TEMPLATE.globalAdministrator, principalId: PEOPLE.patti.id, directoryScopeId: '/' });
    d.updateUser(PEOPLE.patti.id, { accountEnabled: false });

    const card = (await h.say(PEOPLE.alex, 'restore user patti')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'Patti cannot sign in (INC-11)' }), personal(PEOPLE.alex));
    const approvalCard = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as never;
    const text = textOf(approvalCard);
    expect(text).toMatch(/0 of 2 approvals/);
    expect(text).toContain('Patti Fernandez is a Global Administrator now (given after the backup)');
    expect(text).toContain('the plan re-enables Patti Fernandez, who is privileged');

    const first = await h.invoke(PEOPLE.megan, Verbs.approve, clickData(approvalCard, Verbs.approve, { comment: 'ok' }));
    expect(textOf(first.invokeCard)).toMatch(/another security lead must approve too/);
    await h.bot.whenIdle();
    expect(d.getUser(PEOPLE.patti.id)?.props.accountEnabled).toBe(false);
  });
});

describe('when a user in the recycle bin was plain at the chosen backup but a Global Administrator in a later one', () => {
  it('then restoring them from the earlier backup needs two approvals, and the card says why', async () => {
    const d = h.engine.simulator.directory;
    const [first] = await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots();
    d.createRoleAssignment({ roleDefinitionId: ROLE_TEMPLATE.globalAdministrator, principalId: PEOPLE.patti.id, directoryScopeId: '/' });
    await h.engine.backup();
    d.deleteUser(PEOPLE.patti.id);

    const card = (await h.say(PEOPLE.alex, 'restore user patti')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'INC-13', snapshotId: first.id }), personal(PEOPLE.alex));
    const text = textOf(requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as never);
    expect(text).toMatch(/0 of 2 approvals/);
    expect(text).toContain('Patti Fernandez was a Global Administrator in a later backup');
  });
});
