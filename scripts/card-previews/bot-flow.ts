/**
 * The cards the real bot sends in one scripted story over the demo tenant (Graph simulator + the real adapters +
 * botbuilder's TestAdapter, through bot/test/support/bot-harness.ts): Alex (helpdesk) restores Bob Kelly after he was
 * deleted and purged, Megan and Adele (security leads) approve on the card, the restore runs and the result is posted;
 * then the next daily backup reports a Global Administrator assignment and a mass deletion.
 *
 * The caller installs a fixed clock (deterministic.ts) before calling `captureBotCards` and passes it in: every step
 * sets the time it happens at, so the dates on the cards are the story's, not the machine's.
 */
import type { Activity } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import { Verbs } from '../../cards/verbs';
import { DEMO_BOB_ID, DEMO_DOMAIN, PLAYGROUND_PEOPLE, ROLE_TEMPLATE } from '../../graph-simulator/src';
import { BotHarness, OPS_CHANNEL, PEOPLE, Sent, clickData, personal, startBotHarness } from '../../bot/test/support/bot-harness';
import type { FixedClock } from './deterministic';

/** When the harness's first backup runs: set the clock to this before `captureBotCards`. */
export const STORY_START = '2026-11-20T02:00:00Z';

export type BotCardName =
  | 'help' | 'error' | 'chooser' | 'object' | 'approval-approver' | 'approval-final' | 'credential' | 'result' | 'daily-summary' | 'role-diff' | 'alert';

export type BotCards = Record<BotCardName, AdaptiveCard>;

const RESTORE_ID = /r-\d{8}-\d{6}-[0-9a-f]{6}/;

/** The one card of a turn's reply (or of its invoke response), failing with what the bot sent instead. */
function onlyCard(sent: Sent, what: string): AdaptiveCard {
  const card = sent.invokeCard ?? (sent.cards.length === 1 ? sent.cards[0] : undefined);
  if (!card || card.type !== 'AdaptiveCard') {
    throw new Error(`${what}: expected one card, the bot sent ${sent.cards.length} card(s) and ${sent.activities.map((a) => a.text ?? a.type).join(' | ') || 'nothing'}`);
  }
  return card;
}

/** The one card in the conversation that says `text` (a conversation can hold several cards, e.g. credential and result). */
function cardIn(activities: Partial<Activity>[], conversationId: string, text: string, what: string): AdaptiveCard {
  const found = activities.filter((a) => a.type === 'message' && a.conversation?.id === conversationId && a.attachments?.length && JSON.stringify(a.attachments[0].content).includes(text));
  if (found.length !== 1) throw new Error(`${what}: expected one card saying "${text}" in conversation ${conversationId}, found ${found.length}`);
  return found[0].attachments![0].content as AdaptiveCard;
}

function mustContain(card: AdaptiveCard, text: string, what: string): AdaptiveCard {
  if (!JSON.stringify(card).includes(text)) throw new Error(`${what}: the card does not say "${text}"`);
  return card;
}

export async function captureBotCards(clock: FixedClock): Promise<BotCards> {
  const h = await startBotHarness();
  try {
    return await story(h, clock);
  } finally {
    await h.close();
  }
}

