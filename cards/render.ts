/**
 * The one way to make a card: `renderCard(name, viewModel)` expands `cards/templates/<name>.json` with
 * adaptivecards-templating and checks the result.
 *
 * Before expansion the view model is normalised: text is clipped to `TEXT_LIMITS` (ids and secrets are not), lists
 * are cut to `LIMITS` (adding to `more`), and `undefined` is refused. Values are bound as data, never re-parsed as
 * template text, so a reason or a display name containing `${…}` is shown literally. After expansion it refuses a
 * card with an unbound field, a template warning, a `null` left where text belongs, more than 60 refresh user ids, or
 * more than 28 KB of JSON (UTF-8), naming the card and the problem.
 */
import { GlobalSettings, Template } from 'adaptivecards-templating';
import alertTemplate from './templates/alert.json';
import approvalTemplate from './templates/approval.json';
import chooserTemplate from './templates/chooser.json';
import dailySummaryTemplate from './templates/dailySummary.json';
import errorTemplate from './templates/error.json';
import helpTemplate from './templates/help.json';
import objectTemplate from './templates/object.json';
import resultTemplate from './templates/result.json';
import credentialTemplate from './templates/credential.json';
import roleDiffTemplate from './templates/roleDiff.json';
import { CardName, LIMITS, MAX_ID_LENGTH, OPAQUE_FIELDS, TEXT_LIMITS, ViewModelOf } from './view-models';

export type { CardName, ViewModelOf } from './view-models';

/** A rendered card: what `CardFactory.adaptiveCard(…)` takes and what an `actionExecute` handler returns. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: unknown[];
  actions?: unknown[];
  refresh?: { action: { type: 'Action.Execute'; verb: string; data?: Record<string, unknown> }; userIds?: string[] };
  [key: string]: unknown;
}

export const CARD_VERSION = '1.5';
export const MAX_CARD_BYTES = 28 * 1024;

export const CARD_RENDER_ERROR = 'CardRenderError';

export class CardRenderError extends Error {
  constructor(readonly card: CardName, message: string) {
    super(`card "${card}": ${message}`);
    this.name = CARD_RENDER_ERROR;
  }
}

export function isCardRenderError(error: unknown): error is CardRenderError {
  return error instanceof Error && error.name === CARD_RENDER_ERROR;
}

const TEMPLATE_JSON: { readonly [K in CardName]: unknown } = {
  object: objectTemplate,
  approval: approvalTemplate,
  result: resultTemplate,
  credential: credentialTemplate,
  chooser: chooserTemplate,
  dailySummary: dailySummaryTemplate,
  roleDiff: roleDiffTemplate,
  alert: alertTemplate,
  help: helpTemplate,
  error: errorTemplate,
};

export const CARD_NAMES = Object.keys(TEMPLATE_JSON) as CardName[];

/**
 * The longest list each card shows, by path in its view model (`a.b` for fields, `a[]` for the elements of a list;
 * a `Shown` list is addressed by its own path, its elements by `path[]`).
 */
const LIST_LIMITS: { readonly [K in CardName]: Readonly<Record<string, number>> } = {
  object: {
    versions: LIMITS.object.versions,
    'versions[].changed': LIMITS.object.changedAttributesPerVersion,
    'whatChanged.rows': LIMITS.object.attributeRows,
    'relationships[].rows': LIMITS.object.relationRowsPerSection,
    approvers: LIMITS.object.approvers,
    notices: LIMITS.object.notices,
  },
  approval: {
    decisions: LIMITS.approval.decisions,
    'sensitivity.reasons': LIMITS.approval.sensitivityReasons,
    'plan.actionCounts': LIMITS.approval.actionCounts,
    'plan.steps': LIMITS.approval.steps,
    'plan.skips': LIMITS.approval.skips,
    'plan.warnings': LIMITS.approval.warnings,
  },
  result: { failures: LIMITS.result.failures, skips: LIMITS.result.skips, credentials: LIMITS.result.credentials },
  credential: {},
  chooser: { matches: LIMITS.chooser.matches },
  dailySummary: { types: LIMITS.dailySummary.types, roleChanges: LIMITS.dailySummary.roleChanges, notes: LIMITS.dailySummary.notes },
  roleDiff: { added: LIMITS.roleDiff.added, removed: LIMITS.roleDiff.removed },
  alert: { objects: LIMITS.alert.objects, counts: LIMITS.alert.counts },
  help: { commands: LIMITS.help.commands },
  error: {},
};

/** Properties a template may drop with `$when` on an object value (templating leaves them as `null`). */
const DROPPABLE_PROPERTIES = new Set(['refresh']);

const templates = new Map<CardName, Template>();

function templateOf(name: CardName): Template {
  let template = templates.get(name);
  if (!template) {
    template = new Template(TEMPLATE_JSON[name]);
    templates.set(name, template);
  }
  return template;
}

