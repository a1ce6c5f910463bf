/**
 * The card previews (scripts/card-previews/render.ts, used by `npm run cards:preview`) render in headless Chromium:
 * a card becomes a PNG of the card's width and content, an empty card a small and different one, and a card the
 * adaptivecards renderer reports problems with is refused. CI installs Debian's chromium with apt; without
 * /usr/bin/chromium these tests fail and say so.
 */
import { renderCard } from '../render';
import { decodePng, inkStats, pngSize } from '../../scripts/png';
import {
  CARD_PREVIEW_ERROR, CARD_WIDTH, CardPreviewRenderer, DEVICE_SCALE, isAllowedUrl, openCardPreviewRenderer,
} from '../../scripts/card-previews/render';
import { buildApprovalCard } from './fixtures';

jest.setTimeout(60_000);

describe('when cards are rendered to PNG previews in headless Chromium', () => {
  let renderer: CardPreviewRenderer | undefined;
  const open = (): CardPreviewRenderer => {
    if (!renderer) throw new Error('the preview renderer did not start (see the beforeAll error)');
    return renderer;
  };
  beforeAll(async () => {
    renderer = await openCardPreviewRenderer();
  });
  afterAll(async () => {
    await renderer?.close();
  });

  it('then the approver view of the approval card is a PNG as wide as a Teams card at scale 2, full of text, unlike an empty card', async () => {
    const approval = await open().render(renderCard('approval', buildApprovalCard({ view: { kind: 'approver' } })));
    const empty = await open().render({ type: 'AdaptiveCard', version: '1.5', body: [] });

    const size = pngSize(approval.png);
    expect(size.width).toBe(CARD_WIDTH * DEVICE_SCALE);
    expect(size.height).toBeGreaterThan(600);
    expect(size.height).toBeLessThan(8000);
    expect(approval.png.length).toBeGreaterThan(20 * 1024);
    expect(approval.png.length).toBeLessThan(300 * 1024);
    expect(approval.textLength).toBeGreaterThan(500);
    const ink = inkStats(decodePng(approval.png));
    expect(ink.colors).toBeGreaterThan(32);
    expect(ink.inkShare).toBeGreaterThan(0.05);

    const emptySize = pngSize(empty.png);
    expect(emptySize.width).toBe(CARD_WIDTH * DEVICE_SCALE);
    expect(emptySize.height * 5).toBeLessThan(size.height);
    expect(empty.textLength).toBe(0);
    expect(empty.png.equals(approval.png)).toBe(false);
  });

  it('then a card with an element type the renderer does not know is refused, naming the problem', async () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'typo in the type' }] };
    await expect(open().render(broken)).rejects.toMatchObject({ name: CARD_PREVIEW_ERROR, message: expect.stringMatching(/TextBlok/) });
  });
});

describe('when the preview page asks for a URL', () => {
  it('then only loopback, file, data, blob and about URLs are allowed', () => {
    for (const url of ['http://127.0.0.1:3978/x', 'http://localhost/a.png', 'file:///tmp/a.png', 'data:image/png;base64,AA==', 'about:blank', 'blob:null/1']) {
      expect(isAllowedUrl(url)).toBe(true);
    }
    for (const url of ['https://adaptivecards.io/schemas/adaptive-card.json', 'http://127.0.0.1.example.com/', 'https://localhost.example/', 'ftp://127.0.0.1/', 'not a url']) {
      expect(isAllowedUrl(url)).toBe(false);
    }
  });
});
