/**
 * The HTTP host in local mode (no bot identity: token check off, loopback only): a plain POST with
 * `deliveryMode: 'expectReplies'` gets the bot's replies in the response body.
 */
import { GraphDirectoryWriter } from '../../backup-engine/src';
import { startEngine } from '../../backup-engine/test/support/engine-fixture';
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, PLAYGROUND_CURRENT_USER } from '../../graph-simulator/src';
import { LOOPBACK_HOST, NO_IDENTITY_WARNING, readBotConfig } from '../src/config';
import { startBot } from '../src/server';

describe('when the bot runs locally without an identity', () => {
  it('then POST /api/messages with expectReplies answers the help card in the body', async () => {
    const engine = await startEngine();
    const lines: string[] = [];
    const config = { ...readBotConfig({ HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID }), port: 0 };
    expect(config.listenHost).toBe(LOOPBACK_HOST);
    const writer = new GraphDirectoryWriter({ baseUrl: engine.simulator.url });
    const started = await startBot(config, { gateway: engine.gateway, writer, store: engine.store }, { log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toContain(NO_IDENTITY_WARNING);
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${started.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message', id: 'm1', text: 'help', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', deliveryMode: 'expectReplies',
          from: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: PLAYGROUND_CURRENT_USER.id },
          recipient: { id: 'bot', name: 'Rewind' }, conversation: { id: 'personal-chat', conversationType: 'personal', tenantId: engine.tenantId },
          channelData: { tenant: { id: engine.tenantId } },
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { activities: { attachments?: { contentType: string; content: unknown }[] }[] };
      const card = body.activities.flatMap((a) => a.attachments ?? [])[0];
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(card.content)).toContain('restore user <name>');
    } finally {
      await started.close();
      await engine.close();
    }
  });
});

describe('when BOT_TENANT_ID names another tenant than the Graph connection', () => {
  it('then the bot refuses to start: it would take approvals in one tenant and write into another', async () => {
    const engine = await startEngine();
    try {
      const config = { ...readBotConfig({ HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID }), port: 0, tenantId: '0badc0de-0000-4000-8000-000000000bad' };
      const writer = new GraphDirectoryWriter({ baseUrl: engine.simulator.url });
      await expect(startBot(config, { gateway: engine.gateway, writer, store: engine.store }, { log: () => undefined })).rejects.toThrow(/BOT_TENANT_ID 0badc0de-0000-4000-8000-000000000bad is not the tenant Graph is connected to/);
    } finally {
      await engine.close();
    }
  });
});
