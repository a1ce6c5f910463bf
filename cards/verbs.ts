/**
 * Every `Action.Execute` verb the cards use, declared once. The templates in `cards/templates/` use these strings and
 * the bot registers `app.adaptiveCards.actionExecute(Verbs.x, …)` with the same constants; a test checks that the
 * templates use no other verb (`verbsUsedInTemplates()` in render.ts).
 *
 * Card data is client-supplied: the `…Data` types below describe what a card sends, never what the bot may trust.
 * Data carries opaque ids only; the bot re-reads everything else and authorises the user server-side.
 */
export const Verbs = {
  /** Object card → ask for approval of a restore of the shown version. */
  requestApproval: 'restore.requestApproval',
  /** Approval card (approver view) → approve / reject. */
  approve: 'restore.approve',
  reject: 'restore.reject',
  /** Approval card `refresh`: the bot answers with the approver view or the read-only view for that viewer. */
  refreshApproval: 'restore.refresh',
  /** Chooser card → the matching object to continue with. */
  chooseObject: 'object.choose',
  /** Object card → show another backed-up version. */
  chooseVersion: 'object.version',
  /** Result card → undo this restore (a new plan, approved like any other). */
  undo: 'restore.undo',
  /** Alert card → open a bulk restore plan for what the alert found. */
  reviewAlert: 'alert.review',
} as const;

export type VerbName = keyof typeof Verbs;
export type Verb = (typeof Verbs)[VerbName];

export const ALL_VERBS: readonly Verb[] = Object.values(Verbs);

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (ALL_VERBS as readonly string[]).includes(value);
}

/** The value the object card's approver chooser sends for "any security lead". */
export const ANY_SECURITY_LEAD = 'any';

/** Ids of the object card's restore option toggles (each sends "true" or "false"). */
export type RestoreOptionId = 'withObject' | 'withMemberships' | 'withOwnerships' | 'withRoleAssignments' | 'withManager' | 'withLicenses';

/** `restore.requestApproval`: the action's data plus the object card's inputs (all strings, as Teams sends them). */
export type RequestApprovalData = {
  kind: 'user' | 'group';
  objectId: string;
  snapshotId: string;
  reason?: string;
  ticket?: string;
  /** `ANY_SECURITY_LEAD` or the id of a named security lead. */
  approver?: string;
  /** "true" | "false" */
  asNew?: string;
  newUserPrincipalName?: string;
} & Partial<Record<RestoreOptionId, string>>;

/** `restore.approve` / `restore.reject`: the plan hash is the one the approver saw (the bot compares it with the stored plan). */
export interface DecisionData {
  requestId: string;
  planHash: string;
  comment?: string;
}

/** `restore.refresh` */
export interface RefreshApprovalData {
  requestId: string;
}

export type ChooserPurpose = 'restore' | 'versions' | 'memberships' | 'diffUser';

/** `object.choose` */
export interface ChooseObjectData {
  kind: 'user' | 'group' | 'role';
  objectId: string;
  purpose: ChooserPurpose;
  /** The `at <date>` of `memberships <name> at <date>`, or "". */
  at: string;
}

/** `object.version` */
export interface ChooseVersionData {
  kind: 'user' | 'group';
  objectId: string;
  snapshotId: string;
}

/** `restore.undo` */
export interface UndoData {
  restoreId: string;
}

/** `alert.review` */
export interface ReviewAlertData {
  alertId: string;
}

/** What each verb's card data looks like (for `actionExecute<VerbDataOf<…>>`). */
export interface VerbDataMap {
  'restore.requestApproval': RequestApprovalData;
  'restore.approve': DecisionData;
  'restore.reject': DecisionData;
  'restore.refresh': RefreshApprovalData;
  'object.choose': ChooseObjectData;
  'object.version': ChooseVersionData;
  'restore.undo': UndoData;
  'alert.review': ReviewAlertData;
}

export type VerbDataOf<V extends Verb> = VerbDataMap[V];
