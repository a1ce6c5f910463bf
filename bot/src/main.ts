/**
 * The deployed host (`npm run serve`, App Service's start command `node dist/bot/src/main.js` after `npm run build`):
 * every setting read and validated once (bot/src/config.ts, backup-engine/src/runtime.ts), the engine opened against
 * Microsoft Graph and Azure Cosmos DB with the managed identity, then the bot with its daily backup schedule.
 * Unlike `npm start` it seeds nothing and starts no simulator. A bad setting exits 1 with a message naming it.
 */
import { openEngine } from '../../backup-engine/src';
import { readBotConfig } from './config';
import { startBot } from './server';

async function main(): Promise<void> {
  const config = readBotConfig(process.env);
  const engine = await openEngine(config.engine);
  for (const note of engine.notes) console.log(`rewind: ${note}`);
  const bot = await startBot(config, engine);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void bot.close().then(() => engine.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
