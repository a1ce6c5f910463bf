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
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GraphDirectoryGateway, GraphDirectoryWriter, LocalCosmos, runBackup, startLocalCosmos } from '../../../backup-engine/src';
import { RestoreRecords } from '../../../backup-engine/src/restore/records';
import { DEMO_BOB_ID, DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { readBotConfig } from '../../src/config';
import { StartedBot, startBot } from '../../src/server';
import { CardIdentity, Playground, cardsMatching, clickAndReadAnswer, launchChromium, openAs, openConversation, say, startPlayground, waitForCard } from './playground-driver';
import { unusedPort as freePort } from '../../../backup-engine/test/support/ports';

jest.setTimeout(180_000);

const BOT = '<at>Rewind</at>';
const MEGAN = 'user-id-1';
const ADELE = 'user-id-2';


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

  const config = readBotConfig({ HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID, GRAPH_BASE_URL: graphUrl, PORT: String(await freePort()) });
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

async function groupChatAs(who: string, userId?: string): Promise<Page> {
  const page = await openAs(browser!, playground!.url, userId, who);
  await openConversation(page, 'Group Chat');
  return page;
}

/**
 * A page receives only what arrives while its connection to the Playground is up, and an open conversation does not
 * say when that is (on a loaded machine a page has been seen to miss every card). So the chat is proved live first:
 * Alex says a unique unknown word, and every page must show the help card that echoes it; a page that does not
 * within 15 s is reloaded and the proof repeated with a new word (three rounds at most).
 */
async function proveLive(speaker: Page, pages: Page[]): Promise<void> {
  let waiting = pages;
  for (let round = 1; waiting.length; round++) {
    const word = `ping-${round}-${Date.now().toString(36)}`;
    await say(speaker, `${BOT} ${word}`);
    const echoed: CardIdentity = { what: `the help card echoing ${word}`, lines: ['Rewind: what you can ask'], texts: [word] };
    const missed = (await Promise.all(waiting.map((page) => waitForCard(page, echoed, 15_000).then(() => undefined, (error: unknown) => ({ page, error }))))).filter((m) => m !== undefined);
    if (!missed.length) return;
    if (round === 3) throw missed[0].error;
    for (const { page } of missed) {
      await page.reload();
      await openConversation(page, 'Group Chat');
    }
    waiting = missed.map((m) => m.page);
  }
}

/*
 * Every card is awaited by what identifies it, never by position or a delay (see CardIdentity in the driver):
 * - the object card: its title lines "User" and "Bob Kelly" and its "Request approval" button;
 * - the requester's read-only copy of the approval card (what Alex's object card becomes): "Restore approval",
 *   its state line, and its note "Sent for approval as <request id>", without buttons;
 * - the shared approval card: the heading "Restore approval", its state line, "Plan <hash>" of this request's plan
 *   (the shared card does not print the request id; the plan hash is read from the request's record) and the
 *   approval count, with Approve while pending and without Approve or Reject once final;
 * - the result card: its heading "Restore result" and the target, "User Bob Kelly (…)".
 */
const objectCard: CardIdentity = { what: 'the object card of Bob Kelly', lines: ['User', 'Bob Kelly'], texts: ['Deleted, in the recycle bin.'], buttons: ['Request approval'] };
const requesterCopy = (requestId: string): CardIdentity => ({
  what: `the requester's read-only approval card of ${requestId}`,
  lines: ['Restore approval', 'Waiting for approval'],
  texts: [`Sent for approval as ${requestId}.`],
  withoutButtons: ['Approve', 'Reject'],
});
const pendingShared = (requestId: string, planPrefix: string, received: number): CardIdentity => ({
  what: `the shared approval card of ${requestId} waiting with ${received} of 2 approvals`,
  lines: ['Restore approval', 'Waiting for approval'],
  texts: [`Plan ${planPrefix}`, `${received} of 2 approvals`],
  buttons: ['Approve', 'Reject'],
});
const finalShared = (requestId: string, planPrefix: string): CardIdentity => ({
  what: `the shared approval card of ${requestId} in its final state`,
  lines: ['Restore approval', 'Restore complete'],
  texts: [`Plan ${planPrefix}`, '2 of 2 approvals'],
  withoutButtons: ['Approve', 'Reject'],
});
const resultCard: CardIdentity = { what: 'the result card of the restore of Bob Kelly', lines: ['Restore result'], texts: ['User Bob Kelly (bob@contoso.example)'] };

describe('when a helpdesk user restores a deleted user from the Agents Playground', () => {
  it('then two security leads approve in their own browsers, the result card appears and bob is back with his memberships', () => withDiagnostics(async () => {
    // Approvers open the chat first: a page shows only what arrives while it is open.
    const megan = await groupChatAs('Megan', MEGAN);
    const adele = await groupChatAs('Adele', ADELE);
    const alex = await groupChatAs('Alex');
    await proveLive(alex, [megan, adele, alex]);

    await say(alex, `${BOT} restore user bob`);
    const object = await waitForCard(alex, objectCard);
    await object.getByPlaceholder('Why is this restore needed?').fill('Deleted by the leaver script by mistake');
    await object.getByPlaceholder('e.g. INC0012345').fill('INC0042');
    const requested = await clickAndReadAnswer(alex, object, 'Request approval');
    expect(requested.status).toBe(200);
    const requestId = /Sent for approval as (r-[0-9a-f-]+)/.exec(requested.text)?.[1];
    if (!requestId) throw new Error(`the answer to "Request approval" names no request id: ${requested.text.slice(0, 500)}`);
    const record = await new RestoreRecords(cosmos.store, tenantId).readRequest(requestId);
    expect(record?.plan.targets[0].id).toBe(DEMO_BOB_ID);
    const planPrefix = record!.plan.hash.slice(0, 12);
    // Alex's object card became his read-only copy of the approval card (no buttons; it is not edited later).
    await waitForCard(alex, requesterCopy(requestId));

    // Local mode: the Playground never sends the Universal Actions refresh invoke, so the shared card carries the
    // buttons for everyone (APPROVAL_CARD_REFRESH off) and each click is authorised server-side: Alex is refused.
    const alexShared = await waitForCard(alex, pendingShared(requestId, planPrefix, 0));
    const refused = await clickAndReadAnswer(alex, alexShared, 'Approve');
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/Not allowed/);

    const meganCard = await waitForCard(megan, { ...pendingShared(requestId, planPrefix, 0), texts: [...pendingShared(requestId, planPrefix, 0).texts!, 'Deleted by the leaver script by mistake'] });
    const first = await clickAndReadAnswer(megan, meganCard, 'Approve');
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/another security lead must approve too/);

    // Adele's copy of the shared card was edited to "1 of 2" for everyone; she approves from it.
    const adeleCard = await waitForCard(adele, { ...pendingShared(requestId, planPrefix, 1), texts: [...pendingShared(requestId, planPrefix, 1).texts!, 'Approved by Megan Bowen'] });
    const second = await clickAndReadAnswer(adele, adeleCard, 'Approve');
    expect(second.status).toBe(200);
    expect(second.text).toMatch(/Restore running/);

    // The result card arrives in the chat, and the shared approval card ends in its final state (no buttons), for
    // everyone. Each is awaited on each page by its own identity, so the one is never read for the other.
    const result = await waitForCard(alex, resultCard, 60_000);
    const resultText = await result.innerText();
    for (const page of [alex, megan, adele]) {
      await waitForCard(page, resultCard, 60_000);
      await waitForCard(page, finalShared(requestId, planPrefix), 60_000);
      // Once the final state is shown, no copy of this request's card offers Approve any more.
      expect(await cardsMatching(page, { what: 'a card still offering Approve', texts: [`Plan ${planPrefix}`], buttons: ['Approve'] }).count()).toBe(0);
    }
    await bot.bot.whenIdle();

    // bob is back in the tenant with the same id and every membership: a recycle-bin restore keeps all links, and
    // the plan's link steps found them present.
    const bob = simulator.directory.getUser('bob@contoso.example');
    expect(bob?.id).toBe(DEMO_BOB_ID);
    expect([...simulator.directory.memberOf(DEMO_BOB_ID).groups].sort()).toEqual(groupsBeforeDeletion);
    expect(groupsBeforeDeletion.length).toBeGreaterThan(3);
    // The plan skipped his Exchange-managed memberships (Graph cannot write them); they came back with the
    // recycle-bin restore, were read back, and the result card says so rather than reporting them skipped.
    const skipped = record!.plan.skips.length;
    expect(skipped).toBeGreaterThan(0);
    expect(resultText).toMatch(/^Restore result\s+Restore complete\b/);
    expect(resultText).toContain(`${skipped} links the plan could not write were in place after the run`);
    expect(resultText).toContain('0 skipped');
    expect(resultText).toContain(`Type undo ${requestId} `);
  }));
});
