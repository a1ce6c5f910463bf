/**
 * The Teams side of Rewind: a teams-ai v1 `Application` whose handlers are thin — parse (commands/grammar.ts) →
 * authorise from LIVE group membership (rewind-service.ts reads it from the directory) → call the service →
 * `renderCard`. Nothing here trusts card data beyond passing it to the service, which validates it.
 *
 * Routes:
 * - every message: the grammar decides; an unknown command answers the help card with the closest command.
 * - `actionExecute` for every verb in `Verbs`, then a catch-all for any other Action.Execute, then a catch-all for
 *   any other invoke: every invoke is answered (CloudAdapter would answer 501 otherwise).
 *
 * Approvals (Universal Actions):
 * - "Request approval" answers the requester with a read-only approval card and posts the shared card to the
 *   approvals channel (`set approvals channel`), or to the current conversation when none is set, and, when one
 *   security lead was named, to that lead's personal chat with Rewind too. The shared card's
 *   `refresh.userIds` are the Teams ids (MRIs) of the eligible approvers the bot has seen (the named approver only,
 *   when one was chosen). When the bot knows no approver's MRI it posts the approver view instead (buttons for
 *   everyone in the conversation); that is safe because every Approve / Reject is authorised server-side from live
 *   membership, never from the card.
 * - Approve / Reject answer at once with a read-only card (no `refresh`, so no edit of the shared message). On the
 *   final approval the answer says "running" and execution starts in the background (`pendingExecutions`); the
 *   shared cards are edited as the request moves: pending (with each decision) → approved → running (once the
 *   approval is consumed, before the first write) → complete / incomplete / failed. The result card is then posted
 *   proactively to the conversations where the approval card was posted.
 * - The credential of a recreated user is sent, the moment it is issued, only to the requester's personal chat with
 *   the bot (a `credential` card; known once the requester has written to the bot 1:1, which is where `restore …` is
 *   normally typed). The engine journals it delivered only after that post succeeded. If the chat is not known or
 *   the post fails, the credential is discarded (never posted to a shared conversation) and the result card lists
 *   it as not delivered, with what to run to issue a new Temporary Access Pass.
 * - Every activity first passes the tenant check (`run`): another tenant's, or one naming none, is refused unread.
 */
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { Activity, ActivityTypes, CardFactory, ConversationReference, Storage, TeamsInfo, TurnContext } from 'botbuilder';
import { AdaptiveCard, CardName, ViewModelOf, renderCard } from '../../cards/render';
import { ANY_SECURITY_LEAD, Verbs } from '../../cards/verbs';
import { ApprovalCardModel, ErrorCardModel } from '../../cards/view-models';
import { ObjectKind, ParsedCommand, isCommandError, parseCommand } from './commands/grammar';
import { GUID, Person, RESTORE_ID, RewindService, ServiceRefusal, isServiceRefusal } from './rewind-service';
import { DeliverSecret, isLeaseHeldError } from '../../backup-engine/src';
import { SendPacer } from './delivery/send-pacer';
import { StoredReference } from './state/bot-records';
import { TenantRefusal, tenantRefusal, tenantRefusalSentence } from './policy/tenant-binding';

export interface BotAppSettings {
  helpdeskGroupId: string;
  securityLeadsGroupId: string;
  /** Default true. False: shared approval cards carry the buttons for everyone, for clients that never refresh. */
  approvalCardRefresh?: boolean;
}

export interface CreateBotAppOptions {
  /** A TeamsAdapter (or, in tests, a TestAdapter that implements `continueConversationAsync`). */
  adapter: TeamsAdapter;
  storage: Storage;
  service: RewindService;
  config: BotAppSettings;
  botAppId: string;
  /** Default true; tests pass false (the timer uses setTimeout). */
  startTypingTimer?: boolean;
  /**
   * Where background failures are reported (never with secrets); the error, when there is one, is passed too so a
   * structured logger can add its Graph request ids. Default: console.error.
   */
  log?: (message: string, error?: unknown) => void;
  /** Paces proactive sends and card edits to Teams' rate limits and retries 429s. Default: Teams' limits. */
  sendPacer?: SendPacer;
}

