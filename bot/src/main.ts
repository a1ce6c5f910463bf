/**
 * The deployed host (`npm run serve`, App Service's start command `node dist/bot/src/main.js` after `npm run build`):
 * every setting read and validated once (bot/src/observability.ts, bot/src/config.ts, backup-engine/src/runtime.ts),
 * the engine opened against Microsoft Graph and Azure Cosmos DB with the managed identity, then the bot with its
 * daily backup schedule. Unlike `npm start` it seeds nothing and starts no simulator. A bad setting exits 1 with a
 * message naming it.
 *
 * Every line it writes is one JSON object on stdout (docs/observability.md), redacted, at REWIND_LOG_LEVEL or above
 * (what libraries write through `console` included); Graph failures carry Graph's `request-id` and
 * `client-request-id`. With APPLICATIONINSIGHTS_CONNECTION_STRING set,
 * the Azure Monitor OpenTelemetry distro starts first: this file's only static import is ./observability, and the
 * engine, the bot (botbuilder, restify) and the Azure SDKs are loaded afterwards, so the distro's instrumentations
 * see them load. SIGTERM (App Service stopping the container) and SIGINT close the bot, the engine, then flush and
 * stop the distro.
 */
import { captureConsole, createLogger, graphLogger, Logger, readObservabilitySettings, startTelemetry, Telemetry } from './observability';

async function main(): Promise<void> {
  let logger: Logger = createLogger({ component: 'host' });
  let telemetry: Telemetry | undefined;
  try {
    const observability = readObservabilitySettings(process.env);
    logger = createLogger({ component: 'host', level: observability.logLevel });
    // Libraries' console output (the distro's diagnostics included) as JSON lines too.
    captureConsole(logger.child('console'));
    telemetry = startTelemetry(observability);
    logger.info(telemetry.enabled ? 'OpenTelemetry: exporting to Application Insights' : 'OpenTelemetry: off (APPLICATIONINSIGHTS_CONNECTION_STRING is not set)');

    // Loaded only now, after the distro (see the module comment).
    const { openEngine } = await import('../../backup-engine/src');
    const { readBotConfig } = await import('./config');
    const { startBot } = await import('./server');

    const config = readBotConfig(process.env);
    const engine = await openEngine(config.engine, { logger: graphLogger(logger.child('graph')) });
    for (const note of engine.notes) logger.child('engine').info(note);
    const bot = await startBot(config, engine, { logger: logger.child('bot') });
    const started = telemetry;
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: stopping`);
      void bot
        .close()
        .then(() => engine.close())
        .then(
          () => started.shutdown().then(() => process.exit(0)),
          (error: unknown) => {
            logger.error('stopping failed', { error });
            return started.shutdown().then(() => process.exit(1));
          },
        );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  } catch (error) {
    logger.error(`rewind could not start: ${error instanceof Error ? error.message : String(error)}`, { error });
    await telemetry?.shutdown();
    process.exit(1);
  }
}

void main();