async function story(h: BotHarness, clock: FixedClock): Promise<BotCards> {
  const d = h.engine.simulator.directory;
  const { alex, megan, adele, patti } = PEOPLE;

  // A second daily backup, then Bob is deleted and purged from the recycle bin: he has to be recreated, so the
  // restore issues a new password (the credential card in the requester's personal chat).
  clock.set('2026-11-21T02:00:00Z');
  await h.engine.backup();
  clock.set('2026-11-21T16:02:00Z');
  d.deleteUser(DEMO_BOB_ID);
  d.purgeDeleted(DEMO_BOB_ID);
  clock.set('2026-11-22T02:00:00Z');
  await h.engine.backup();

  // The leads choose the approvals channel and write to the bot there, so it knows their Teams ids.
  clock.set('2026-11-22T08:40:00Z');
  await h.say(megan, 'set approvals channel', OPS_CHANNEL);
  await h.say(adele, 'help', OPS_CHANNEL);

  clock.set('2026-11-22T09:12:00Z');
  const help = mustContain(onlyCard(await h.say(alex, 'restor user bob'), 'help'), 'Did you mean', 'help');
  const error = mustContain(onlyCard(await h.say(alex, 'restore user bbo'), 'error'), 'No user found', 'error');
  const chooser = onlyCard(await h.say(alex, 'restore user carlos'), 'chooser');

  clock.set('2026-11-22T09:14:00Z');
  const object = mustContain(onlyCard(await h.say(alex, 'restore user bob'), 'restore user bob'), 'Bob Kelly', 'object');

  clock.set('2026-11-22T09:15:00Z');
  const requested = await h.invoke(alex, Verbs.requestApproval, clickData(object, Verbs.requestApproval, {
    reason: 'Deleted by mistake in the leavers clean-up; his manager confirmed he still works here.',
    ticket: 'INC-4711',
  }), personal(alex));
  const requestId = (JSON.stringify(onlyCard(requested, 'request approval')).match(RESTORE_ID) ?? [])[0];
  if (!requestId) throw new Error('request approval: the answer names no request id');

  clock.set('2026-11-22T09:21:00Z');
  const approverView = onlyCard(await h.invoke(megan, Verbs.refreshApproval, { requestId }), 'refresh as Megan');
  const approve = clickData(approverView, Verbs.approve);
  await h.invoke(megan, Verbs.approve, { ...approve, comment: 'Checked with his manager.' });

  clock.set('2026-11-22T09:31:00Z');
  const final = await h.invoke(adele, Verbs.approve, { ...clickData(onlyCard(await h.invoke(adele, Verbs.refreshApproval, { requestId }), 'refresh as Adele'), Verbs.approve), comment: 'Helpdesk Administrator is expected for his job.' });
  mustContain(onlyCard(final, 'second approval'), 'Restore running', 'second approval');
  await h.bot.whenIdle();
  const results = h.drain().activities;
  const credential = cardIn(results, personal(alex).id, 'credentialSecret', 'credential to the requester');
  const result = mustContain(cardIn(results, personal(alex).id, 'Restore result', 'result to the requester'), 'Sign-in for created users', 'result to the requester');

  // The shared approval card in the approvals channel, as the bot last edited it (after the run).
  const posts = ((await h.service.records.request(requestId))?.posts ?? []).filter((p) => p.activityId);
  if (posts.length !== 1 || (posts[0].reference.conversation as { id?: unknown } | undefined)?.id !== OPS_CHANNEL.id) throw new Error(`final approval card: expected one post in the approvals channel, found ${posts.length}`);
  const lastEdit = h.adapter.edits.filter((a) => a.id === posts[0].activityId).at(-1);
  if (!lastEdit?.attachments?.length) throw new Error('final approval card: the bot never edited the posted approval card');
  const approvalFinal = mustContain(lastEdit.attachments[0].content as AdaptiveCard, 'Approved by', 'final approval card');
  if (JSON.stringify(approvalFinal).includes(Verbs.approve)) throw new Error('final approval card: it still has an Approve button');

  // Before the next daily backup: a Global Administrator assignment and several users deleted at once.
  clock.set('2026-11-22T17:45:00Z');
  await h.say(megan, 'set summary channel', OPS_CHANNEL);
  d.createRoleAssignment({ roleDefinitionId: ROLE_TEMPLATE.globalAdministrator, principalId: patti.id, directoryScopeId: '/' });
  clock.set('2026-11-22T18:10:00Z');
  const spared = new Set<string>([...PLAYGROUND_PEOPLE.map((p) => p.id), DEMO_BOB_ID]);
  const victims = [...d.users()]
    .filter((u) => !spared.has(u.id) && u.props.onPremisesSyncEnabled !== true && u.props.userType !== 'Guest' && String(u.props.userPrincipalName).endsWith(`@${DEMO_DOMAIN}`))
    .slice(0, 6);
  for (const victim of victims) d.deleteUser(victim.id);

  clock.set('2026-11-23T02:00:00Z');
  h.drain();
  await h.bot.runScheduledBackup();
  const posted = h.drain().activities.filter((a) => a.conversation?.id === OPS_CHANNEL.id).map((a) => a.attachments?.[0]?.content as AdaptiveCard);
  const byText = (texts: string[], what: string) => {
    const found = posted.filter((card) => texts.every((text) => JSON.stringify(card).includes(text)));
    if (found.length !== 1) throw new Error(`${what}: expected one posted card saying ${texts.map((t) => `"${t}"`).join(' and ')}, found ${found.length} of ${posted.length}`);
    return found[0];
  };

  return {
    help,
    error,
    chooser,
    object,
    'approval-approver': approverView,
    'approval-final': approvalFinal,
    credential,
    result,
    'daily-summary': byText(['Daily backup summary'], 'daily summary'),
    'role-diff': byText(['Role membership changed', 'Global Administrator'], 'role diff'),
    alert: byText(['were deleted between two backups'], 'alert'),
  };
}
