/**
 * The bot over a simulator tenant: Graph simulator (demo tenant) + MemorySnapshotStore + the real Graph adapters,
 * a first backup, and a botbuilder TestAdapter that behaves like CloudAdapter where it matters:
 * - `continueConversationAsync` runs the logic in a new turn (proactive sends land in `activeQueue`);
 * - an invoke response sent by the bot is recorded in `turnState[INVOKE_RESPONSE_KEY]`, as CloudAdapter does;
 * - every `updateActivity` is recorded in `edits`; `rosters` answers TeamsInfo.getPagedMembers per conversation.
 * People are the Playground users of the demo tenant (`from.aadObjectId` = their object id, `from.id` = an MRI).
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import { Activity, ConversationReference, INVOKE_RESPONSE_KEY, ResourceResponse, TestAdapter, TurnContext } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import { GraphDirectoryWriter, SnapshotStore, WriteQuota } from '../../../backup-engine/src';
import { EngineFixture, startEngine } from '../../../backup-engine/test/support/engine-fixture';
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, GraphSimulatorOptions, PLAYGROUND_CURRENT_USER, PLAYGROUND_USERS, PlaygroundUser } from '../../../graph-simulator/src';
import type { AdaptiveCard } from '../../../cards/render';
import { createBotApp, RewindBot } from '../../src/app';
import { RewindService, RewindServiceOptions } from '../../src/rewind-service';
import { CosmosBotStorage } from '../../src/state/cosmos-storage';

export class BotTestAdapter extends TestAdapter {
  /** Every edit of a sent activity, in order (TestAdapter itself keeps only the latest version in `activeQueue`). */
  readonly edits: Partial<Activity>[] = [];
  /**
   * Teams rosters by conversation id, served to TeamsInfo.getPagedMembers in proactive turns as the Bot Connector
   * would. A conversation without one behaves like a channel that cannot list members.
   */
  readonly rosters = new Map<string, { id: string; aadObjectId: string; name?: string }[]>();

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    this.edits.push(activity);
    return super.updateActivity(context, activity);
  }

  /** Errors thrown, one per send, by the next proactive sends (as the Bot Connector answers 429 or 5xx). */
  readonly failProactiveSends: Error[] = [];

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const failure = context.activity.name === 'ContinueConversation' ? this.failProactiveSends.shift() : undefined;
    if (failure) throw failure;
    for (const activity of activities) if (activity.type === 'invokeResponse') context.turnState.set(INVOKE_RESPONSE_KEY, activity);
    return super.sendActivities(context, activities);
  }

  override async continueConversationAsync(
    _botAppIdOrClaims: string | ClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic!;
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'ContinueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    const roster = this.rosters.get(activity.conversation?.id ?? '');
    if (roster) context.turnState.set(this.ConnectorClientKey, { conversations: { getConversationPagedMembers: async () => ({ members: roster }) } });
    await this.runMiddleware(context, logic);
  }
}

const byRole = (role: PlaygroundUser['role']) => PLAYGROUND_USERS.find((u) => u.role === role)!;
export const PEOPLE = {
  alex: PLAYGROUND_CURRENT_USER, // requester (Helpdesk)
  megan: PLAYGROUND_USERS.find((u) => u.givenName === 'Megan')!, // approver
  adele: PLAYGROUND_USERS.find((u) => u.givenName === 'Adele')!, // approver
  patti: byRole('bystander'),
  lynne: byRole('requesterAndApprover'),
  isaiah: PLAYGROUND_USERS.find((u) => u.givenName === 'Isaiah')!, // requester (Helpdesk), not a lead
};

export const personal = (user: PlaygroundUser) => ({ id: `a:personal-${user.playgroundId}`, conversationType: 'personal' });
export const OPS_CHANNEL = { id: '19:ops@thread.tacv2', conversationType: 'channel', isGroup: true };

export interface Sent {
  activities: Partial<Activity>[];
  /** Cards of message activities, in order. */
  cards: AdaptiveCard[];
  /** The invoke response's card (invokes only). */
  invokeCard?: AdaptiveCard;
  invokeStatus?: number;
}

export interface BotHarness {
  engine: EngineFixture;
  store: SnapshotStore;
  writer: GraphDirectoryWriter;
  adapter: BotTestAdapter;
  /** Every line the bot logged (background failures, unexpected errors). */
  logs: string[];
  bot: RewindBot;
  service: RewindService;
  say(user: PlaygroundUser, text: string, conversation?: object): Promise<Sent>;
  invoke(user: PlaygroundUser, verb: string, data: Record<string, unknown>, conversation?: object): Promise<Sent>;
  /** Any activity from this user, in the demo tenant. */
  invokeRaw(user: PlaygroundUser, activity: Partial<Activity>): Promise<Sent>;
  /** Any activity, exactly as given. */
  raw(activity: Partial<Activity>): Promise<Sent>;
  /** Everything sent (proactively) since the last `say` / `invoke` / `drain`. */
  drain(): Sent;
  /** A new app instance over the same store (a restart), optionally with other service settings. */
  restart(overrides?: Partial<RewindServiceOptions>): void;
  close(): Promise<void>;
}

function cardsOf(activities: Partial<Activity>[]): AdaptiveCard[] {
  return activities.flatMap((a) => (a.type === 'message' || a.type === undefined ? (a.attachments ?? []).map((x) => x.content as AdaptiveCard) : []));
}

