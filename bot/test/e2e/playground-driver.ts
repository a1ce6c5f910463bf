/**
 * Drives the Microsoft 365 Agents Playground (the npm package, started as a child process) with playwright-core
 * and Debian's Chromium, as /work/shared/reference/playground-e2e.md describes:
 * - the Playground is started only after the bot listens (its config endpoint `wait-on`s the bot, 15 s);
 * - its port is read from "Listening on N" (it silently picks another port when the asked one is taken);
 * - one browser context per person; a context acts as another user by rewriting `GET /_internal/v1/config`
 *   (`currentUser` swapped with that user, and the member lists of chats and teams swapped too, or the UI crashes).
 *   That applies to card clicks only: typed messages always come from the configured current user;
 * - a page shows only what arrives while it is open (no history replay), so approvers open the chat first;
 * - every request that does not go to loopback is aborted (the UI fetches fonts from a CDN; no network here).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules/@microsoft/m365agentsplayground/cli.js');
export const PLAYGROUND_CONFIG = path.join(ROOT, '.m365agentsplayground.yml');

export interface Playground {
  url: string;
  /** The Playground's own output (for the failure message of a test). */
  output(): string;
  close(): Promise<void>;
}

/** Starts the Playground against `botEndpoint` and resolves once `GET /_debug/ping` answers `pong`. */
export async function startPlayground(botEndpoint: string, logFile: string): Promise<Playground> {
  const child: ChildProcess = spawn(process.execPath, [PLAYGROUND_CLI, 'start', '--disable-telemetry', '-c', 'msteams', '-p', '0'], {
    cwd: ROOT,
    env: { ...process.env, BOT_ENDPOINT: botEndpoint, M365_AGENTS_PLAYGROUND_CONFIG_PATH: PLAYGROUND_CONFIG, M365_AGENTS_PLAYGROUND_LOGFILE: logFile, TEAMSAPPTESTER_BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = async (): Promise<void> => {
    // A child killed by a signal keeps exitCode null: check signalCode too.
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const deadline = Date.now() + 60_000;
    let port: string | undefined;
    while (!port) {
      if (child.exitCode !== null) throw new Error(`the Playground exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the Playground did not say where it listens within 60 s:\n${output}`);
      port = /Listening on (\d+)/.exec(output)?.[1];
      if (!port) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      const pong = await fetch(`${url}/_debug/ping`).then((r) => r.text(), () => '');
      if (pong.includes('pong')) break;
      if (Date.now() > deadline) throw new Error(`the Playground did not answer ${url}/_debug/ping within 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { url, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: the end-to-end test drives Debian's Chromium (.ci/run installs it with \`apt-get install -y chromium\`)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

interface PlaygroundConfigBody {
  config: {
    currentUser: { id: string };
    users: { id: string }[];
    groupChats?: { members: string[] }[];
    teams?: { members?: string[] }[];
  };
}

/**
 * A browser page on the Playground as `userId` (`user-id-N` from the config), or as the configured current user.
 * `who` names the person in the messages of failed waits.
 */
export async function openAs(browser: Browser, playgroundUrl: string, userId?: string, who?: string): Promise<Page> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    return hostname === '127.0.0.1' || hostname === 'localhost' || protocol === 'data:' ? route.continue() : route.abort();
  });
  if (userId) {
    await context.route('**/_internal/v1/config', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as PlaygroundConfigBody;
      const config = body.config;
      const me = config.users.find((u) => u.id === userId);
      if (!me) throw new Error(`${userId} is not a user of ${PLAYGROUND_CONFIG}`);
      const previous = config.currentUser;
      config.users = config.users.map((u) => (u.id === userId ? previous : u));
      config.currentUser = me;
      const swap = (ids: string[]) => ids.map((id) => (id === userId ? previous.id : id));
      for (const chat of config.groupChats ?? []) chat.members = swap(chat.members);
      for (const team of config.teams ?? []) if (team.members) team.members = swap(team.members);
      await route.fulfill({ response, json: body });
    });
  }
  const page = await context.newPage();
  pageUsers.set(page, who ?? userId ?? 'the configured current user');
  await page.goto(playgroundUrl);
  return page;
}

/** Opens a conversation from the tree ('Personal Chat', 'Group Chat', 'My Team - General', …) and waits for its compose box. */
export async function openConversation(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem', { name }).click();
  await composeBox(page).waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The compose box: the Lexical editor (a contenteditable), never a card's text input (an object card with a
 * reason field above it would otherwise be the first textbox on the page).
 */
function composeBox(page: Page): Locator {
  return page.locator('[data-lexical-editor="true"]').first();
}

/** Types a message into the compose box (a Lexical contenteditable) and sends it. In a group chat, start with `<at>Bot</at>`. */
export async function say(page: Page, text: string): Promise<void> {
  const box = composeBox(page);
  await box.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * What identifies one Adaptive Card. Text that several cards share ("Restore complete" is both the approval card's
 * final state line and the result card's status; "Waiting for approval" is on the requester's read-only copy and on
 * the shared card; "Bob Kelly" is on every card of this restore) is never enough: a card is matched only when it
 * has ALL the features given, and a wait succeeds only when exactly one card on the page has them.
 */
export interface CardIdentity {
  /** What the card is, in words, for the timeout message ("the result card of r-…"). */
  what: string;
  /** Lines the card must show whole, each the entire text of one block: its heading, its state line. */
  lines?: string[];
  /** Text the card must contain somewhere: the request id, the plan hash, a reason. */
  texts?: (string | RegExp)[];
  /** Buttons the card must have. */
  buttons?: string[];
  /** Buttons the card must not have (a card in a final state, a read-only copy). */
  withoutButtons?: string[];
}

/** Who each page acts as, for the messages of failed waits. */
const pageUsers = new WeakMap<Page, string>();

/** Every card on the page that has all the features of `identity` (a Playwright locator: it re-queries on each use). */
export function cardsMatching(page: Page, identity: CardIdentity): Locator {
  let cards = page.locator('.ac-adaptiveCard');
  for (const line of identity.lines ?? []) cards = cards.filter({ has: page.getByText(line, { exact: true }) });
  for (const text of identity.texts ?? []) cards = cards.filter({ hasText: text });
  for (const name of identity.buttons ?? []) cards = cards.filter({ has: page.getByRole('button', { name, exact: true }) });
  for (const name of identity.withoutButtons ?? []) cards = cards.filter({ hasNot: page.getByRole('button', { name, exact: true }) });
  return cards;
}

function describeIdentity(identity: CardIdentity): string {
  const parts = [
    ...(identity.lines ?? []).map((l) => `the line "${l}"`),
    ...(identity.texts ?? []).map((t) => (typeof t === 'string' ? `the text "${t}"` : `text matching ${t}`)),
    ...(identity.buttons ?? []).map((b) => `a button "${b}"`),
    ...(identity.withoutButtons ?? []).map((b) => `no button "${b}"`),
  ];
  return `${identity.what} (a card with ${parts.join(', ')})`;
}

/** The first lines of every card on the page, for a failure message. */
async function cardsOnPage(page: Page): Promise<string> {
  const texts = await page.locator('.ac-adaptiveCard').allInnerTexts().catch(() => [] as string[]);
  if (!texts.length) return '(no cards)';
  return texts.map((t, i) => `  [${i}] ${t.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ')}`).join('\n');
}

/**
 * Waits (Playwright's auto-waiting `waitFor`, no fixed delay) until exactly one card on the page has all the
 * features of `identity`, and returns that card's locator. The locator stays strict: reading or clicking it later
 * fails loudly if a second card with the same features appears, instead of silently picking one by position.
 * A timeout (or two matching cards) fails with what was awaited, on whose page, and the cards that were there.
 */
export async function waitForCard(page: Page, identity: CardIdentity, timeout = 30_000): Promise<Locator> {
  const card = cardsMatching(page, identity);
  try {
    await card.waitFor({ state: 'visible', timeout });
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`waited ${timeout / 1000} s on ${pageUsers.get(page) ?? 'a page'}'s page for ${describeIdentity(identity)}: ${why}\ncards on that page:\n${await cardsOnPage(page)}`);
  }
  return card;
}

/** Clicks a card button and resolves with the card the bot answered the `adaptiveCard/action` invoke with. */
export async function clickAndReadAnswer(page: Page, card: Locator, button: string): Promise<{ status: number; text: string }> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/_conversation/v1/invoke') && r.request().method() === 'POST', { timeout: 30_000 }),
    card.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return { status: response.status(), text: await response.text() };
}
