/**
 * View models: display-ready data for each card, one type per card. The bot maps engine results (plans, outcomes,
 * snapshots, diffs) into these; `cards/` imports nothing from the engine.
 *
 * Conventions:
 * - Every field is present. "Nothing" is `''`, `0`, `[]` or `false`, never `undefined` (an unbound `${field}` is a
 *   render error) and never `null` inside text.
 * - Times and sizes are already formatted by the bot (`when: '22 Nov 2026 02:00 UTC'`).
 * - Lists that can grow are `Shown<T>`: the items to show and how many more there are. Build them with
 *   `shown(all, LIMITS.x.y)`; the template prints "…and N more", it never counts or slices.
 * - Text is clipped by `renderCard` to `TEXT_LIMITS[field name]` (or `TEXT_LIMITS.default`) code points, with "…".
 *   Ids (`OPAQUE_FIELDS`) and secrets are never clipped; an id longer than `MAX_ID_LENGTH` is a render error.
 * - Text from the directory or from people (names, reasons, comments, Graph messages) is shown literally: the
 *   templates put it in `TextRun`s, inputs and choice titles, never in markdown-rendering `TextBlock`s or facts.
 */
import type { ChooserPurpose, RestoreOptionId } from './verbs';

/** An id the bot resolves server-side (object id, snapshot id, request id…). */
export type OpaqueId = string;

export interface Shown<T> {
  items: T[];
  /** How many were left out. */
  more: number;
}

/** The first `max` items and how many were left out. */
export function shown<T>(all: readonly T[], max: number): Shown<T> {
  const items = all.slice(0, Math.max(0, max));
  return { items, more: all.length - items.length };
}

/** The largest lists each card shows; `renderCard` cuts longer lists (adding to `more`). */
export const LIMITS = {
  object: { versions: 8, changedAttributesPerVersion: 6, attributeRows: 15, relationRowsPerSection: 8, approvers: 20, notices: 5 },
  approval: { steps: 20, skips: 40, decisions: 6, actionCounts: 14, sensitivityReasons: 6, warnings: 5 },
  result: { failures: 15, skips: 30, credentials: 20 },
  chooser: { matches: 10 },
  dailySummary: { types: 12, roleChanges: 15, notes: 5 },
  roleDiff: { added: 30, removed: 30 },
  alert: { objects: 15, counts: 8 },
  help: { commands: 16 },
  /** Teams refreshes a card automatically for at most 60 users. */
  refreshUserIds: 60,
} as const;

/** Clip lengths (code points) by field name; anything not listed gets `default`. */
export const TEXT_LIMITS: Readonly<Record<string, number>> = {
  default: 160,
  reason: 1000,
  comment: 500,
  note: 300,
  detail: 300,
  description: 300,
  message: 600,
  whatToDo: 600,
  stateDetail: 300,
  statusDetail: 300,
  headline: 200,
  intro: 300,
  notices: 300,
  warnings: 300,
  notes: 300,
  reasons: 200,
  then: 200,
  now: 200,
  changed: 60,
  ticket: 64,
  outcome: 600,
  usage: 80,
  suggestion: 200,
};

/** Fields holding opaque ids or secrets: never clipped (a clipped id would route to the wrong object). */
export const OPAQUE_FIELDS: ReadonlySet<string> = new Set([
  'objectId', 'snapshotId', 'requestId', 'restoreId', 'alertId', 'planHash', 'id', 'selectedApproverId', 'refreshUserIds', 'secret',
]);
export const MAX_ID_LENGTH = 256;

// ---------------------------------------------------------------------------------------------------------------
// Object card: `restore user bob`, `versions user bob`, `memberships bob at …`

export type ObjectKind = 'user' | 'group';
/** A relationship at the chosen version versus today. */
export type RowStatus = 'same' | 'onlyThen' | 'onlyNow';

export interface VersionRow {
  snapshotId: OpaqueId;
  when: string;
  /** Attribute names that changed in this version (vs the one before); empty for the first version. */
  changed: Shown<string>;
  selected: boolean;
}

export interface AttributeRow {
  attribute: string;
  /** Value at the chosen version ("—" for none). */
  then: string;
  /** Value today ("—" for none, "(deleted)" when the object is gone). */
  now: string;
}

export interface RelationRow {
  name: string;
  /** e.g. a UPN, "Security group", "scope: /" or a SKU part number; '' for none. */
  detail: string;
  status: RowStatus;
}