function collect(activities: Partial<Activity>[]): Sent {
  const invoke = activities.find((a) => a.type === 'invokeResponse');
  const body = (invoke?.value as { status?: number; body?: { value?: unknown } } | undefined);
  return {
    activities,
    cards: cardsOf(activities.filter((a) => a.type !== 'invokeResponse')),
    ...(invoke ? { invokeCard: body?.body?.value as AdaptiveCard, invokeStatus: body?.status } : {}),
  };
}

export interface BotHarnessOptions {
  simulator?: GraphSimulatorOptions;
  /** The write quota the bot's Graph writer paces itself to (default Graph's). */
  writeQuota?: WriteQuota;
}

export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const engine = await startEngine(options.simulator);
  await engine.backup();
  const writer = new GraphDirectoryWriter({ baseUrl: engine.simulator.url, backoff: { baseDelayInMs: 5, maxDelayInMs: 50 }, ...(options.writeQuota ? { writeQuota: options.writeQuota } : {}) });
  const adapter = new BotTestAdapter(undefined, { channelId: 'msteams' });
  let serviceOverrides: Partial<RewindServiceOptions> = {};
  const logs: string[] = [];
  const makeService = () => new RewindService({
    store: engine.store, writer, gateway: engine.gateway, tenantId: engine.tenantId,
    helpdeskGroupId: DEMO_HELPDESK_GROUP_ID, securityLeadsGroupId: DEMO_SECURITY_LEADS_GROUP_ID, approvalTtlInMs: 3_600_000, massDeletionThreshold: 3,
    ...serviceOverrides,
  });
  const makeBot = (service: RewindService) => createBotApp({
    adapter: adapter as unknown as TeamsAdapter, storage: new CosmosBotStorage(engine.store), service,
    config: { helpdeskGroupId: DEMO_HELPDESK_GROUP_ID, securityLeadsGroupId: DEMO_SECURITY_LEADS_GROUP_ID },
    botAppId: 'rewind-test-bot', startTypingTimer: false, log: (message: string) => void logs.push(message),
  });
  let service = makeService();
  let bot = makeBot(service);
  let seen = 0;
  const take = (): Partial<Activity>[] => {
    const fresh = adapter.activeQueue.slice(seen);
    seen = adapter.activeQueue.length;
    return fresh;
  };
  const from = (user: PlaygroundUser) => ({ id: `29:${user.playgroundId}`, name: user.name, aadObjectId: user.id });
  // As Teams does, every activity names the sender's tenant (the demo tenant unless a test says otherwise).
  const inTenant = (activity: Partial<Activity>): Partial<Activity> => ({
    ...activity,
    channelData: { tenant: { id: engine.tenantId }, ...(activity.channelData as object | undefined) },
    conversation: { tenantId: engine.tenantId, ...(activity.conversation as object) } as Activity['conversation'],
  });
  const run = async (activity: Partial<Activity>): Promise<Sent> => {
    take();
    await adapter.processActivity(activity, async (context) => {
      await harness.bot.run(context);
    });
    return collect(take());
  };
  const harness: BotHarness = {
    engine, store: engine.store, writer, adapter, logs, get bot() { return bot; }, get service() { return service; },
    say: (user, text, conversation = personal(user)) =>
      run(inTenant({ type: 'message', text, from: from(user), recipient: { id: 'rewind-test-bot', name: 'Rewind' }, conversation: conversation as Activity['conversation'] })),
    invoke: (user, verb, data, conversation = OPS_CHANNEL) =>
      run(inTenant({
        type: 'invoke', name: 'adaptiveCard/action', from: from(user), recipient: { id: 'rewind-test-bot', name: 'Rewind' }, conversation: conversation as Activity['conversation'],
        replyToId: 'card-message', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      })),
    invokeRaw: (user, activity) => run(inTenant({ recipient: { id: 'rewind-test-bot', name: 'Rewind' }, conversation: OPS_CHANNEL as Activity['conversation'], ...activity, from: from(user) })),
    raw: (activity) => run(activity),
    drain: () => collect(take()),
    restart: (overrides) => {
      if (overrides) serviceOverrides = overrides;
      service = makeService();
      bot = makeBot(service);
    },
    close: async () => {
      await bot.whenIdle();
      await engine.close();
    },
  };
  return harness;
}

/** Every Action.Execute in a card (buttons, not `refresh`). */
export function actionsOf(card: AdaptiveCard): { verb: string; title: string; data: Record<string, unknown> }[] {
  const found: { verb: string; title: string; data: Record<string, unknown> }[] = [];
  const visit = (node: unknown, key: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, key));
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && key !== 'refresh') found.push({ verb: String(record.verb), title: String(record.title), data: (record.data ?? {}) as Record<string, unknown> });
    for (const [k, v] of Object.entries(record)) visit(v, k);
  };
  visit(card, '');
  return found;
}

/** Input ids and their initial values, as Teams would send them (toggles "true"/"false"). */
export function inputsOf(card: AdaptiveCard): Record<string, string> {
  const inputs: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') inputs[record.id] = typeof record.value === 'string' ? record.value : '';
    Object.values(record).forEach(visit);
  };
  visit(card);
  return inputs;
}

/** What Teams sends for a button: the card's inputs plus the action's data. */
export function clickData(card: AdaptiveCard, verb: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const action = actionsOf(card).find((a) => a.verb === verb);
  if (!action) throw new Error(`the card has no ${verb} button; it has: ${actionsOf(card).map((a) => a.verb).join(', ')}`);
  return { ...inputsOf(card), ...action.data, ...overrides };
}

/** All text of a card, for assertions. */
export function textOf(card: AdaptiveCard | undefined): string {
  return JSON.stringify(card ?? {});
}
