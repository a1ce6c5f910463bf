/** Helpers to look inside rendered cards, and the official `adaptivecards` parser as a validator. */
// The package index also loads its carousel, which imports the ESM-only `swiper` that jest cannot require; the card
// elements and the serializer are all a 1.5 parse needs.
import { AdaptiveCard as ParsedCard, SerializationContext } from 'adaptivecards/lib/card-elements';
import { Versions } from 'adaptivecards/lib/serialization';

export type Node = Record<string, unknown>;

/** Every object in the card (elements, inlines, actions, choices…), depth first. */
export function nodesOf(card: unknown): Node[] {
  const found: Node[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    found.push(value as Node);
    Object.values(value).forEach(visit);
  };
  visit(card);
  return found;
}

export function ofType(card: unknown, type: string): Node[] {
  return nodesOf(card).filter((node) => node.type === type);
}

export function executeActions(card: unknown): Node[] {
  return ofType(card, 'Action.Execute');
}

export function actionTitled(card: unknown, title: string): Node | undefined {
  return nodesOf(card).find((node) => typeof node.type === 'string' && node.type.startsWith('Action.') && node.title === title);
}

/** Text of every TextRun, in order. */
export function textRuns(card: unknown): string[] {
  return ofType(card, 'TextRun').map((node) => String(node.text));
}

/** Everything a person can read on the card (TextBlock, TextRun, input values and labels, choice titles), joined. */
export function visibleText(card: unknown): string {
  return nodesOf(card)
    .flatMap((node) => [node.text, node.title, node.label, node.value, node.placeholder].filter((v): v is string => typeof v === 'string'))
    .join('\n');
}

/** Text shown through markdown-rendering properties (TextBlock text, Fact title/value). */
export function markdownText(card: unknown): string[] {
  const texts: string[] = [];
  for (const node of nodesOf(card)) {
    if (node.type === 'TextBlock') texts.push(String(node.text));
    if (node.type === 'FactSet') for (const fact of (node.facts as Node[]) ?? []) texts.push(String(fact.title), String(fact.value));
  }
  return texts;
}

/** Template keywords or a `null` left in the rendered card. */
export function leftovers(card: unknown): string[] {
  const problems: string[] = [];
  for (const node of nodesOf(card)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$data' || key === '$when' || key === '$index') problems.push(`${key} left`);
      if (value === null) problems.push(`${key} is null`);
    }
  }
  return problems;
}

/** Parses with adaptivecards 2.11 for target version 1.5: the parse events and the validation events, as messages. */
export function parserProblems(card: unknown): string[] {
  const parsed = new ParsedCard();
  const context = new SerializationContext(Versions.v1_5);
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}

/** Round-trips through the parser: the verbs it sees on Action.Execute (so a typo in "type" would lose the action). */
export function parsedVerbs(card: unknown): string[] {
  const parsed = new ParsedCard();
  const context = new SerializationContext(Versions.v1_5);
  parsed.parse(card, context);
  return executeActions(parsed.toJSON(context)).map((action) => String(action.verb));
}
