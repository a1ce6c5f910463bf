/**
 * Card JSON → PNG, the way a Teams chat shows it: headless Chromium (Debian's, at /usr/bin/chromium; Playwright's
 * own browsers are never downloaded) renders the card with the official adaptivecards 2.11 JS renderer and a
 * Teams-light-like HostConfig, 480 CSS px wide at device scale 2, and screenshots the card element only; the PNG is
 * re-encoded with a palette (scripts/png.ts) to keep it small.
 *
 * `render` refuses a card with any adaptivecards parse or validation event (target version 1.5), naming them.
 * The page may load nothing from the network: every request other than loopback, file:, data:, blob: and about: is
 * aborted (the page and the renderer are injected from disk).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { decodePng, encodeIndexedPng } from '../png';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CARD_WIDTH = 480;
export const DEVICE_SCALE = 2;

const PAGE_HTML = path.join(__dirname, 'page.html');
const RENDERER_JS = require.resolve('adaptivecards/dist/adaptivecards.min.js');
const PAGE_PADDING = 24;

const FONT = "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', 'Liberation Sans', Arial, sans-serif";
const MONOSPACE = "'Cascadia Mono', Consolas, Menlo, 'Liberation Mono', 'DejaVu Sans Mono', monospace";
const FONT_SIZES = { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 };
const FONT_WEIGHTS = { lighter: 200, default: 400, bolder: 600 };

const FOREGROUND = {
  default: { default: '#242424', subtle: '#616161' },
  dark: { default: '#242424', subtle: '#424242' },
  light: { default: '#FFFFFF', subtle: '#E0E0E0' },
  accent: { default: '#6264A7', subtle: '#8B8CC7' },
  good: { default: '#237B4B', subtle: '#4C9A6B' },
  warning: { default: '#835B00', subtle: '#A37A1F' },
  attention: { default: '#C4314B', subtle: '#D1596E' },
};

const containerStyle = (backgroundColor: string) => ({ backgroundColor, foregroundColors: FOREGROUND });

/** Microsoft Teams, light theme, approximately: Segoe UI (with fallbacks), Teams purple accents, Teams spacing. */
export const TEAMS_LIGHT_HOST_CONFIG = {
  supportsInteractivity: true,
  fontTypes: {
    default: { fontFamily: FONT, fontSizes: FONT_SIZES, fontWeights: FONT_WEIGHTS },
    monospace: { fontFamily: MONOSPACE, fontSizes: FONT_SIZES, fontWeights: FONT_WEIGHTS },
  },
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  imageSizes: { small: 32, medium: 52, large: 160 },
  containerStyles: {
    default: containerStyle('#FFFFFF'),
    emphasis: containerStyle('#F5F5F5'),
    accent: containerStyle('#E8EBFA'),
    good: containerStyle('#E7F2DA'),
    attention: containerStyle('#FCF4F6'),
    warning: containerStyle('#FBF6D9'),
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
    iconSize: 16,
  },
  adaptiveCard: { allowCustomStyle: true },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true, maxWidth: 150 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 8,
  },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'bolder' },
    },
    errorMessage: { size: 'small', spacing: 'small', color: 'attention' },
  },
};

export interface CardPreview {
  /** An indexed PNG of the card element (see `encodeIndexedPng`). */
  png: Buffer;
  /** The card's size in CSS pixels (the PNG is `DEVICE_SCALE` times larger). */
  width: number;
  height: number;
  /** Characters of text the rendered card shows (0 for an empty card). */
  textLength: number;
}

export const CARD_PREVIEW_ERROR = 'CardPreviewError';

/** The renderer found problems with a card: every adaptivecards parse or validation event. */
export class CardPreviewError extends Error {
  constructor(readonly problems: string[]) {
    super(`the adaptivecards renderer reported ${problems.length} problem(s): ${problems.join('; ')}`);
    this.name = CARD_PREVIEW_ERROR;
  }
}

export interface CardPreviewRenderer {
  /** Renders one card; throws `CardPreviewError` when the renderer reports any parse or validation event. */
  render(card: unknown): Promise<CardPreview>;
  close(): Promise<void>;
}

export interface RendererOptions {
  executablePath?: string;
  width?: number;
  deviceScaleFactor?: number;
}

/** Loopback, local and inline URLs: the only ones the preview page may request. */
export function isAllowedUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (['file:', 'data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:' && parsed.protocol !== 'ws:') return false;
  return parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
}

export function chromiumMissingMessage(executablePath: string): string {
  return `Chromium is not installed at ${executablePath}. Card previews render in Debian's chromium: CI installs it with apt `
    + '(apt-get install -y chromium); do the same locally. Playwright\'s own browsers are not used and never downloaded.';
}

/** Launches Chromium once; `render` reuses one page for every card. */
export async function openCardPreviewRenderer(options: RendererOptions = {}): Promise<CardPreviewRenderer> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  const width = options.width ?? CARD_WIDTH;
  if (!existsSync(executablePath)) throw new Error(chromiumMissingMessage(executablePath));
  const browser: Browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: width + 2 * PAGE_PADDING, height: 800 },
      deviceScaleFactor: options.deviceScaleFactor ?? DEVICE_SCALE,
      colorScheme: 'light',
      locale: 'en-US',
      timezoneId: 'UTC',
      serviceWorkers: 'block',
    });
    await context.route('**/*', (route) => (isAllowedUrl(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    await page.setContent(readFileSync(PAGE_HTML, 'utf8'), { waitUntil: 'load' });
    await page.addScriptTag({ path: RENDERER_JS });
    await page.evaluate('document.fonts.ready.then(() => true)');
    const card = page.locator('#card');
    return {
      async render(json) {
        const payload = JSON.stringify({ card: json, hostConfig: TEAMS_LIGHT_HOST_CONFIG, width });
        const rendered = (await page.evaluate(`window.renderPreview(${payload})`)) as { problems: string[]; width: number; height: number; textLength: number };
        if (rendered.problems.length > 0) throw new CardPreviewError(rendered.problems);
        await page.evaluate('document.fonts.ready.then(() => true)');
        const screenshot = await card.screenshot({ type: 'png', animations: 'disabled', caret: 'hide', scale: 'device' });
        return { png: encodeIndexedPng(decodePng(screenshot)), width: rendered.width, height: rendered.height, textLength: rendered.textLength };
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
