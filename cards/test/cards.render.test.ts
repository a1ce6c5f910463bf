import { ALL_VERBS, Verbs } from '../verbs';
import { CARD_NAMES, CARD_VERSION, MAX_CARD_BYTES, cardBytes, renderCard, verbsUsedInTemplates } from '../render';
import { CardName } from '../view-models';
import { FIXTURES } from './fixtures';
import { executeActions, leftovers, nodesOf, parsedVerbs, parserProblems } from './inspect';

const cases = CARD_NAMES.flatMap((name) => (['realistic', 'largest'] as const).map((size) => [name, size] as [CardName, 'realistic' | 'largest']));

function render(name: CardName, size: 'realistic' | 'largest') {
  // The fixture table keeps each card paired with its own view model.
  return renderCard(name, FIXTURES[name][size]() as never);
}

describe('every card renders from its view model', () => {
  test('When the fixtures are listed, then there is one for every card name', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...CARD_NAMES].sort());
  });

  test.each(cases)('When the %s card is rendered with %s data, then it is Adaptive Card 1.5 JSON with the schema', (name, size) => {
    const card = render(name, size);

    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe(CARD_VERSION);
    expect(card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
  });

  test.each(cases)('When the %s card is rendered with %s data, then nothing of the template is left over', (name, size) => {
    const card = render(name, size);

    expect(JSON.stringify(card)).not.toContain('${');
    expect(leftovers(card)).toEqual([]);
  });

  test.each(cases)('When the %s card is rendered with %s data, then every text, title and value is a string', (name, size) => {
    const nonStrings = nodesOf(render(name, size)).flatMap((node) =>
      (['text', 'title', 'value', 'label'] as const).filter((key) => key in node && typeof node[key] !== 'string').map((key) => `${String(node.type)}.${key}`),
    );

    expect(nonStrings).toEqual([]);
  });

  test.each(cases)('When the %s card is rendered with %s data, then it fits in 28 KB', (name, size) => {
    expect(cardBytes(render(name, size))).toBeLessThanOrEqual(MAX_CARD_BYTES);
  });

  test.each(cases)('When the %s card is rendered with %s data, then every Action.Execute verb is a declared verb', (name, size) => {
    const verbs = executeActions(render(name, size)).map((action) => action.verb);

    expect(verbs.filter((verb) => !(ALL_VERBS as readonly unknown[]).includes(verb))).toEqual([]);
  });

  test.each(cases)('When the %s card (%s) is parsed by adaptivecards 2.11 at 1.5, then it reports no problem and keeps every verb', (name, size) => {
    const card = render(name, size);

    expect(parserProblems(card)).toEqual([]);
    expect(parsedVerbs(card).sort()).toEqual(executeActions(card).map((action) => String(action.verb)).sort());
  });

  test('When the same view model is rendered twice, then the cards are equal (the cached template is not mutated)', () => {
    const first = render('approval', 'largest');
    const second = render('approval', 'largest');

    expect(second).toEqual(first);
  });
});

describe('verbs', () => {
  test('When the templates are scanned, then they use exactly the declared verbs, each at least once', () => {
    expect(verbsUsedInTemplates()).toEqual([...ALL_VERBS].sort());
  });

  test('When verbs are declared, then they are unique', () => {
    expect(new Set(Object.values(Verbs)).size).toBe(Object.values(Verbs).length);
  });
});