export interface RelationshipSection {
  key: 'memberships' | 'ownerships' | 'roles' | 'manager' | 'licenses';
  title: string;
  counts: { same: number; onlyThen: number; onlyNow: number };
  /** Differences first, then the rest. */
  rows: Shown<RelationRow>;
}

export interface RestoreOptionToggle {
  id: RestoreOptionId;
  title: string;
  on: boolean;
}

export interface ApproverChoice {
  /** The security lead's id (the bot maps it back and re-checks membership). */
  id: OpaqueId;
  /** e.g. "Megan Bowen (megan@contoso.com)". */
  title: string;
}

export interface ObjectCardModel {
  object: {
    kind: ObjectKind;
    objectId: OpaqueId;
    displayName: string;
    /** '' for groups. */
    userPrincipalName: string;
    state: 'exists' | 'recycleBin' | 'deleted';
    /** e.g. "Deleted 21 Nov 2026; still in the recycle bin, so it comes back with its original id". */
    stateDetail: string;
  };
  /** Newest first. */
  versions: Shown<VersionRow>;
  selected: { snapshotId: OpaqueId; when: string };
  /** Attributes that differ between the chosen version and `comparedWith`. */
  whatChanged: { comparedWith: string; rows: Shown<AttributeRow> };
  relationships: RelationshipSection[];
  /** Warnings shown above the options (synced from on-premises, UPN taken, no licence seats…). */
  notices: string[];
  /** False when this object cannot be restored from chat; `cannotRequestReason` says why. */
  canRequest: boolean;
  cannotRequestReason: string;
  options: RestoreOptionToggle[];
  /** Restore a copy under a new UPN (users only). */
  asNew: { offered: boolean; on: boolean; suggestedUserPrincipalName: string };
  /** Named security leads; the card always offers "Any security lead" (`ANY_SECURITY_LEAD`) first. */
  approvers: ApproverChoice[];
  /** `ANY_SECURITY_LEAD` or one of `approvers[].id`. */
  selectedApproverId: OpaqueId;
  /** Inputs kept across a re-render (e.g. after the bot refused a request). */
  prefill: { reason: string; ticket: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Approval card

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'running' | 'complete' | 'incomplete' | 'failed' | 'expired' | 'superseded';

/**
 * Who the card is rendered for.
 * - `shared`: the message posted to the approvals channel / chats, seen by everyone. Read-only, and while pending it
 *   carries `refresh` with the eligible approvers' Teams user ids (MRIs, `29:…`, at most 60), so their clients ask the
 *   bot for their own view.
 * - `approver`: the answer to a refresh (or a click) from a user the bot authorised: comment + Approve / Reject.
 *   It carries no `refresh`, so teams-ai does not turn the answer into an edit of the shared message.
 * - `readOnly`: the answer to a refresh from anyone else (the requester, an approver who already decided), with a
 *   note saying why there are no buttons.
 */
export type ApprovalView =
  | { kind: 'shared'; refreshUserIds: string[] }
  | { kind: 'approver' }
  | { kind: 'readOnly'; note: string };

export interface ApprovalCardModel {
  requestId: OpaqueId;
  state: ApprovalState;
  /** e.g. "1 of 2 approvals · expires 23 Nov 2026 14:00 UTC". */
  stateDetail: string;
  requester: { name: string; userPrincipalName: string };
  requestedAt: string;
  reason: string;
  /** '' when none was given. */
  ticket: string;
  target: { kindLabel: string; name: string; /** '' for none */ userPrincipalName: string; versionWhen: string };
  sensitivity: { privileged: boolean; reasons: string[]; approvalsNeeded: number; approvalsReceived: number };
  decisions: Shown<{ approver: string; decision: 'approved' | 'rejected'; when: string; /** '' for none */ comment: string }>;
  plan: {
    /** The full hash: Approve / Reject send it back so the bot can tell a stale card from the stored plan. */
    planHash: OpaqueId;
    /** The first 12 characters, for people. */
    hashPrefix: string;
    totalSteps: number;
    totalSkips: number;
    /** e.g. { label: 'add to group', total: 12 }. */
    actionCounts: Shown<{ label: string; total: number }>;
    steps: Shown<{ number: number; description: string }>;
    /** Every reason with its count, always complete. */
    skipsByReason: { label: string; total: number }[];
    skips: Shown<{ label: string; detail: string }>;
    incomplete: boolean;
    warnings: string[];
  };
  view: ApprovalView;
}

// ---------------------------------------------------------------------------------------------------------------
// Result card

export interface CredentialBlock {
  kind: 'password' | 'temporaryAccessPass';
  userPrincipalName: string;
  secret: string;
  /** e.g. "Valid for 60 minutes" or "Must be changed at next sign-in". */
  note: string;
}

export interface ResultCardModel {
  restoreId: OpaqueId;
  status: 'complete' | 'incomplete' | 'failed';
  statusDetail: string;
  target: { kindLabel: string; name: string; userPrincipalName: string };
  requester: string;
  /** e.g. "Megan Bowen, Adele Vance". */
  approvers: string;
  finishedAt: string;
  duration: string;
  counts: { done: number; alreadyDone: number; failed: number; blocked: number; skipped: number };
  failures: Shown<{ description: string; message: string; /** '' for none */ code: string; /** '' for none */ graphRequestId: string }>;
  skips: Shown<{ label: string; detail: string }>;
  /** When not offered, `note` says why (e.g. "Undo was already used"). */
  undo: { offered: boolean; note: string };
  /**
   * Every user the restore created and what became of its credential: `delivered` (how and where: "temporary
   * password, sent to Alex Wilber's personal chat with Rewind") or not, with what to do. Never the secret.
   */
  credentials: Shown<{ userPrincipalName: string; delivered: boolean; outcome: string }>;
}

// ---------------------------------------------------------------------------------------------------------------
// Credential card: a recreated user's password or Temporary Access Pass, sent once to the requester's personal chat

export interface CredentialCardModel {
  restoreId: OpaqueId;
  credential: CredentialBlock;
}

// ---------------------------------------------------------------------------------------------------------------
// Chooser card: a name matched several objects

export interface ChooserCardModel {
  query: string;
  purpose: ChooserPurpose;
  /** The `at <date>` to carry on, or ''. */
  at: string;
  matches: Shown<{ kind: 'user' | 'group' | 'role'; objectId: OpaqueId; displayName: string; userPrincipalName: string; detail: string }>;
}

// ---------------------------------------------------------------------------------------------------------------
// Daily backup summary

export interface DailySummaryCardModel {
  status: 'ok' | 'partial' | 'failed';
  statusDetail: string;
  snapshotId: OpaqueId;
  mode: 'full' | 'incremental';
  startedAt: string;
  completedAt: string;
  duration: string;
  types: Shown<{ label: string; total: number; created: number; changed: number; deleted: number }>;
  totals: { total: number; created: number; changed: number; deleted: number };
  roleChanges: Shown<{ role: string; change: 'added' | 'removed'; member: string }>;
  throttling: { requests: number; throttled: number; retries: number };
  storage: { used: string; added: string };
  notes: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Role-member diff

export interface RoleMemberRow {
  name: string;
  userPrincipalName: string;
  /** When the change was first seen (the snapshot that saw it). */
  firstSeen: string;
}

export interface RoleDiffCardModel {
  role: { name: string; privileged: boolean };
  /** True when pushed after a backup (heading says the membership changed). */
  pushed: boolean;
  from: string;
  to: string;
  added: Shown<RoleMemberRow>;
  removed: Shown<RoleMemberRow>;
}

// ---------------------------------------------------------------------------------------------------------------
// Alert

export interface AlertCardModel {
  alertId: OpaqueId;
  kind: 'massDeletion' | 'privilegedChange';
  headline: string;
  detectedAt: string;
  /** e.g. "Threshold: 50 deletions between two backups"; '' for none. */
  threshold: string;
  counts: Shown<{ label: string; total: number }>;
  objects: Shown<{ kindLabel: string; name: string; detail: string }>;
  canReview: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Help and error

export interface HelpCardModel {
  /** e.g. "I didn't understand that."; '' for plain `help`. */
  intro: string;
  /** What the user typed (shown literally), or ''. */
  input: string;
  /** The closest command, or ''. */
  suggestion: string;
  commands: Shown<{ usage: string; description: string }>;
}

export interface ErrorCardModel {
  title: string;
  message: string;
  whatToDo: string;
  /** A reference for support (request id, restore id), or ''. */
  reference: string;
}

/** Card name → view model. */
export interface CardViewModels {
  object: ObjectCardModel;
  approval: ApprovalCardModel;
  result: ResultCardModel;
  credential: CredentialCardModel;
  chooser: ChooserCardModel;
  dailySummary: DailySummaryCardModel;
  roleDiff: RoleDiffCardModel;
  alert: AlertCardModel;
  help: HelpCardModel;
  error: ErrorCardModel;
}

export type CardName = keyof CardViewModels;
export type ViewModelOf<K extends CardName> = CardViewModels[K];