export function renderCard<K extends CardName>(name: K, data: ViewModelOf<K>): AdaptiveCard {
  if (!(name in TEMPLATE_JSON)) throw new Error(`there is no card named "${String(name)}"; cards: ${CARD_NAMES.join(', ')}`);
  const root = normalise(name, data, '', '');
  const template = templateOf(name);

  const unbound: string[] = [];
  const previous = GlobalSettings.getUndefinedFieldValueSubstitutionString;
  GlobalSettings.getUndefinedFieldValueSubstitutionString = (path: string) => {
    unbound.push(path);
    return undefined;
  };
  let expanded: unknown;
  try {
    expanded = template.expand({ $root: root });
  } finally {
    GlobalSettings.getUndefinedFieldValueSubstitutionString = previous;
  }
  if (unbound.length > 0) throw new CardRenderError(name, `the view model has no value for ${[...new Set(unbound)].map((p) => `"${p}"`).join(', ')}`);
  // adaptivecards-templating 2.3.1 also "warns" about every `$when` that is simply false; only a `$when` that is not an
  // expression at all is a template bug.
  const warnings = template.getLastTemplateExpansionWarnings().filter((w) => !w.startsWith('WARN: Unable to parse the Adaptive Expression'));
  if (warnings.length > 0) throw new CardRenderError(name, `template warnings: ${warnings.join('; ')}`);

  const card = removeDroppedProperties(name, expanded, '') as AdaptiveCard;
  if (card.type !== 'AdaptiveCard' || card.version !== CARD_VERSION) throw new CardRenderError(name, `the template is not an Adaptive Card ${CARD_VERSION}`);
  const userIds = card.refresh?.userIds ?? [];
  if (userIds.length > LIMITS.refreshUserIds) {
    throw new CardRenderError(name, `refresh has ${userIds.length} user ids; Teams refreshes for at most ${LIMITS.refreshUserIds}: choose the approvers to notify`);
  }
  const bytes = cardBytes(card);
  if (bytes > MAX_CARD_BYTES) {
    throw new CardRenderError(name, `the card is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte (28 KB) limit: show fewer items (LIMITS in cards/view-models.ts)`);
  }
  return card;
}

/** The card's size as sent: UTF-8 bytes of its JSON. */
export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Clips text to `max` code points (never splitting a surrogate pair), marking the cut with "…". */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const codePoints = Array.from(text);
  if (codePoints.length <= max) return text;
  return `${codePoints.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function isShown(value: object): value is { items: unknown[]; more: number } {
  return Array.isArray((value as { items?: unknown }).items) && typeof (value as { more?: unknown }).more === 'number';
}

/** A deep copy with text clipped, lists cut to their limits and `undefined` refused. `key` is the field whose value this is. */
function normalise(card: CardName, value: unknown, path: string, key: string): unknown {
  const where = path === '' ? 'the view model' : `"${path}"`;
  if (value === undefined) throw new CardRenderError(card, `${where} is undefined; use '', 0, [] or false for "nothing"`);
  if (typeof value === 'string') {
    if (!OPAQUE_FIELDS.has(key)) return clipText(value, TEXT_LIMITS[key] ?? TEXT_LIMITS.default);
    if (value.length > MAX_ID_LENGTH) throw new CardRenderError(card, `${where} is ${value.length} characters long; an id is at most ${MAX_ID_LENGTH}`);
    return value;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new CardRenderError(card, `${where} is ${value}`);
  if (value === null || typeof value !== 'object') return value;
  const limit = LIST_LIMITS[card][path];
  if (Array.isArray(value)) {
    const kept = limit === undefined ? value : value.slice(0, limit);
    return kept.map((item) => normalise(card, item, `${path}[]`, key));
  }
  if (isShown(value)) {
    const kept = limit === undefined ? value.items : value.items.slice(0, limit);
    return {
      items: kept.map((item) => normalise(card, item, `${path}[]`, key)),
      more: Math.max(0, value.more) + (value.items.length - kept.length),
    };
  }
  const copy: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    copy[field] = normalise(card, fieldValue, path === '' ? field : `${path}.${field}`, field);
  }
  return copy;
}

/** Drops properties that a `$when` removed (left as `null`); any other `null` is a template bug. */
function removeDroppedProperties(card: CardName, value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => removeDroppedProperties(card, item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (child === null || child === undefined) {
      if (DROPPABLE_PROPERTIES.has(key)) continue;
      throw new CardRenderError(card, `"${childPath}" rendered as ${String(child)}: the view model has null where the template expects a value`);
    }
    result[key] = removeDroppedProperties(card, child, childPath);
  }
  return result;
}

/** Every `Action.Execute` verb in the templates (buttons and `refresh`), sorted: the bot tests that each is routed. */
export function verbsUsedInTemplates(): string[] {
  const verbs = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute' && typeof record.verb === 'string') verbs.add(record.verb);
    Object.values(record).forEach(visit);
  };
  Object.values(TEMPLATE_JSON).forEach(visit);
  return [...verbs].sort();
}
