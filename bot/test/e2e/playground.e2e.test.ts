/**
 * End to end through the Microsoft 365 Agents Playground, driven by playwright-core in Debian's Chromium:
 * the demo tenant in the Graph simulator, the local Cosmos DB server (the real SDK), a first backup, then bob is
 * deleted in the tenant. In the group chat, Alex (Helpdesk) types "restore user bob" and requests approval;
 * Alex's own click on Approve is refused (the Playground does not implement Universal Actions `refresh`, so in
 * local mode the shared card carries the buttons for everyone and authorisation is server-side only); Megan and Adele (Security Leads; bob holds a privileged role, so two
 * approvals) approve from their own browsers; the result card appears, the shared approval card ends in its final
 * state for everyone, and bob is back in the tenant with his memberships.
 * Cross-user clicks happen in the group chat: a personal chat has one member, and the Playground refuses an invoke
 * from anyone else there (reference/playground-e2e.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GraphDirectoryGateway, GraphDirectoryWriter, LocalCosmos, runBackup, startLocalCosmos } from '../../../backup-engine/src';
import { RestoreRecords } from '../../../backup-engine/src/restore/records';
import { DEMO_BOB_ID, GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { readBotConfig } from '../../src/config';
import { StartedBot, startBot } from '../../src/server';
import { Playground, cardWith, clickAndReadAnswer, launchChromium, openAs, openConversation, say, startPlayground } from './playground-driver';

jest.setTimeout(180_000);

const BOT = '<at>Rewind</at>';
const MEGAN = 'user-id-1';
const ADELE = 'user-id-2';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let workDir: string;
let simulator: GraphSimulator;
let cosmos: LocalCosmos;
let bot: StartedBot;
let playground: Playground | undefined;
let browser: Browser | undefined;
let tenantId: string;
let groupsBeforeDeletion: string[];
/** The bot's own log lines, shown when the test fails. */
const botLog: string[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'rewind-e2e-'));
  simulator = createGraphSimulator({ tenant: 'demo' });
  const graphUrl = await simulator.listen(0, '127.0.0.1');
  tenantId = simulator.directory.tenantId;
  cosmos = await startLocalCosmos({ port: 0 });
  const gateway = new GraphDirectoryGateway({ baseUrl: graphUrl });
  await runBackup(gateway, cosmos.store, { leaseOwner: 'e2e' });

  groupsBeforeDeletion = [...simulator.directory.memberOf(DEMO_BOB_ID).groups].sort();
  const deleted = await fetch(`${graphUrl}/v1.0/users/${DEMO_BOB_ID}`, { method: 'DELETE' });
  if (deleted.status !== 204) throw new Error(`deleting bob in the simulator answered ${deleted.status}`);

  const config = readBotConfig({ GRAPH_BASE_URL: graphUrl, PORT: String(await freePort()) });
  bot = await startBot(config, { gateway, writer: new GraphDirectoryWriter({ baseUrl: graphUrl }), store: cosmos.store }, { tenantId, log: (message) => botLog.push(message) });
  playground = await startPlayground(`${bot.url}/api/messages`, path.join(workDir, 'playground.log'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await playground?.close();
  await bot?.close();
  await cosmos?.close();
  await simulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs a scenario; on failure, adds the bot's log and the Playground's output to the error. */
async function withDiagnostics(scenario: () => Promise<void>): Promise<void> {
  try {
    await scenario();
  } catch (error) {
    const detail = `\n--- bot log ---\n${botLog.join('\n')}\n--- Playground output (last 4000 characters) ---\n${playground?.output().slice(-4000) ?? ''}`;
    if (error instanceof Error) error.message += detail;
    throw error;
  }
}

async function groupChatAs(userId?: string): Promise<Page> {
  const page = await openAs(browser!, playground!.url, userId);
  await openConversation(page, 'Group Chat');
  return page;
}

describe('when a helpdesk user restores a deleted user from the Agents Playground', () => {
  it('then two security leads approve in their own browsers, the result card appears and bob is back with his memberships', () => withDiagnostics(async () => {
    // Approvers open the chat first: a page shows only what arrives while it is open.
    const [megan, adele, alex] = [await groupChatAs(MEGAN), await groupChatAs(ADELE), await groupChatAs()];

    await say(alex, `${BOT} restore user bob`);
    const objectCard = await cardWith(alex, 'Bob Kelly', 'Request approval');
    expect(await objectCard.innerText()).toMatch(/in the recycle bin/);
    await objectCard.getByPlaceholder('Why is this restore needed?').fill('Deleted by the leaver script by mistake');
    await objectCard.getByPlaceholder('e.g. INC0012345').fill('INC0042');
    const requested = await clickAndReadAnswer(alex, objectCard, 'Request approval');
    expect(requested.status).toBe(200);
    expect(requested.text).toMatch(/Sent for approval as/);

    // Local mode: the Playground never sends the Universal Actions refresh invoke, so the shared card carries the
    // buttons for everyone (APPROVAL_CARD_REFRESH off) and each click is authorised server-side: Alex is refused.
    const alexShared = await cardWith(alex, /Waiting for approval[\s\S]*0 of 2 approvals/, 'Approve');
    const refused = await clickAndReadAnswer(alex, alexShared, 'Approve');
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/Not allowed/);

    const meganCard = await cardWith(megan, 'Waiting for approval', 'Approve');
    expect(await meganCard.innerText()).toMatch(/0 of 2 approvals/);
    expect(await meganCard.innerText()).toMatch(/Deleted by the leaver script by mistake/);
    const first = await clickAndReadAnswer(megan, meganCard, 'Approve');
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/another security lead must approve too/);

    // Adele's copy of the shared card was edited to "1 of 2" for everyone; she approves from it.
    const adeleCard = await cardWith(adele, '1 of 2 approvals', 'Approve');
    const second = await clickAndReadAnswer(adele, adeleCard, 'Approve');
    expect(second.status).toBe(200);
    expect(second.text).toMatch(/Restore running/);

    // The result card arrives in the chat, and the shared approval card ends in its final state (no buttons).
    const result = await cardWith(alex, /Restore (complete|done, but incomplete)/, undefined, 60_000);
    const resultText = await result.innerText();
    expect(resultText).toMatch(/Bob Kelly/);
    await cardWith(megan, /Restore (complete|done, but incomplete)/, undefined, 60_000);
    await bot.bot.whenIdle();
    await expect(cardWith(adele, 'Waiting for approval', 'Approve', 2_000)).rejects.toThrow();

    // bob is back in the tenant with the same id and every membership: a recycle-bin restore keeps all links, and
    // the plan's link steps found them present.
    const bob = simulator.directory.getUser('bob@contoso.example');
    expect(bob?.id).toBe(DEMO_BOB_ID);
    expect([...simulator.directory.memberOf(DEMO_BOB_ID).groups].sort()).toEqual(groupsBeforeDeletion);
    expect(groupsBeforeDeletion.length).toBeGreaterThan(3);
    const requestId = /Sent for approval as (r-[0-9a-f-]+)/.exec(requested.text)?.[1];
    const record = await new RestoreRecords(cosmos.store, tenantId).readRequest(requestId!);
    expect(record?.plan.targets[0].id).toBe(DEMO_BOB_ID);
    // The plan skipped his Exchange-managed memberships (Graph cannot write them); they came back with the
    // recycle-bin restore, were read back, and the result card says so rather than reporting them skipped.
    const skipped = record!.plan.skips.length;
    expect(skipped).toBeGreaterThan(0);
    expect(resultText).toMatch(/Restore complete/);
    expect(resultText).toContain(`${skipped} links the plan could not write were in place after the run`);
    expect(resultText).toContain('0 skipped');
  }));
});
