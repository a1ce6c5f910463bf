/**
 * The restore flow through Teams, end to end over a simulator tenant: a helpdesk user finds a deleted user, asks
 * for approval, security leads decide on the approval card, the restore runs in the background and the result is
 * posted; the tenant (the simulator's directory) is what the assertions read.
 */
import { DEMO_BOB_ID, DEMO_SECURITY_LEADS_GROUP_ID } from '../../graph-simulator/src';
import { RestoreRecords, SnapshotQueries } from '../../backup-engine/src';
import { Verbs } from '../../cards/verbs';
import type { AdaptiveCard } from '../../cards/render';
import { BotHarness, OPS_CHANNEL, PEOPLE, actionsOf, clickData, personal, startBotHarness, textOf } from './support/bot-harness';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
});

/** Alex asks for bob's restore; returns the approver's view (with Approve / Reject) as Megan sees it. */
async function requestBobRestore(requester = PEOPLE.alex) {
  const said = await h.say(requester, 'restore user bob');
  expect(said.cards).toHaveLength(1);
  expect(textOf(said.cards[0])).toContain('Bob Kelly');
  const requested = await h.invoke(requester, Verbs.requestApproval, clickData(said.cards[0], Verbs.requestApproval, { reason: 'Deleted by mistake (INC-42)' }), personal(requester));
  expect(requested.invokeStatus).toBe(200);
  expect(textOf(requested.invokeCard)).toContain('Waiting for approval');
  const requestId = String(requested.invokeCard && (JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/) ?? [''])[0]);
  return { said, requested, requestId };
}

describe('when someone is a security lead only through a group nested in Security Leads', () => {
  it('then they may approve (transitive membership counts), and lose that the moment the nesting is removed', async () => {
    const d = h.engine.simulator.directory;
    const deputies = d.createGroup({ displayName: 'Security Lead Deputies', mailEnabled: false, mailNickname: 'sec-deputies', securityEnabled: true });
    d.addMember(DEMO_SECURITY_LEADS_GROUP_ID, deputies.id);
    d.addMember(deputies.id, PEOPLE.patti.id);
    d.deleteUser(DEMO_BOB_ID);
    const { requested } = await requestBobRestore();
    const card = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as AdaptiveCard;
    const approve = clickData(card, Verbs.approve, { comment: 'deputy' });
    expect(textOf((await h.invoke(PEOPLE.patti, Verbs.approve, approve)).invokeCard)).toMatch(/another security lead must approve too/);
    d.removeMember(DEMO_SECURITY_LEADS_GROUP_ID, deputies.id);
    d.addMember(deputies.id, PEOPLE.isaiah.id);
    expect(textOf((await h.invoke(PEOPLE.isaiah, Verbs.approve, approve)).invokeCard)).toMatch(/Not allowed/);
  });
});

describe('when the bot cannot read the roster and has not seen every approver', () => {
  it('then the shared approval card carries the buttons for everyone (no refresh that would hide them), and decisions are still authorised server-side', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    await h.say(PEOPLE.megan, 'help'); // Megan is seen; Adele, Lynne and the head of Security never wrote to the bot
    const { requested } = await requestBobRestore();
    const shared = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!;
    const card = shared.attachments![0].content as AdaptiveCard;
    expect(card.refresh).toBeUndefined();
    expect(actionsOf(card).map((a) => a.verb)).toEqual(expect.arrayContaining([Verbs.approve, Verbs.reject]));
    const refused = await h.invoke(PEOPLE.patti, Verbs.approve, clickData(card, Verbs.approve, { comment: '' }));
    expect(textOf(refused.invokeCard)).toMatch(/Not allowed/);
  });
});

