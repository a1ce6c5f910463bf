/**
 * startBot with a structured logger (as bot/src/main.ts runs it in Azure): every line the host writes is one JSON
 * object with a level; the configuration warnings are warn lines.
 */
import { GraphDirectoryWriter } from '../../backup-engine/src';
import { startEngine } from '../../backup-engine/test/support/engine-fixture';
import { NO_IDENTITY_WARNING, readBotConfig } from '../src/config';
import { createLogger } from '../src/observability';
import { startBot } from '../src/server';
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID } from '../../graph-simulator/src';

it('When startBot is given a structured logger, then its start-up lines are JSON: the identity warning at warn, listening and the schedule at info', async () => {
  const engine = await startEngine();
  const lines: string[] = [];
  const logger = createLogger({ component: 'bot', write: (line) => lines.push(line) });
  const config = { ...readBotConfig({ HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID }), port: 0 };
  const writer = new GraphDirectoryWriter({ baseUrl: engine.simulator.url });
  const started = await startBot(config, { gateway: engine.gateway, writer, store: engine.store }, { logger });
  try {
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(records.every((r) => typeof r.time === 'string' && r.component === 'bot')).toBe(true);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', msg: NO_IDENTITY_WARNING }),
        expect.objectContaining({ level: 'info', msg: expect.stringMatching(/^Rewind bot listening on http:\/\/127\.0\.0\.1:\d+\/api\/messages/) }),
        expect.objectContaining({ level: 'info', msg: expect.stringMatching(/^Daily backup and summary at 07:00 UTC/) }),
      ]),
    );
  } finally {
    await started.close();
    await engine.close();
  }
});
