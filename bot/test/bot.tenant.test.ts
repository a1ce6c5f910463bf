/**
 * One deployment, one tenant: activities from another tenant, naming none, or naming two are refused with a
 * sentence (messages) or an error card (card actions) and an audit event, before anything is read — no Graph
 * request, no restore request, no channel setting.
 */
import type { Activity } from 'botbuilder';
import { DEMO_BOB_ID } from '../../graph-simulator/src';
import { RestoreRecords } from '../../backup-engine/src';
import { Verbs } from '../../cards/verbs';
import { BotHarness, OPS_CHANNEL, PEOPLE, clickData, personal, startBotHarness, textOf } from './support/bot-harness';
import { tenantRefusal } from '../src/policy/tenant-binding';

const OTHER_TENANT = '0badc0de-0000-4000-8000-000000000bad';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
});

const alexFrom = { id: `29:${PEOPLE.alex.playgroundId}`, name: PEOPLE.alex.name, aadObjectId: PEOPLE.alex.id };

function message(text: string, tenant: { channelData?: string; conversation?: string }): Partial<Activity> {
  return {
    type: 'message', text, from: alexFrom, recipient: { id: 'rewind-test-bot', name: 'Rewind' },
    conversation: { ...personal(PEOPLE.alex), ...(tenant.conversation ? { tenantId: tenant.conversation } : {}) } as Activity['conversation'],
    ...(tenant.channelData ? { channelData: { tenant: { id: tenant.channelData } } } : {}),
  };
}

async function refusals(): Promise<Record<string, unknown>[]> {
  const events = await new RestoreRecords(h.store, h.engine.tenantId).auditTrail();
  return events.filter((e) => e.event === 'activityRefused').map((e) => ({ ...e.detail, actor: e.actor ?? null }));
}

describe('when a message comes from another tenant', () => {
  it('then it is answered with a sentence, audited, and nothing is read from Graph or the store', async () => {
    const requestsBefore = h.engine.simulator.stats().requests;
    const reads = ['read', 'readMany', 'queryPartition', 'queryTenant'].map((method) => jest.spyOn(h.store, method as 'read'));
    const sent = await h.raw(message('restore user bob', { channelData: OTHER_TENANT, conversation: OTHER_TENANT }));
    // The only store call is the audit event (an insert); no turn state, no bot record, no snapshot was read.
    expect(reads.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 0]);
    reads.forEach((spy) => spy.mockRestore());
    expect(sent.cards).toHaveLength(0);
    expect(sent.activities.map((a) => a.text).join(' ')).toMatch(/protects another organisation/);
    expect(h.engine.simulator.stats().requests).toBe(requestsBefore);
    // The sender is what another tenant's activity claims: a claim in the detail, never the event's actor.
    expect(await refusals()).toEqual([expect.objectContaining({ reason: 'otherTenant', claimedTenants: [OTHER_TENANT], claimedSender: PEOPLE.alex.id, activity: 'message', actor: null })]);
  });
});

describe('when an activity names no tenant, or two', () => {
  it('then both are refused', async () => {
    const none = await h.raw(message('backup status', {}));
    expect(none.activities.map((a) => a.text).join(' ')).toMatch(/cannot tell which organisation/);
    const two = await h.raw(message('backup status', { channelData: h.engine.tenantId, conversation: OTHER_TENANT }));
    expect(two.activities.map((a) => a.text).join(' ')).toMatch(/two different organisations/);
    expect((await refusals()).map((r) => r.reason).sort()).toEqual(['conflictingTenants', 'noTenant']);
  });
});

describe('when a card action from another tenant carries valid card data', () => {
  it('then Request approval creates no request and Approve decides nothing', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const card = (await h.say(PEOPLE.alex, 'restore user bob')).cards[0];
    const data = clickData(card, Verbs.requestApproval, { reason: 'forged from elsewhere' });
    const foreign = (verb: string, payload: Record<string, unknown>): Partial<Activity> => ({
      type: 'invoke', name: 'adaptiveCard/action', from: alexFrom, recipient: { id: 'rewind-test-bot', name: 'Rewind' },
      conversation: { ...OPS_CHANNEL, tenantId: OTHER_TENANT } as Activity['conversation'], channelData: { tenant: { id: OTHER_TENANT } },
      value: { action: { type: 'Action.Execute', verb, data: payload }, trigger: 'manual' },
    });
    const refused = await h.raw(foreign(Verbs.requestApproval, data));
    expect(refused.invokeStatus).toBe(200);
    expect(textOf(refused.invokeCard)).toMatch(/Not this organisation/);
    const events = await new RestoreRecords(h.store, h.engine.tenantId).auditTrail();
    expect(events.filter((e) => e.event === 'planned')).toHaveLength(0);

    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, data, personal(PEOPLE.alex));
    const requestId = JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/)![0];
    const approval = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as never;
    const approve = await h.raw({ ...foreign(Verbs.approve, clickData(approval, Verbs.approve, { comment: '' })), from: { id: '29:megan', name: 'Megan Bowen', aadObjectId: PEOPLE.megan.id } });
    expect(textOf(approve.invokeCard)).toMatch(/Not this organisation/);
    const stored = await new RestoreRecords(h.store, h.engine.tenantId).readApproval(requestId);
    expect(stored?.document.decisions).toEqual([]);
  });
});

describe('when "set approvals channel" comes from another tenant', () => {
  it('then the channel is not set', async () => {
    const sent = await h.raw({
      type: 'message', text: 'set approvals channel', from: { id: '29:megan', name: 'Megan Bowen', aadObjectId: PEOPLE.megan.id },
      recipient: { id: 'rewind-test-bot', name: 'Rewind' }, serviceUrl: 'https://attacker.example/',
      conversation: { ...OPS_CHANNEL, tenantId: OTHER_TENANT } as Activity['conversation'], channelData: { tenant: { id: OTHER_TENANT } },
    });
    expect(sent.activities.map((a) => a.text).join(' ')).toMatch(/protects another organisation/);
    expect(await h.service.records.channel('approvals')).toBeUndefined();
  });
});

describe('when tenant ids differ only in case', () => {
  it('then the activity is the bot\'s tenant', () => {
    expect(tenantRefusal({ channelData: { tenant: { id: OTHER_TENANT.toUpperCase() } } }, OTHER_TENANT)).toBeUndefined();
  });
});

describe('when a stored conversation belongs to another tenant (saved before the bot checked tenants)', () => {
  it('then nothing is posted to it: the approval card goes where the request was made, and the bot logs why', async () => {
    const foreign = { conversation: { id: '19:elsewhere@thread.tacv2', conversationType: 'channel', tenantId: OTHER_TENANT }, serviceUrl: 'https://attacker.example/', channelId: 'msteams', bot: { id: 'rewind-test-bot' } };
    await h.service.records.setChannel('approvals', foreign as never, PEOPLE.megan.id);
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const card = (await h.say(PEOPLE.alex, 'restore user bob')).cards[0];
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(card, Verbs.requestApproval, { reason: 'INC-12' }), personal(PEOPLE.alex));
    expect(textOf(requested.invokeCard)).toMatch(/Sent for approval as/);
    expect(h.adapter.activeQueue.filter((a) => a.conversation?.id === foreign.conversation.id)).toEqual([]);
    expect(requested.activities.some((a) => a.conversation?.id === personal(PEOPLE.alex).id && JSON.stringify(a.attachments ?? []).includes('Restore approval'))).toBe(true);
    expect(h.logs.join('\n')).toMatch(/approvals channel on record belongs to another tenant/);
  });
});