describe('when a helpdesk user restores a deleted user through the bot', () => {
  it('then leads approve on the card, the restore runs once, and bob is back with his memberships; the password goes only to the requester', async () => {
    const d = h.engine.simulator.directory;
    const groupsBefore = [...d.memberOf(DEMO_BOB_ID).groups].sort();
    // A security lead chooses the approvals channel; its roster has Megan, Adele and Alex (Lynne, also a lead, and
    // the head of Security are not members, so they cannot see the card there).
    expect((await h.say(PEOPLE.megan, 'set approvals channel', OPS_CHANNEL)).activities[0].text).toMatch(/posted here/);
    h.adapter.rosters.set(OPS_CHANNEL.id, [PEOPLE.megan, PEOPLE.adele, PEOPLE.alex].map((p) => ({ id: `29:${p.playgroundId}`, aadObjectId: p.id })));
    await h.say(PEOPLE.alex, 'help'); // Alex's personal chat is known
    d.deleteUser(DEMO_BOB_ID);
    d.purgeDeleted(DEMO_BOB_ID); // gone for good: bob is recreated and gets a new password

    const { requested, requestId } = await requestBobRestore();
    expect(requestId).toMatch(/^r-/);
    // The shared card went to the approvals channel, refreshing for the leads (not for the requester).
    const shared = requested.activities.find((a) => a.type === 'message' && a.conversation?.id === OPS_CHANNEL.id);
    expect(shared).toBeDefined();
    const sharedCard = shared!.attachments![0].content as { refresh?: { userIds?: string[]; action: { verb: string } } };
    expect(sharedCard.refresh?.action.verb).toBe(Verbs.refreshApproval);
    // The leads in the channel's roster, never the requester.
    expect(sharedCard.refresh?.userIds?.sort()).toEqual([`29:${PEOPLE.megan.playgroundId}`, `29:${PEOPLE.adele.playgroundId}`].sort());
    expect(actionsOf(sharedCard as never).map((a) => a.verb)).not.toContain(Verbs.approve);

    // Megan's client refreshes: she gets Approve / Reject.
    const view = await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId });
    expect(actionsOf(view.invokeCard!).map((a) => a.verb)).toEqual(expect.arrayContaining([Verbs.approve, Verbs.reject]));
    const approve = clickData(view.invokeCard!, Verbs.approve, { comment: 'ok' });
    // The requester's own refresh has no buttons.
    expect(actionsOf((await h.invoke(PEOPLE.alex, Verbs.refreshApproval, { requestId })).invokeCard!).map((a) => a.verb)).not.toContain(Verbs.approve);

    // The requester (not a lead) and Patti (neither group) are refused, with the card's own data.
    for (const who of [PEOPLE.alex, PEOPLE.patti]) {
      const refused = await h.invoke(who, Verbs.approve, approve);
      expect(refused.invokeStatus).toBe(200);
      expect(textOf(refused.invokeCard)).toMatch(/Not allowed/);
      expect(textOf(refused.invokeCard)).toMatch(/security leads group/);
    }
    // A forged plan hash is refused.
    const forged = await h.invoke(PEOPLE.megan, Verbs.approve, { ...approve, planHash: 'a'.repeat(64) });
    expect(textOf(forged.invokeCard)).toMatch(/Stale card/);

    // Privileged (bob holds Helpdesk Administrator): two distinct leads.
    const first = await h.invoke(PEOPLE.megan, Verbs.approve, approve);
    expect(textOf(first.invokeCard)).toMatch(/another security lead must approve too/);
    await h.bot.whenIdle(); // the shared card's edit to "1 of 2"
    // The edited card refreshes only for who may still decide: Adele, not Megan who decided.
    const afterFirst = h.adapter.edits[h.adapter.edits.length - 1].attachments![0].content as { refresh?: { userIds?: string[] } };
    expect(afterFirst.refresh?.userIds).toEqual([`29:${PEOPLE.adele.playgroundId}`]);
    const again = await h.invoke(PEOPLE.megan, Verbs.approve, approve);
    expect(textOf(again.invokeCard)).toMatch(/already decided/);
    expect(h.bot.pendingExecutions.size).toBe(0);

    const started = Date.now();
    const second = await h.invoke(PEOPLE.adele, Verbs.approve, approve);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(textOf(second.invokeCard)).toMatch(/Restore running/);
    expect(h.bot.pendingExecutions.size).toBe(1);
    // A replayed final approval executes nothing more.
    const replay = await h.invoke(PEOPLE.adele, Verbs.approve, approve);
    expect(textOf(replay.invokeCard)).toMatch(/Not allowed/);
    await h.bot.whenIdle();

    const results = h.drain();
    const toChannel = results.activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id);
    const toAlex = results.activities.filter((a) => a.conversation?.id === personal(PEOPLE.alex).id);
    expect(toChannel).toHaveLength(1);
    // Alex's personal chat: the credential the moment it was issued, then the result.
    expect(toAlex).toHaveLength(2);
    const channelCard = JSON.stringify(toChannel[0].attachments![0].content);
    const alexCard = JSON.stringify(toAlex[0].attachments![0].content);
    const alexResult = JSON.stringify(toAlex[1].attachments![0].content);
    expect(channelCard).toMatch(/Restore complete|complete/i);
    expect(channelCard).toMatch(/Temporary password, sent once to Alex Wilber's personal chat with Rewind/);
    expect(alexResult).toBe(channelCard);
    expect(alexCard).toMatch(/bob@contoso\.example/);

    // The shared approval card in the channel was edited to the final state: no buttons, no refresh.
    const posts = (await h.service.records.request(requestId))!.posts.filter((p) => p.activityId);
    expect(posts).toHaveLength(1);
    const sharedCards = h.adapter.activeQueue
      .filter((a) => a.id === posts[0].activityId)
      .map((a) => a.attachments?.[0]?.content as AdaptiveCard);
    expect(sharedCards).toHaveLength(1);
    const finalShared = sharedCards[sharedCards.length - 1];
    expect(textOf(finalShared)).toMatch(/complete|incomplete/i);
    expect(actionsOf(finalShared).map((a) => a.verb)).not.toContain(Verbs.approve);
    expect(finalShared.refresh).toBeUndefined();
    // An edit is a whole message activity (Teams and the Playground refuse an update without a type).
    expect(h.adapter.edits.every((a) => a.type === 'message')).toBe(true);
    // Everyone saw the request move: each edit of the shared card, in order.
    const headings = h.adapter.edits
      .filter((a) => a.id === posts[0].activityId)
      .map((a) => textOf(a.attachments![0].content as AdaptiveCard).match(/Waiting for approval|Approved|Restore running|Restore complete|Restore done, but incomplete|Restore failed/)?.[0]);
    expect(headings).toEqual(['Waiting for approval', 'Approved', 'Restore running', expect.stringMatching(/Restore complete|Restore done, but incomplete/)]);

    // bob is back, with his memberships.
    const bob = d.getUser('bob@contoso.example');
    expect(bob).toBeDefined();
    // Memberships Graph cannot write (distribution lists, mail-enabled or dynamic groups) are skipped by the plan.
    const plan = (await new RestoreRecords(h.store, h.engine.tenantId).readRequest(requestId))!.plan;
    const skipped = new Set(plan.skips.map((s) => s.relatedId));
    expect([...d.memberOf(bob!.id).groups].sort()).toEqual(groupsBefore.filter((g) => !skipped.has(g)));
    expect(d.memberOf(bob!.id).groups.length).toBeGreaterThan(3);
    // The credential is only in Alex's copy: it signs bob in (the simulator knows the password).
    const password = (alexCard.match(/"id":"credentialSecret".*?"text":"([^"]+)"/) ?? [])[1];
    expect(password?.length).toBeGreaterThanOrEqual(12);
    expect(alexCard).toMatch(/Must be changed at next sign-in/);
    expect(channelCard).not.toMatch(/credentialSecret/);
    expect(channelCard).not.toContain(password);
    // …and is stored nowhere (engine records, bot records, turn state).
    for (const tenant of [h.engine.tenantId, 'bot']) {
      for await (const document of h.store.queryTenant('catalog', tenant)) expect(JSON.stringify(document)).not.toContain(password);
    }
    // Executed once.
    const trail = await new RestoreRecords(h.store, h.engine.tenantId).auditTrail(requestId);
    expect(trail.filter((e) => e.event === 'executionStarted')).toHaveLength(1);
    expect(trail.filter((e) => e.event === 'approved')).toHaveLength(2);
  });

  it('then a restart between request and approval loses nothing, and a requester who is also a lead cannot approve their own request', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID); // in the recycle bin: restored with its id
    const { requestId } = await requestBobRestore(PEOPLE.lynne);
    h.restart();
    const view = await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId });
    const approve = clickData(view.invokeCard!, Verbs.approve);
    const own = await h.invoke(PEOPLE.lynne, Verbs.approve, approve);
    expect(textOf(own.invokeCard)).toMatch(/cannot approve their own/);
    await h.invoke(PEOPLE.megan, Verbs.approve, approve);
    const final = await h.invoke(PEOPLE.adele, Verbs.approve, approve);
    expect(textOf(final.invokeCard)).toMatch(/Restore running/);
    await h.bot.whenIdle();
    const result = h.drain();
    expect(result.cards.map((c) => JSON.stringify(c)).join('')).toMatch(/Restore complete|complete/i);
    expect(h.engine.simulator.directory.getUser(DEMO_BOB_ID)).toBeDefined();
  });

  it('then Teams refusing one result post (403) neither stops the restore nor the other posts', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    await h.say(PEOPLE.alex, 'help'); // Alex's personal chat is known: his copy is posted first
    const { requestId } = await requestBobRestore();
    const view = await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId });
    const approve = clickData(view.invokeCard!, Verbs.approve, { comment: 'ok' });
    await h.invoke(PEOPLE.megan, Verbs.approve, approve);
    await h.bot.whenIdle();
    h.drain();
    const forbidden = Object.assign(new Error('Forbidden: the bot is not in the conversation'), { statusCode: 403 });
    h.adapter.failProactiveSends.push(forbidden);
    await h.invoke(PEOPLE.adele, Verbs.approve, approve);
    await h.bot.whenIdle();

    expect(h.adapter.failProactiveSends).toHaveLength(0); // the 403 was used, and not retried
    expect(h.engine.simulator.directory.getLive(DEMO_BOB_ID)).toBeDefined();
    const results = h.drain().activities.filter((a) => JSON.stringify(a.attachments ?? []).includes('Restore result'));
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.every((a) => a.conversation?.id !== personal(PEOPLE.alex).id)).toBe(true);
  });

  it('then a named approver also gets the card in their personal chat, edited there as the request moves', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    await h.say(PEOPLE.megan, 'help', personal(PEOPLE.megan)); // Megan's personal chat with Rewind is known
    const said = await h.say(PEOPLE.alex, 'restore user bob');
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(said.cards[0], Verbs.requestApproval, { reason: 'INC-7', approver: PEOPLE.megan.id }), personal(PEOPLE.alex));
    const requestId = (JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/) ?? [''])[0];
    const inMegansChat = requested.activities.filter((a) => a.conversation?.id === personal(PEOPLE.megan).id);
    expect(inMegansChat).toHaveLength(1);
    expect(inMegansChat[0].text).toMatch(/asked to approve/);
    const posts = (await h.service.records.request(requestId))!.posts;
    expect(posts.map((p) => (p.reference.conversation as { id: string }).id)).toContain(personal(PEOPLE.megan).id);
    // Naming an approver routes the request; it does not restrict it: any security lead may decide, and Megan's
    // approval from her personal chat completes the two that a privileged target needs.
    const view = await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId }, personal(PEOPLE.megan));
    const approve = clickData(view.invokeCard!, Verbs.approve, { comment: 'ok' });
    expect(textOf((await h.invoke(PEOPLE.adele, Verbs.approve, approve)).invokeCard)).toMatch(/another security lead must approve too/);
    expect(textOf((await h.invoke(PEOPLE.megan, Verbs.approve, approve, personal(PEOPLE.megan))).invokeCard)).toMatch(/Restore running/);
    await h.bot.whenIdle();
    expect(h.adapter.edits.some((e) => e.id === posts.find((p) => (p.reference.conversation as { id: string }).id === personal(PEOPLE.megan).id)?.activityId)).toBe(true);
  });

  it('then a reject ends the request and nothing runs', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const { requestId } = await requestBobRestore();
    const view = await h.invoke(PEOPLE.adele, Verbs.refreshApproval, { requestId });
    const data = clickData(view.invokeCard!, Verbs.reject, { comment: 'Not without a ticket' });
    expect(textOf((await h.invoke(PEOPLE.adele, Verbs.reject, data)).invokeCard)).toMatch(/Rejected: nothing will be restored/);
    expect(textOf((await h.invoke(PEOPLE.megan, Verbs.approve, data)).invokeCard)).toMatch(/already rejected/);
    expect(h.bot.pendingExecutions.size).toBe(0);
    expect(h.engine.simulator.directory.getLive(DEMO_BOB_ID)).toBeUndefined();
  });

  it('then forged or malformed card data is refused and nothing is requested or executed', async () => {
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const said = await h.say(PEOPLE.alex, 'restore user bob');
    const good = clickData(said.cards[0], Verbs.requestApproval, { reason: 'r' });
    const forgeries: Record<string, unknown>[] = [
      { ...good, objectId: 'not-a-guid' },
      { ...good, objectId: '00000000-0000-4000-8000-000000000000' },
      { ...good, snapshotId: '20991231T000000000Z-ffffff' },
      { ...good, reason: 'x'.repeat(100_000) },
      { ...good, withMemberships: 'maybe' },
      { ...good, kind: 'role' },
      { ...good, approver: PEOPLE.patti.id },
      { ...good, reason: { nested: true } },
      { ...good, reason: '   ' },
    ];
    for (const data of forgeries) {
      const answer = await h.invoke(PEOPLE.alex, Verbs.requestApproval, data, personal(PEOPLE.alex));
      expect(answer.invokeStatus).toBe(200);
      expect(textOf(answer.invokeCard)).not.toContain('Waiting for approval');
      expect(answer.cards).toHaveLength(0);
    }
    // Patti may not request at all.
    expect(textOf((await h.invoke(PEOPLE.patti, Verbs.requestApproval, good)).invokeCard)).toMatch(/Not allowed/);
    // Decisions on request ids that are not ones, or do not exist.
    for (const requestId of ['../etc', 'r-20990101-000000-abcdef', 'x'.repeat(10_000)]) {
      const answer = await h.invoke(PEOPLE.megan, Verbs.approve, { requestId, planHash: 'a'.repeat(64) });
      expect(textOf(answer.invokeCard)).toMatch(/cannot be used|Unknown request/);
    }
    const trail = await new RestoreRecords(h.store, h.engine.tenantId).auditTrail();
    expect(trail).toHaveLength(0);
    expect(h.bot.pendingExecutions.size).toBe(0);
  });
});