export interface RewindBot {
  app: Application<TurnState>;
  /**
   * Handles one incoming turn: an activity from another tenant (or naming none) is refused and audited before
   * anything is read; every other one goes to the teams-ai application. The HTTP host and the tests call this.
   */
  run(context: TurnContext): Promise<void>;
  /** Executions (and backups) started by a turn and still running. */
  pendingExecutions: Set<Promise<void>>;
  /** Resolves once nothing started by a turn is running any more. */
  whenIdle(): Promise<void>;
  /** The daily backup with its summary and pushed privileged role diffs (the scheduler in server.ts calls it). */
  runScheduledBackup(): Promise<void>;
}

type Ctx = TurnContext;

/** Refused foreign-tenant activities audited per hour and process; beyond that they are only logged (a flood must not fill the store). */
const MAX_REFUSAL_AUDITS_PER_HOUR = 60;

/** Teams honours at most 60 ids in an Adaptive Card's `refresh.userIds`. */
const MAX_REFRESH_USER_IDS = 60;
/** Roster paging (Teams allows up to 500 per page); a roster is read up to this many members. */
const ROSTER_PAGE_SIZE = 500;
const MAX_ROSTER = 10_000;

function cardActivity(card: AdaptiveCard, text?: string): Partial<Activity> {
  return { ...(text ? { text } : {}), attachments: [CardFactory.adaptiveCard(card)] };
}

function referenceOf(context: Ctx): StoredReference {
  return TurnContext.getConversationReference(context.activity) as unknown as StoredReference;
}

function asReference(stored: StoredReference): Partial<ConversationReference> {
  return stored as unknown as Partial<ConversationReference>;
}

function conversationIdOf(stored: StoredReference | undefined): string | undefined {
  const conversation = stored?.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === 'string' ? conversation.id : undefined;
}

/** The Teams user of this turn: the Entra object id must be a GUID; the display name is for records only. */
function actorOf(context: Ctx): Person {
  const from = context.activity.from;
  const objectId = from?.aadObjectId;
  if (!objectId || !GUID.test(objectId)) {
    throw new ServiceRefusal('Who are you?', 'I cannot tell who sent this (no Microsoft Entra object id), so I cannot check what you may do.', 'Use Rewind from Microsoft Teams with your work account.');
  }
  const name = typeof from.name === 'string' && from.name.trim() ? from.name.trim().slice(0, 256) : undefined;
  return { objectId: objectId.toLowerCase(), ...(name ? { displayName: name } : {}) };
}

function render<K extends CardName>(name: K, model: ViewModelOf<K>): AdaptiveCard {
  return renderCard(name, model);
}

