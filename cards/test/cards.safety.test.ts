import { renderCard, CARD_NAMES, cardBytes, MAX_CARD_BYTES } from '../render';
import { CardName, OPAQUE_FIELDS, TEXT_LIMITS } from '../view-models';
import { buildApprovalCard, buildCredentialCard, buildObjectCard, FIXTURES } from './fixtures';
import { markdownText, parserProblems, textRuns, visibleText } from './inspect';

const HOSTILE: [string, string][] = [
  ['template syntax', '${reason} ${$root.requestId} ${1+1} ${join(items, ",")} $when $data {{DATE(2026-01-01T00:00:00Z)}}'],
  ['quotes and backslashes', 'He said "restore it" — it\'s O\'Brien\'s \\ `tick` </script>'],
  ['markdown', '**bold** _italic_ [click me](https://evil.example) # heading\n- item\n1. one <at>Megan</at>'],
  ['emoji and accents', '👩‍💻 Zoë Ångström 🚀 résumé 日本語 🇳🇴'],
];

describe('user text is rendered literally', () => {
  test.each(HOSTILE)('When a reason contains %s, then the approval card shows it character for character in a TextRun', (_label, text) => {
    const card = renderCard('approval', buildApprovalCard({ reason: text }));

    expect(textRuns(card)).toContain(text);
  });

  test.each(HOSTILE)('When a display name contains %s, then the object card shows it literally and never through markdown', (_label, text) => {
    const model = buildObjectCard();
    const card = renderCard('object', { ...model, object: { ...model.object, displayName: text } });

    expect(textRuns(card)).toContain(text);
    expect(markdownText(card).filter((t) => t.includes(text))).toEqual([]);
  });

  test('When a display name is "${reason}", then the approval card does not substitute the reason into it', () => {
    const model = buildApprovalCard({ reason: 'SECRET-REASON' });
    const card = renderCard('approval', { ...model, target: { ...model.target, name: '${reason}' } });

    expect(textRuns(card)).toContain('${reason}');
    expect(textRuns(card).filter((t) => t === 'SECRET-REASON')).toHaveLength(1);
  });
});

const MARKER = '**md** ${x} [link](https://evil.example)';
/** Fields whose values are enums the templates switch on, and bot-authored labels of inputs. */
const NOT_USER_TEXT = new Set(['kind', 'state', 'status', 'decision', 'change', 'purpose', 'mode', 'key', 'title']);

function poison(value: unknown, key: string): unknown {
  if (typeof value === 'string') return OPAQUE_FIELDS.has(key) || NOT_USER_TEXT.has(key) ? value : `${value} ${MARKER}`;
  if (Array.isArray(value)) return value.map((item) => poison(item, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([field, child]) => [field, poison(child, field === 'items' ? key : field)]));
}

describe('no text from the view model reaches a markdown-rendering property', () => {
  test.each(CARD_NAMES)('When every text field of the %s card carries markdown and template syntax, then it shows them literally and only outside TextBlocks', (name: CardName) => {
    const card = renderCard(name, poison(FIXTURES[name].realistic(), '') as never);

    expect(visibleText(card)).toContain(MARKER);
    expect(markdownText(card).filter((text) => text.includes('**md**'))).toEqual([]);
    expect(parserProblems(card)).toEqual([]);
  });
});

describe('long text is clipped where the view model says', () => {
  test('When a reason is 10,000 characters, then the approval card shows its first 999 and "…" and stays under 28 KB', () => {
    const card = renderCard('approval', buildApprovalCard({ reason: 'R'.repeat(10_000) }));

    expect(textRuns(card)).toContain(`${'R'.repeat(TEXT_LIMITS.reason - 1)}…`);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
  });

  test('When a display name is 10,000 emoji, then it is clipped to whole emoji (no broken surrogate pair)', () => {
    const model = buildObjectCard();
    const card = renderCard('object', { ...model, object: { ...model.object, displayName: '🚀'.repeat(10_000) } });
    const name = textRuns(card).find((text) => text.startsWith('🚀')) ?? '';

    expect(Array.from(name)).toHaveLength(TEXT_LIMITS.default);
    expect(name.endsWith('🚀…')).toBe(true);
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  test.each(CARD_NAMES)('When every text field of the %s card is 10,000 characters, then the card renders clipped and still parses', (name: CardName) => {
    const stretch = (value: unknown, key: string): unknown => {
      if (typeof value === 'string') return OPAQUE_FIELDS.has(key) || NOT_USER_TEXT.has(key) ? value : 'x'.repeat(10_000);
      if (Array.isArray(value)) return value.map((item) => stretch(item, key));
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([field, child]) => [field, stretch(child, field === 'items' ? key : field)]));
    };

    const card = renderCard(name, stretch(FIXTURES[name].realistic(), '') as never);

    expect(visibleText(card)).not.toContain('x'.repeat(TEXT_LIMITS.reason + 1));
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(parserProblems(card)).toEqual([]);
  });

  test('When a credential secret is long, then it is never clipped', () => {
    const secret = 'S'.repeat(200);
    const card = renderCard('credential', buildCredentialCard({ credential: { kind: 'password', userPrincipalName: 'bob@contoso.com', secret, note: '' } }));

    expect(textRuns(card)).toContain(secret);
  });
});