describe('when a user Rewind recreated is looked at and restored again from the old backup', () => {
  it('then the card shows one Bob across the recreate, says so, and a second request plans nothing', async () => {
    const d = h.engine.simulator.directory;
    d.deleteUser(DEMO_BOB_ID);
    d.purgeDeleted(DEMO_BOB_ID);
    const { requested } = await requestBobRestore();
    const approval = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as AdaptiveCard;
    await h.invoke(PEOPLE.megan, Verbs.approve, clickData(approval, Verbs.approve, { comment: '' }));
    await h.invoke(PEOPLE.adele, Verbs.approve, clickData(approval, Verbs.approve, { comment: '' }));
    await h.bot.whenIdle();
    const newBob = d.getUser('bob@contoso.example')!;
    expect(newBob.id).not.toBe(DEMO_BOB_ID);
    await h.engine.backup();

    const said = await h.say(PEOPLE.alex, 'restore user bob');
    expect(said.cards).toHaveLength(1);
    const card = textOf(said.cards[0]);
    expect(card).toContain(newBob.id);
    expect(card).toMatch(/Recreated by Rewind on .* under a new id/);
    // The first backup's version (his old id) is offered on the card; requesting it again changes nothing.
    const firstSnapshot = (await new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots())[0].id;
    const again = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(said.cards[0], Verbs.requestApproval, { reason: 'again', snapshotId: firstSnapshot }), personal(PEOPLE.alex));
    expect(textOf(again.invokeCard)).toMatch(/Nothing to restore/);
  });
});