export function createBotApp(options: CreateBotAppOptions): RewindBot {
  const { service } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  const app = new Application<TurnState>({
    adapter: options.adapter,
    botAppId: options.botAppId,
    storage: options.storage,
    removeRecipientMention: true,
    startTypingTimer: options.startTypingTimer ?? true,
  });
  const pendingExecutions = new Set<Promise<void>>();
  /** Edits of posted cards in flight (kept apart from executions: an edit is not a restore running). */
  const pendingUpdates = new Set<Promise<void>>();
  const trackIn = (set: Set<Promise<void>>) => (work: () => Promise<void>): void => {
    const promise: Promise<void> = work()
      .catch((error: unknown) => log(`rewind bot: background work failed: ${error instanceof Error ? error.message : String(error)}`, error))
      .finally(() => set.delete(promise));
    set.add(promise);
  };
  const track = trackIn(pendingExecutions);
  const trackUpdate = trackIn(pendingUpdates);

  const errorCard = (error: unknown): AdaptiveCard => {
    if (!isServiceRefusal(error)) log(`rewind bot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, error);
    const model: ErrorCardModel = service.errorModel(error);
    return render('error', model);
  };

  const send = async (context: Ctx, card: AdaptiveCard, text?: string): Promise<string | undefined> => (await context.sendActivity(cardActivity(card, text)))?.id;

  /**
   * Runs `work` in a proactive turn of the conversation and returns its result or throws its error. (The adapter's
   * `onTurnError` would otherwise swallow the error of a proactive turn, so a throttled send could not be retried.)
   */
  const inConversation = async <T>(reference: StoredReference, work: (context: Ctx) => Promise<T>): Promise<T> => {
    let outcome: { value: T } | { error: unknown } | undefined;
    await options.adapter.continueConversationAsync(options.botAppId ?? '', asReference(reference), async (context) => {
      try {
        outcome = { value: await work(context) };
      } catch (error) {
        outcome = { error };
      }
    });
    if (!outcome) throw new Error('the conversation could not be continued');
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };

  const pacer = options.sendPacer ?? new SendPacer();
  /** Whether a stored conversation names another tenant (one saved before the bot checked tenants). */
  const isForeign = (reference: StoredReference): boolean => {
    const tenantOfReference = (reference.conversation as { tenantId?: unknown } | undefined)?.tenantId;
    return typeof tenantOfReference === 'string' && tenantOfReference.toLowerCase() !== service.tenantId.toLowerCase();
  };

  /** The approvals or summary channel, unless it belongs to another tenant (then none, and the bot says why in its log). */
  const ownChannel = async (purpose: 'approvals' | 'summary'): Promise<StoredReference | undefined> => {
    const channel = await service.records.channel(purpose);
    if (channel && isForeign(channel)) {
      log(`rewind bot: the ${purpose} channel on record belongs to another tenant and is ignored; a security lead should say "set ${purpose} channel" again`);
      return undefined;
    }
    return channel;
  };

  /**
   * A proactive message, paced per conversation and retried on 429; resolves with the sent activity's id. A stored
   * conversation of another tenant is never posted to.
   */
  const proactive = async (reference: StoredReference, card: AdaptiveCard, text?: string): Promise<string | undefined> => {
    if (isForeign(reference)) throw new Error(`refusing to post to conversation ${conversationIdOf(reference) ?? '?'}: it belongs to another tenant`);
    return pacer.run(conversationIdOf(reference) ?? '', async () => (await inConversation(reference, (context) => context.sendActivity(cardActivity(card, text))))?.id);
  };

  // Remember who we have seen: their MRI (for `refresh.userIds`) and their personal chat (for credentials).
  app.turn('beforeTurn', async (context) => {
    try {
      const from = context.activity.from;
      if (from?.aadObjectId && GUID.test(from.aadObjectId) && typeof from.id === 'string' && from.id.length <= 256) {
        const personal = context.activity.conversation?.conversationType === 'personal' ? referenceOf(context) : undefined;
        await service.records.sawUser(from.aadObjectId, from.id, personal);
      }
    } catch (error) {
      log(`rewind bot: could not record the user: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    return true;
  });

  // ------------------------------------------------------------------------------------------------------------
  // Messages

  app.activity(ActivityTypes.Message, async (context) => {
    const text = typeof context.activity.text === 'string' ? context.activity.text : '';
    try {
      const parsed = parseCommand(text);
      if (isCommandError(parsed)) {
        await send(context, render('help', service.helpModel(parsed, parsed.error === 'tooLong' ? '' : text)));
        return;
      }
      await runCommand(context, parsed);
    } catch (error) {
      await send(context, errorCard(error));
    }
  });

  const requireHelpdesk = async (actor: Person, what: string): Promise<void> => {
    if (!(await service.membership(actor.objectId)).helpdesk) throw new ServiceRefusal('Not allowed', `Only members of the helpdesk group can ${what}.`);
  };
  const requireLead = async (actor: Person, what: string): Promise<void> => {
    if (!(await service.membership(actor.objectId)).securityLead) throw new ServiceRefusal('Not allowed', `Only members of the security leads group can ${what}.`);
  };

  const objectOrChooser = async (context: Ctx, actor: Person, kind: ObjectKind, name: string, purpose: 'restore' | 'versions' | 'memberships' | 'diffUser', at?: string): Promise<void> => {
    // A restore needs a helpdesk requester, browsing a reader: that live check comes before any backed-up data is read.
    if (purpose === 'restore') await requireHelpdesk(actor, 'restore users and groups');
    else await service.requireBrowser(actor);
    const found = await service.findForRestore(kind, name, purpose, at ?? '');
    if (found.kind === 'none') {
      const close = found.closeNames.length ? `Close names: ${found.closeNames.join(', ')}.` : '';
      throw new ServiceRefusal(`No ${kind} found`, `No ${kind} in the backups matches that name. ${close}`.trim(), `Check the spelling, or type deleted to see what was deleted.`);
    }
    if (found.kind === 'many') {
      await send(context, render('chooser', found.model));
      return;
    }
    await send(context, render('object', await service.objectCardModel(kind, found.objectId, { requester: actor, ...(purpose === 'restore' ? { requesterIsHelpdesk: true } : {}), ...(at ? { at } : {}) })));
  };

  const runCommand = async (context: Ctx, command: ParsedCommand): Promise<void> => {
    switch (command.verb) {
      case 'help':
        await send(context, render('help', service.helpModel()));
        return;
      case 'restoreUser':
      case 'restoreGroup': {
        await objectOrChooser(context, actorOf(context), command.verb === 'restoreUser' ? 'user' : 'group', command.name, 'restore');
        return;
      }
      case 'versions':
        await objectOrChooser(context, actorOf(context), command.kind, command.name, 'versions');
        return;
      case 'memberships':
        await objectOrChooser(context, actorOf(context), 'user', command.name, 'memberships', command.at?.at);
        return;
      case 'diffUser':
        await objectOrChooser(context, actorOf(context), 'user', command.name, 'diffUser');
        return;
      case 'diffRole':
        await service.requireBrowser(actorOf(context));
        await send(context, render('roleDiff', await service.roleDiffModel(command.name, command.since)));
        return;
      case 'deleted':
        await service.requireBrowser(actorOf(context));
        await send(context, render('chooser', await service.deletedModel(command.since)));
        return;
      case 'backupStatus':
        await service.requireBrowser(actorOf(context));
        await send(context, render('dailySummary', await service.backupStatusModel()));
        return;
      case 'backupNow': {
        const actor = actorOf(context);
        await requireHelpdesk(actor, 'start a backup');
        const reference = referenceOf(context);
        await context.sendActivity('Backup started. I will post the summary here when it is done.');
        track(async () => {
          try {
            await proactive(reference, render('dailySummary', await service.backupNow(actor)));
          } catch (error) {
            await proactive(reference, errorCard(error));
          }
        });
        return;
      }
      case 'undo': {
        const actor = actorOf(context);
        await requireHelpdesk(actor, 'plan an undo');
        const requested = await service.requestUndo(actor, command.restoreId, referenceOf(context));
        await postApproval(context, requested.requestId, requested.selectedApproverId, actor);
        return;
      }
      case 'setApprovalsChannel':
      case 'setSummaryChannel': {
        const actor = actorOf(context);
        await requireLead(actor, 'choose where approvals and summaries are posted');
        const purpose = command.verb === 'setApprovalsChannel' ? 'approvals' : 'summary';
        await service.records.setChannel(purpose, referenceOf(context), actor.objectId);
        await context.sendActivity(purpose === 'approvals' ? 'Approval requests will be posted here.' : 'The daily backup summary will be posted here.');
        return;
      }
    }
  };

  // ------------------------------------------------------------------------------------------------------------
  // Approval cards

  /**
   * Teams ids (MRIs) of a conversation's members by Entra object id, from the Teams roster (a channel: its team's
   * roster). Undefined when the channel cannot list members (then the bot falls back to the users it has seen).
   */
  const rosterOf = async (reference: StoredReference): Promise<Map<string, string> | undefined> => {
    try {
      return await inConversation(reference, async (context) => {
        const members = new Map<string, string>();
        let continuationToken: string | undefined;
        do {
          const page = await TeamsInfo.getPagedMembers(context, ROSTER_PAGE_SIZE, continuationToken);
          for (const member of page.members ?? []) if (member.aadObjectId && member.id) members.set(member.aadObjectId.toLowerCase(), member.id);
          continuationToken = page.continuationToken || undefined;
        } while (continuationToken && members.size < MAX_ROSTER);
        return members;
      });
    } catch {
      return undefined;
    }
  };

  /**
   * Who may still decide (the named approver only, when one was named; never the requester nor a lead who already
   * decided) and their Teams ids (MRIs) in the conversation `where` the card is posted: from its roster, or else
   * from the users the bot has seen. `refreshable` is true when every such approver who can see the card has a
   * known MRI; an approver missing from `refresh.userIds` would see a card without buttons.
   */
  const pendingApprovers = async (requestId: string, requesterId: string, selectedApproverId: string, where: StoredReference): Promise<{ mris: string[]; names: string[]; refreshable: boolean }> => {
    const decided = new Set(await service.decidedBy(requestId));
    const leads = (await service.securityLeads()).filter((l) => l.objectId !== requesterId.toLowerCase() && !decided.has(l.objectId));
    const chosen = selectedApproverId !== ANY_SECURITY_LEAD ? leads.filter((l) => l.objectId === selectedApproverId) : leads;
    const names = selectedApproverId !== ANY_SECURITY_LEAD ? chosen.map((l) => l.displayName) : [];
    const roster = await rosterOf(where);
    if (roster) {
      const mris = chosen.flatMap((l) => roster.get(l.objectId) ?? []);
      // Teams refreshes for at most 60 ids: with more approvers here, those left out would see no buttons.
      return { mris, names, refreshable: mris.length > 0 && mris.length <= MAX_REFRESH_USER_IDS };
    }
    const mris: string[] = [];
    for (const lead of chosen.slice(0, MAX_REFRESH_USER_IDS)) {
      const mri = (await service.records.user(lead.objectId))?.mri;
      if (mri) mris.push(mri);
    }
    return { mris, names, refreshable: mris.length > 0 && mris.length === chosen.length };
  };

  /**
   * The shared approval card for the conversation `where` it is posted: with `refresh` for the pending approvers
   * (unless `approvalCardRefresh` is off) when all of them who can see it are known (each then sees their own buttons; everyone else sees the card
   * without buttons), otherwise the approver view with the buttons for everyone. Either way every Approve / Reject
   * is authorised server-side.
   */
  const sharedApprovalCard = async (requestId: string, requesterId: string, selectedApproverId: string, where: StoredReference): Promise<{ card: AdaptiveCard; names: string[] }> => {
    const { mris, names, refreshable } = await pendingApprovers(requestId, requesterId, selectedApproverId, where);
    const refresh = refreshable && options.config.approvalCardRefresh !== false;
    const model: ApprovalCardModel = await service.approvalCardModel(requestId, refresh ? { kind: 'shared', refreshUserIds: mris } : { kind: 'approver' });
    return { card: render('approval', model), names };
  };

  /** Posts the shared approval card to the approvals channel, or here when none is set. */
  const postApproval = async (context: Ctx, requestId: string, selectedApproverId: string, requester: Person): Promise<void> => {
    const channel = await ownChannel('approvals');
    const where = channel && conversationIdOf(channel) !== context.activity.conversation?.id ? channel : referenceOf(context);
    const { card, names } = await sharedApprovalCard(requestId, requester.objectId, selectedApproverId, where);
    const note = names.length ? `Approval requested from ${names.join(', ')}.` : undefined;
    if (where === channel) {
      const postedId = await proactive(channel, card, note);
      await service.records.addPost(requestId, { reference: channel, ...(postedId ? { activityId: postedId } : {}) });
    } else {
      const activityId = await send(context, card, note);
      await service.records.addPost(requestId, { reference: where, ...(activityId ? { activityId } : {}) });
    }
    await postToNamedApprover(requestId, requester.objectId, selectedApproverId, where);
  };

  /**
   * A named approver also gets the card in their personal chat with Rewind (known once they have written to it), where
   * it is edited with the rest. Without that chat, or when Teams refuses, the shared post is the only one (logged).
   */
  const postToNamedApprover = async (requestId: string, requesterId: string, approverId: string, postedIn: StoredReference): Promise<void> => {
    if (approverId === ANY_SECURITY_LEAD) return;
    const personal = (await service.records.user(approverId))?.personalReference;
    if (!personal) {
      log(`rewind bot: ${requestId}: the named approver has no personal chat with Rewind yet, so the card is only in the conversation it was posted to`);
      return;
    }
    if (conversationIdOf(personal) === conversationIdOf(postedIn)) return;
    try {
      const { card } = await sharedApprovalCard(requestId, requesterId, approverId, personal);
      const postedId = await proactive(personal, card, 'You were asked to approve this restore.');
      await service.records.addPost(requestId, { reference: personal, ...(postedId ? { activityId: postedId } : {}) });
    } catch (error) {
      log(`rewind bot: ${requestId}: could not post the card to the named approver's personal chat: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  };

  const readOnlyApproval = async (requestId: string, note: string): Promise<AdaptiveCard> =>
    render('approval', await service.approvalCardModel(requestId, { kind: 'readOnly', note }));

  const updateChains = new Map<string, Promise<void>>();
  /**
   * Edits every posted shared approval card to the request's current state (pending with who decided, approved,
   * rejected, running, complete / incomplete / failed), so everyone sees where it is. While pending, the card keeps
   * `refresh` for the approvers who can still decide; afterwards it has none, and no buttons.
   */
  const updateSharedCards = (requestId: string): Promise<void> => {
    // Edits of one request's cards run one after another, each rendering the state current when it runs, so a slow
    // earlier edit can never overwrite a later state.
    const previous = updateChains.get(requestId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => editSharedCards(requestId));
    updateChains.set(requestId, next);
    void next.catch(() => undefined).finally(() => { if (updateChains.get(requestId) === next) updateChains.delete(requestId); });
    return next;
  };

  const editSharedCards = async (requestId: string): Promise<void> => {
    const record = await service.records.request(requestId);
    const posts = (record?.posts ?? []).filter((p) => p.activityId);
    if (!record || !posts.length) return;
    const pending = (await service.approvalState(requestId)) === 'pending';
    const final = pending ? undefined : render('approval', await service.approvalCardModel(requestId, { kind: 'shared', refreshUserIds: [] }));
    for (const post of posts) {
      const card = final ?? (await sharedApprovalCard(requestId, record.requesterObjectId, record.selectedApproverId, post.reference)).card;
      await pacer.run(conversationIdOf(post.reference) ?? '', () => inConversation(post.reference, async (context) => {
        await context.updateActivity({ type: ActivityTypes.Message, ...cardActivity(card), id: post.activityId });
      }));
    }
  };

  /**
   * The daily backup: runs it and posts the summary, then a role-member diff card per privileged role whose members
   * changed, to the summary channel (`set summary channel`). Without a summary channel nothing is posted (and it says so).
   */
  const runScheduledBackup = async (): Promise<void> => {
    const startedAt = new Date();
    const channel = await ownChannel('summary');
    let outcome: Awaited<ReturnType<RewindService['scheduledBackup']>>;
    try {
      outcome = await service.scheduledBackup();
    } catch (error) {
      // Another instance (or a CLI backup) holding the lease is not a failure: that run posts nothing here, ours skips.
      if (isLeaseHeldError(error)) {
        log(`rewind bot: daily backup skipped: ${error.message}`);
        return;
      }
      if (channel) {
        await service.failedBackupModel(error, startedAt)
          .then((model) => proactive(channel, render('dailySummary', model)))
          .catch((postError: unknown) => log(`rewind bot: could not post the failed backup's summary: ${postError instanceof Error ? postError.message : String(postError)}`, postError));
      }
      throw error; // the scheduler logs it
    }
    const { summary, roleDiffs, alerts } = outcome;
    if (!channel) {
      log('rewind bot: daily backup done; no summary channel is set (say "set summary channel" in one), so nothing was posted');
      return;
    }
    await proactive(channel, render('dailySummary', summary));
    for (const diff of roleDiffs) await proactive(channel, render('roleDiff', diff));
    for (const alert of alerts) await proactive(channel, render('alert', alert));
  };

  /** An edit of the shared cards whose failure is logged and never stops what follows (the restore, the result posts). */
  const updateSharedCardsOrLog = (requestId: string, what: string): Promise<void> =>
    updateSharedCards(requestId).catch((error: unknown) => log(`rewind bot: could not ${what}: ${error instanceof Error ? error.message : String(error)}`, error));

  /**
   * Runs an approved request. A recreated user's credential goes to the requester's personal chat the moment it is
   * issued (the engine journals it delivered only once Teams accepted that post); without that chat it is not shown
   * anywhere and the result says so. Then the shared cards are edited and the result card is posted to every
   * conversation where the approval card was, and to the requester's personal chat; one failed post never stops
   * the others.
   */
  const runExecution = async (requestId: string, decidedIn: StoredReference): Promise<void> => {
    const record = await service.records.request(requestId);
    const requester = record ? await service.records.user(record.requesterObjectId) : undefined;
    const personal = requester?.personalReference;
    const requesterName = (await service.requesterName(requestId).catch(() => undefined)) ?? 'the requester';
    const deliverSecret: DeliverSecret = async (secret) => {
      if (!personal) throw new Error(`${requesterName} has no personal chat with Rewind yet, and a credential is posted nowhere else`);
      await proactive(personal, render('credential', service.credentialCardModel(secret)), 'A new sign-in for a user this restore recreated: shown once.');
      return { deliveredTo: `${requesterName}'s personal chat with Rewind` };
    };
    // The "running" edit is started, not awaited: Teams being slow or down never delays the first write.
    const result = await service.execute(requestId, { deliverSecret, onRunning: async () => void updateSharedCardsOrLog(requestId, 'show the restore as running') });
    await updateSharedCardsOrLog(requestId, 'show the restore\'s outcome on the approval card');
    const targets = new Map<string, StoredReference>();
    if (personal) targets.set(conversationIdOf(personal) ?? '', personal);
    for (const post of record?.posts ?? []) {
      const id = conversationIdOf(post.reference);
      if (id && !targets.has(id)) targets.set(id, post.reference);
    }
    const decidedId = conversationIdOf(decidedIn);
    if (decidedId && !targets.has(decidedId)) targets.set(decidedId, decidedIn);
    const card = render('result', result);
    for (const [, reference] of targets) {
      await proactive(reference, card).catch((error: unknown) => log(`rewind bot: could not post the result of ${requestId}: ${error instanceof Error ? error.message : String(error)}`, error));
    }
  };

  // ------------------------------------------------------------------------------------------------------------
  // Card actions

  const execute = (verb: string, handler: (context: Ctx, data: Record<string, unknown>) => Promise<AdaptiveCard>) => {
    app.adaptiveCards.actionExecute<Record<string, unknown>>(verb, async (context, _state, data) => {
      try {
        return await handler(context, data && typeof data === 'object' && !Array.isArray(data) ? data : {});
      } catch (error) {
        return errorCard(error);
      }
    });
  };

  execute(Verbs.requestApproval, async (context, data) => {
    const actor = actorOf(context);
    const requested = await service.requestApproval(actor, data, referenceOf(context));
    await postApproval(context, requested.requestId, requested.selectedApproverId, actor);
    return readOnlyApproval(requested.requestId, `Sent for approval as ${requested.requestId}. You will get the result in your chat with Rewind when it has run.`);
  });

  const decision = (kind: 'approve' | 'reject') => async (context: Ctx, data: Record<string, unknown>): Promise<AdaptiveCard> => {
    const actor = actorOf(context);
    const outcome = await service.decide(actor, data.requestId, kind, data.comment, data.planHash);
    const requestId = outcome.model.requestId;
    if (outcome.status === 'approved') {
      const reference = referenceOf(context);
      track(async () => {
        await updateSharedCardsOrLog(requestId, 'show the approval on the approval card');
        await runExecution(requestId, reference);
      });
    } else {
      trackUpdate(() => updateSharedCards(requestId));
    }
    return render('approval', outcome.model);
  };
  execute(Verbs.approve, decision('approve'));
  execute(Verbs.reject, decision('reject'));

  execute(Verbs.refreshApproval, async (context, data) => render('approval', await service.viewFor(actorOf(context), data.requestId)));

  execute(Verbs.chooseObject, async (context, data) => {
    const actor = actorOf(context);
    const kind = data.kind;
    const objectId = typeof data.objectId === 'string' ? data.objectId.toLowerCase() : '';
    if ((kind !== 'user' && kind !== 'group') || !GUID.test(objectId)) throw new ServiceRefusal('This card cannot be used', 'The card sent an object that is not one.', 'Type the command again.');
    const purpose = data.purpose;
    if (purpose !== 'restore' && purpose !== 'versions' && purpose !== 'memberships' && purpose !== 'diffUser') throw new ServiceRefusal('This card cannot be used', 'The card sent an unknown purpose.');
    if (purpose === 'restore') await requireHelpdesk(actor, 'restore users and groups');
    else await service.requireBrowser(actor);
    const at = typeof data.at === 'string' && data.at.length <= 40 && data.at ? data.at : undefined;
    return render('object', await service.objectCardModel(kind, objectId, { requester: actor, ...(purpose === 'restore' ? { requesterIsHelpdesk: true } : {}), ...(at ? { at } : {}) }));
  });

  execute(Verbs.chooseVersion, async (context, data) => {
    const actor = actorOf(context);
    const kind = data.kind;
    const objectId = typeof data.objectId === 'string' ? data.objectId.toLowerCase() : '';
    const snapshotId = typeof data.snapshotId === 'string' && data.snapshotId.length <= 80 ? data.snapshotId : '';
    if ((kind !== 'user' && kind !== 'group') || !GUID.test(objectId) || !snapshotId) throw new ServiceRefusal('This card cannot be used', 'The card sent an object or version that is not one.', 'Type the command again.');
    await service.requireBrowser(actor);
    return render('object', await service.objectCardModel(kind, objectId, { requester: actor, snapshotId }));
  });

  execute(Verbs.undo, async (context, data) => {
    const actor = actorOf(context);
    const restoreId = typeof data.restoreId === 'string' ? data.restoreId : '';
    if (!RESTORE_ID.test(restoreId)) throw new ServiceRefusal('This card cannot be used', 'The card sent a restore id that is not one.');
    await requireHelpdesk(actor, 'plan an undo');
    const requested = await service.requestUndo(actor, restoreId, referenceOf(context));
    await postApproval(context, requested.requestId, requested.selectedApproverId, actor);
    return readOnlyApproval(requested.requestId, `The undo was sent for approval as ${requested.requestId}.`);
  });

  execute(Verbs.reviewAlert, async (context, data) => {
    const actor = actorOf(context);
    const requested = await service.requestAlertRestore(actor, data.alertId, referenceOf(context));
    await postApproval(context, requested.requestId, requested.selectedApproverId, actor);
    return readOnlyApproval(requested.requestId, `The restore this alert proposes was sent for approval as ${requested.requestId}.`);
  });

  // Any other Action.Execute verb: answered with an error card.
  app.adaptiveCards.actionExecute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action' && context.activity.value?.action?.type === 'Action.Execute',
    async () => render('error', { title: 'Unknown action', message: 'This card asked for an action Rewind does not know.', whatToDo: 'Type help for what Rewind can do.', reference: '' }),
  );

  // Any other invoke: answered, never left to a 501.
  app.activity(ActivityTypes.Invoke, async (context) => {
    const card = render('error', { title: 'Not supported', message: 'Rewind does not handle this kind of action.', whatToDo: 'Type help for what Rewind can do.', reference: '' });
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } } });
  });

  let refusalWindow = { startedAt: 0, audited: 0 };
  const auditRefusal = async (context: Ctx, refusal: TenantRefusal): Promise<void> => {
    const at = new Date();
    if (at.getTime() - refusalWindow.startedAt >= 3_600_000) refusalWindow = { startedAt: at.getTime(), audited: 0 };
    const activity = context.activity;
    const what = `${activity.type}${activity.type === ActivityTypes.Invoke && typeof activity.name === 'string' ? ` ${activity.name.slice(0, 64)}` : ''}`;
    if (refusalWindow.audited >= MAX_REFUSAL_AUDITS_PER_HOUR) {
      log(`rewind bot: refused a ${what} activity (${refusal.reason}); not audited: more than ${MAX_REFUSAL_AUDITS_PER_HOUR} refusals this hour`);
      return;
    }
    refusalWindow.audited++;
    // Who sent it is what the activity claims, from outside the tenant: recorded as a claim, never as the actor.
    const sender = typeof activity.from?.aadObjectId === 'string' && GUID.test(activity.from.aadObjectId) ? activity.from.aadObjectId.toLowerCase() : null;
    await service.recordRefusedActivity({ reason: refusal.reason, claimedTenants: refusal.claimed, claimedSender: sender, activity: what, channelId: String(activity.channelId ?? '').slice(0, 32) }, at)
      .catch((error: unknown) => log(`rewind bot: could not audit a refused activity: ${error instanceof Error ? error.message : String(error)}`, error));
  };

  /** The answer to a refused activity: a sentence for a message, an error card for a card action, nothing otherwise. */
  const refuse = async (context: Ctx, refusal: TenantRefusal): Promise<void> => {
    const activity = context.activity;
    if (activity.type === ActivityTypes.Message) {
      await context.sendActivity(tenantRefusalSentence(refusal));
    } else if (activity.type === ActivityTypes.Invoke) {
      const card = render('error', { title: 'Not this organisation', message: tenantRefusalSentence(refusal), whatToDo: '', reference: '' });
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } } });
    } else {
      return; // conversation and installation updates from elsewhere are dropped unanswered and unaudited
    }
    await auditRefusal(context, refusal);
  };

  const run = async (context: Ctx): Promise<void> => {
    const refusal = tenantRefusal(context.activity, service.tenantId);
    if (refusal) {
      await refuse(context, refusal);
      return;
    }
    await app.run(context);
  };

  app.error(async (context, error) => {
    log(`rewind bot: unhandled turn error: ${error instanceof Error ? error.message : String(error)}`, error);
    if (context.activity.type === ActivityTypes.Message) await send(context, errorCard(error)).catch(() => undefined);
  });

  return {
    app,
    run,
    pendingExecutions,
    runScheduledBackup,
    whenIdle: async () => {
      while (pendingExecutions.size || pendingUpdates.size) await Promise.allSettled([...pendingExecutions, ...pendingUpdates]);
    },
  };
}
