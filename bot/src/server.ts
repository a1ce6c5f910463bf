/**
 * The bot's HTTP host: restify 11 + teams-ai's TeamsAdapter, `POST /api/messages`.
 *
 * - The adapter's credentials come from `config.identity` (ConfigurationServiceClientCredentialFactory). Without an
 *   identity the Bot Framework token check is off, so `readBotConfig` sets `listenHost` to loopback and adds a
 *   warning; `startBot` prints every warning before it listens.
 * - An activity with `deliveryMode: 'expectReplies'` is answered in the HTTP response body (`{ activities: [...] }`)
 *   by the CloudAdapter itself; that is what the Agents Playground and the HTTP test use.
 * - Conversation state (teams-ai TurnState) is kept in the engine's store (`CosmosBotStorage`), so a restart loses
 *   nothing; approvals live in the engine's restore records.
 */
import type { AddressInfo } from 'node:net';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ConfigurationServiceClientCredentialFactory, Request as BotRequest, Response as BotResponse, TurnContext } from 'botbuilder';
import * as restify from 'restify';
import type { OpenedEngine } from '../../backup-engine/src';
import { createBotApp, RewindBot } from './app';
import { ConfigurationError } from '../../backup-engine/src';
import { BotConfig, SETTINGS_HELP } from './config';
import { Logger, lineLogger } from './observability';
import { RewindService } from './rewind-service';
import { scheduleDaily } from './schedule';
import { CosmosBotStorage } from './state/cosmos-storage';

export interface StartedBot {
  /** e.g. http://127.0.0.1:3978 */
  url: string;
  bot: RewindBot;
  close(): Promise<void>;
}

export interface StartBotOptions {
  /** Where warnings and errors go, as lines of text. Default: console (or `logger`, when that is given). */
  log?: (message: string) => void;
  /**
   * A structured logger (bot/src/observability.ts), as in Azure: the host's own lines get levels and fields (a
   * failed turn's error with its Graph request ids); the app's and the schedule's text lines go through `lineLogger`.
   */
  logger?: Logger;
  /** The directory tenant id; read from Graph when omitted. */
  tenantId?: string;
  startTypingTimer?: boolean;
}

export async function startBot(config: BotConfig, engine: Pick<OpenedEngine, 'gateway' | 'writer' | 'store'>, options: StartBotOptions = {}): Promise<StartedBot> {
  const logger = options.logger;
  const log = options.log ?? (logger ? lineLogger(logger) : (message: string) => console.log(message));
  for (const warning of config.warnings) log(`warning: ${warning}`);

  // The bot answers one tenant: BOT_TENANT_ID (production), else the tenant of the Graph connection. Both must agree:
  // a bot taking approvals in one tenant while restoring into another would write what nobody there approved.
  const graphTenantId = (options.tenantId ?? (await engine.gateway.getTenant()).tenantId).toLowerCase();
  if (config.tenantId && config.tenantId !== graphTenantId) {
    throw new ConfigurationError(`BOT_TENANT_ID ${config.tenantId} is not the tenant Graph is connected to (${graphTenantId}); the bot serves the tenant it restores into. ${SETTINGS_HELP}`);
  }
  const tenantId = graphTenantId;
  log(`Rewind bot answers Teams activities of tenant ${tenantId} only`);
  const service = new RewindService({
    store: engine.store, writer: engine.writer, gateway: engine.gateway, tenantId,
    helpdeskGroupId: config.helpdeskGroupId, securityLeadsGroupId: config.securityLeadsGroupId, readersGroupId: config.readersGroupId,
    approvalTtlInMs: config.approvalTtlInMs, massDeletionThreshold: config.massDeletionThreshold,
  });
  const identity = config.identity;
  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory(identity ? { ...identity } : {}));
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    if (logger && !options.log) {
      logger.error('turn failed', { error, activityType: context.activity.type, conversationId: context.activity.conversation?.id });
    } else {
      log(`error: turn failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (context.activity.type === 'message') await context.sendActivity('Sorry, something went wrong; nothing was changed.').catch(() => undefined);
  };
  const bot = createBotApp({
    adapter, storage: new CosmosBotStorage(engine.store), service,
    config: { helpdeskGroupId: config.helpdeskGroupId, securityLeadsGroupId: config.securityLeadsGroupId, approvalCardRefresh: config.approvalCardRefresh },
    botAppId: identity?.MicrosoftAppId ?? '', startTypingTimer: options.startTypingTimer ?? false, log,
  });

  const server = restify.createServer({ name: 'rewind-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    // restify's request and response satisfy botbuilder's structural Request / Response types.
    await adapter.process(req as unknown as BotRequest, res as unknown as BotResponse, async (context) => {
      await bot.run(context);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.listenHost, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log(`Rewind bot listening on ${url}/api/messages${identity ? '' : ' (loopback only, no bot identity)'}`);
  const daily = scheduleDaily(config.summaryTimeUtc, () => bot.runScheduledBackup(), { log });
  log(`Daily backup and summary at ${config.summaryTimeUtc.text} UTC (next ${daily.next.toISOString()})`);
  return {
    url,
    bot,
    close: async () => {
      daily.stop();
      await bot.whenIdle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