describe('when the requester has no personal chat with Rewind and a recreated user needs a credential', () => {
  it('then the credential is posted nowhere, and the result card says it was not delivered and what to run', async () => {
    const d = h.engine.simulator.directory;
    d.deleteUser(DEMO_BOB_ID);
    d.purgeDeleted(DEMO_BOB_ID);
    // Isaiah asks in the operations channel and has never written to Rewind 1:1.
    const said = await h.say(PEOPLE.isaiah, 'restore user bob', OPS_CHANNEL);
    const requested = await h.invoke(PEOPLE.isaiah, Verbs.requestApproval, clickData(said.cards[0], Verbs.requestApproval, { reason: 'INC-14' }), OPS_CHANNEL);
    const approval = requested.activities.find((a) => a.type === 'message' && a.attachments?.length)!.attachments![0].content as AdaptiveCard;
    await h.invoke(PEOPLE.megan, Verbs.approve, clickData(approval, Verbs.approve, { comment: '' }));
    await h.invoke(PEOPLE.adele, Verbs.approve, clickData(approval, Verbs.approve, { comment: '' }));
    await h.bot.whenIdle();
    const posted = h.drain().activities;
    expect(posted.some((a) => JSON.stringify(a.attachments ?? []).includes('credentialSecret'))).toBe(false);
    const result = posted.filter((a) => JSON.stringify(a.attachments ?? []).includes('Restore result'));
    expect(result).toHaveLength(1);
    const text = textOf(result[0].attachments![0].content as AdaptiveCard);
    expect(text).toContain('NOT DELIVERED');
    expect(text).toMatch(/has no personal chat with Rewind/);
    expect(text).toMatch(/rewind restore --plan r-\d{8}-\d{6}-[0-9a-f]{6} --break-glass/);
    const newBob = d.getUser('bob@contoso.example')!;
    const requestId = JSON.stringify(requested.invokeCard).match(/r-\d{8}-\d{6}-[0-9a-f]{6}/)![0];
    const finished = (await new RestoreRecords(h.store, h.engine.tenantId).auditTrail(requestId)).filter((e) => e.event === 'finished');
    expect(finished[0].detail.credentials).toEqual([expect.objectContaining({ userId: newBob.id, status: 'notDelivered' })]);
  });
});
