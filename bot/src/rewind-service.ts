/**
 * What the bot asks of the engine, and the mapping of engine results to card view models. No botbuilder here: the
 * Teams side (bot/src/app.ts) parses, authorises the turn's user and renders; this module plans, requests, decides
 * and executes restores.
 *
 * Trust rules:
 * - Card data is client-supplied. `requestApproval` and `decide` validate every field strictly (GUIDs, known
 *   snapshot ids, restore ids of the engine's format, booleans as "true"/"false", bounded strings) and re-read
 *   everything else from the store.
 * - Who may request or decide is read LIVE from the directory (`writer.getTransitiveGroupIds(objectId)`: membership
 *   through nested groups counts, as in Entra group-based access) on every call, never
 *   from card data or from state kept between turns.
 * - `decide` refuses a plan hash other than the stored one (a stale or forged card).
 * - The credential of a recreated user is held in memory only, for the requester's copy of the result card; it is
 *   never stored or logged. The engine audits every request, decision and run.
 */
import {
  CredentialAccount,
  DeliveredSecret,
  DeliverSecret,
  DirectoryGateway,
  DirectoryWriter,
  RestoreOptions,
  RestoreOutcome,
  RestorePlan,
  RestoreRecords,
  RestoreRequestDocument,
  RestoreResultDocument,
  RestoreTarget,
  Restores,
  SnapshotDocument,
  SnapshotQueries,
  SnapshotStore,
  approvalStateFrom,
  displayStatus,
  isNameQueryError,
  isNeedsReapprovalError,
  isRestoreRefusedError,
  refusalFor,
  runBackup,
} from '../../backup-engine/src';
import { ANY_SECURITY_LEAD, RestoreOptionId } from '../../cards/verbs';
import {
  AlertCardModel,
  ApprovalCardModel,
  ApprovalView,
  ChooserCardModel,
  CredentialCardModel,
  DailySummaryCardModel,
  ErrorCardModel,
  HelpCardModel,
  ObjectCardModel,
  RelationRow,
  RelationshipSection,
  ResultCardModel,
  RoleDiffCardModel,
  RowStatus,
  shown,
} from '../../cards/view-models';
import { COMMANDS, CommandError, ObjectKind, TimeRef } from './commands/grammar';
import { BotRecords } from './state/bot-records';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The engine's restore ids (`newRestoreId`): `r-20261125-120000-1a2b3c`. */
export const RESTORE_ID = /^r-\d{8}-\d{6}-[0-9a-f]{6}$/;
const PLAN_HASH = /^[0-9a-f]{64}$/;
const SNAPSHOT_ID_SHAPE = /^[A-Za-z0-9._:-]{1,80}$/;
const UPN = /^[A-Za-z0-9._'+-]{1,64}@[A-Za-z0-9.-]{1,48}$/;
const MAX_REASON = 1000;
const MAX_TICKET = 64;
const MAX_COMMENT = 500;
/** Longest string anywhere in card data; anything longer is refused whole. */
const MAX_FIELD = 2000;

/** A refusal the user should see (an error card); never a bug. */
export class ServiceRefusal extends Error {
  constructor(readonly title: string, message: string, readonly whatToDo: string = '', readonly reference: string = '') {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

export function isServiceRefusal(error: unknown): error is ServiceRefusal {
  return error instanceof Error && error.name === 'ServiceRefusal';
}

export interface Person {
  objectId: string;
  displayName?: string;
}

export interface Membership {
  helpdesk: boolean;
  securityLead: boolean;
  /** Member of the optional readers group (READERS_GROUP_ID): may browse, not request or approve. */
  reader: boolean;
}

/** Who may see backed-up directory data (object cards, versions, memberships, diffs, deleted, backup status, requests). */
export function mayBrowse(membership: Membership): boolean {
  return membership.helpdesk || membership.securityLead || membership.reader;
}

export interface RewindServiceOptions {
  store: SnapshotStore;
  writer: DirectoryWriter;
  /** For `backup now`; without it the command says it is not available here. */
  gateway?: DirectoryGateway;
  tenantId: string;
  helpdeskGroupId: string;
  securityLeadsGroupId: string;
  /** Optional: members may browse the backups (read-only), like the helpdesk and the security leads. */
  readersGroupId?: string;
  approvalTtlInMs: number;
  /** Users and groups deleted between two backups that raise a mass-deletion alert (MASS_DELETION_THRESHOLD). */
  massDeletionThreshold?: number;
  now?: () => Date;
}

export type FindResult =
  | { kind: 'none'; closeNames: string[] }
  | { kind: 'one'; objectId: string }
  | { kind: 'many'; model: ChooserCardModel };

export interface DecisionOutcome {
  status: 'pending' | 'approved' | 'rejected';
  /** The approval card for the person who decided (read-only). */
  model: ApprovalCardModel;
}

const KIND_LABEL: Record<string, string> = { user: 'User', group: 'Group', role: 'Role', administrativeUnit: 'Administrative unit', roleDefinition: 'Directory role' };

const ACTION_LABELS: Record<string, string> = {
  restoreFromRecycleBin: 'restore from the recycle bin', createUser: 'create user', createGroup: 'create group', updateAttributes: 'update attributes',
  addLink: 'add link', removeLink: 'remove link', setManager: 'set manager', addRoleAssignment: 'assign role', removeRoleAssignment: 'remove role',
  assignLicenses: 'assign licences', issueCredential: 'issue credential', deleteObject: 'delete object', removeManager: 'remove manager', removeLicenses: 'remove licences',
};

const SKIP_LABELS: Record<string, string> = {
  distributionList: 'distribution list', mailEnabledSecurityGroup: 'mail-enabled security group', dynamicMembership: 'dynamic membership',
  syncedFromOnPremises: 'synced from on-premises', linkedObjectMissing: 'linked object missing', linkedObjectInRecycleBin: 'linked object in the recycle bin',
  userPrincipalNameConflict: 'UPN taken', mailNicknameConflict: 'mail nickname taken', noLicenseSeats: 'no licence seats', noUsageLocation: 'no usage location',
  groupWouldHaveNoOwner: 'group would have no owner', cannotRecreate: 'cannot be recreated', notInSnapshot: 'not in the snapshot',
};

const OPTION_TITLES: Record<RestoreOptionId, string> = {
  withObject: 'The object and its attributes', withMemberships: 'Group memberships', withOwnerships: 'Group ownerships',
  withRoleAssignments: 'Directory role assignments', withManager: 'Manager', withLicenses: 'Licences',
};
const USER_OPTIONS: RestoreOptionId[] = ['withObject', 'withMemberships', 'withOwnerships', 'withRoleAssignments', 'withManager', 'withLicenses'];
const GROUP_OPTIONS: RestoreOptionId[] = ['withObject', 'withMemberships', 'withOwnerships', 'withRoleAssignments'];

/** Attributes worth comparing on the object card (scalars people recognise). */
const SHOWN_ATTRIBUTES = [
  'displayName', 'userPrincipalName', 'mail', 'mailNickname', 'givenName', 'surname', 'jobTitle', 'department', 'companyName', 'officeLocation',
  'mobilePhone', 'usageLocation', 'accountEnabled', 'employeeId', 'description', 'securityEnabled', 'mailEnabled', 'visibility',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatWhen(iso: string | Date | undefined): string {
  if (!iso) return '';
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** Alert ids of privileged-change alerts start with this; mass-deletion alert ids are `<from>..<to>`. */
const PRIVILEGED_ALERT_PREFIX = 'priv:';

const KIND_PLURALS: Record<string, string> = { user: 'Users', group: 'Groups', administrativeUnit: 'Administrative units', roleDefinition: 'Directory roles' };

/** 1536 → "1.5 KB"; binary units. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export class RewindService {
  readonly records: BotRecords;
  private readonly now: () => Date;

  constructor(readonly options: RewindServiceOptions) {
    this.records = new BotRecords(options.store);
    this.now = options.now ?? (() => new Date());
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  private queries(): SnapshotQueries {
    // A fresh instance per call: its snapshot list is cached, and a backup may have committed since.
    return new SnapshotQueries(this.options.store, this.options.tenantId);
  }

  private restoreRecords(): RestoreRecords {
    return new RestoreRecords(this.options.store, this.options.tenantId);
  }

  /** The engine's restore client for this tenant: every plan, request, decision and run goes through it. */
  private restores(): Restores {
    return new Restores({ store: this.options.store, writer: this.options.writer, tenantId: this.options.tenantId, now: this.now });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Who someone is, read live

  /** Live direct group membership of a Teams user (by Entra object id). Unknown users are members of nothing. */
  async membership(objectId: string | undefined): Promise<Membership> {
    const none: Membership = { helpdesk: false, securityLead: false, reader: false };
    if (!objectId || !GUID.test(objectId)) return none;
    let groups: string[];
    try {
      groups = (await this.options.writer.getTransitiveGroupIds(objectId.toLowerCase())).map((g) => g.toLowerCase());
    } catch {
      return none;
    }
    const readers = this.options.readersGroupId?.toLowerCase();
    return {
      helpdesk: groups.includes(this.options.helpdeskGroupId.toLowerCase()),
      securityLead: groups.includes(this.options.securityLeadsGroupId.toLowerCase()),
      reader: readers !== undefined && groups.includes(readers),
    };
  }

  /** Refuses anyone who may not see backed-up directory data (helpdesk, security leads and readers may). */
  async requireBrowser(actor: Person): Promise<void> {
    if (!mayBrowse(await this.membership(actor.objectId))) {
      throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk, security leads or readers groups can see what Rewind backed up.', 'Ask an administrator to add you to one of those groups.');
    }
  }

  /** The security leads now (live users in the security leads group, directly or through nested groups). */
  async securityLeads(): Promise<{ objectId: string; displayName: string; userPrincipalName: string }[]> {
    const users = await this.options.writer.getTransitiveUserMembers(this.options.securityLeadsGroupId);
    return users.map((u) => ({ objectId: u.id.toLowerCase(), displayName: u.displayName, userPrincipalName: u.userPrincipalName }));
  }


  /** Audits a Teams activity refused unread because it came from another tenant (or named none). No personal data. */
  async recordRefusedActivity(detail: Record<string, unknown>, at: Date): Promise<void> {
    await this.restoreRecords().auditTenantEvent('activityRefused', detail, at);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Finding objects

  /** The engine's name lookup; a name too short to look up is a refusal for the user, never a logged error. */
  private async find(queries: SnapshotQueries, text: string) {
    try {
      return await queries.findObjects(text);
    } catch (error) {
      if (isNameQueryError(error)) throw new ServiceRefusal('Name too short', 'Type at least 3 letters of a name, user principal name or mail (or the object id).', 'for example: diff role "Global Administrator"');
      throw error;
    }
  }

  async findForRestore(kind: ObjectKind, name: string, purpose: ChooserCardModel['purpose'] = 'restore', at = ''): Promise<FindResult> {
    const text = name.trim();
    if (text.length < 3) throw new ServiceRefusal('Name too short', 'Type at least 3 characters of a name, user principal name or mail.', `for example: ${purpose === 'restore' ? 'restore' : purpose} ${kind} bob`);
    const found = (await this.find(this.queries(), text)).filter((o) => o.kind === kind);
    if (found.length === 0) {
      const close = text.length > 3 ? (await this.find(this.queries(), text.slice(0, 3))).filter((o) => o.kind === kind) : [];
      return { kind: 'none', closeNames: close.slice(0, 5).map((o) => o.displayName) };
    }
    if (found.length === 1) return { kind: 'one', objectId: found[0].id };
    const lower = text.toLowerCase();
    const exact = found.filter((o) => {
      const upn = o.userPrincipalName?.toLowerCase();
      return o.displayName.toLowerCase() === lower || upn === lower || upn?.split('@')[0] === lower || o.id.toLowerCase() === lower;
    });
    if (exact.length === 1) return { kind: 'one', objectId: exact[0].id };
    return {
      kind: 'many',
      model: {
        query: text, purpose, at,
        matches: shown(found.map((o) => ({
          kind, objectId: o.id, displayName: o.displayName, userPrincipalName: o.userPrincipalName ?? '', detail: o.existsNow ? 'exists' : 'deleted since the last backups',
        })), 10),
      },
    };
  }

  /** Whether an object of this kind is known to the backups (for ids coming from cards). */
  async knownObject(kind: ObjectKind, objectId: string): Promise<boolean> {
    if (!GUID.test(objectId)) return false;
    const found = await this.find(this.queries(), objectId);
    return found.some((o) => o.kind === kind);
  }

  // -------------------------------------------------------------------------------------------------------------
  // The object card

  /**
   * The object card. `requesterIsHelpdesk`: the caller has just checked the requester's live membership (so it is
   * not read twice in one turn); otherwise it is read here. Graph reads that do not depend on each other run at once.
   */
  async objectCardModel(kind: ObjectKind, objectId: string, options: { snapshotId?: string; at?: string; requester?: Person; requesterIsHelpdesk?: boolean; prefill?: { reason: string; ticket: string } } = {}): Promise<ObjectCardModel> {
    const id = objectId.toLowerCase();
    if (!GUID.test(id)) throw new ServiceRefusal('Not an object id', 'That is not the id of a user or group.');
    const queries = this.queries();
    const snapshots = await queries.listSnapshots();
    if (!snapshots.length) throw new ServiceRefusal('No backups yet', 'There are no backups yet, so there is nothing to restore from.', 'Type backup now, then try again.');
    const versions = [...(await queries.versions(kind, id))].reverse();
    if (!versions.length) throw new ServiceRefusal('Not in the backups', `No backup has this ${kind}.`, 'Check the name, or type deleted to see what was deleted.');

    // A version or time the user asked for is used or refused, never silently replaced by the newest version.
    let selectedSnapshot: SnapshotDocument | undefined;
    if (options.snapshotId) {
      selectedSnapshot = snapshots.find((s) => s.id === options.snapshotId);
      if (!selectedSnapshot) throw new ServiceRefusal('Unknown backup', 'That backup is not in the store (it may have been pruned).', `Type versions ${kind} <name> to see the versions there are.`);
    } else if (options.at) {
      try {
        selectedSnapshot = await queries.resolveSnapshot(options.at);
      } catch (error) {
        throw new ServiceRefusal('No backup at that time', error instanceof Error ? error.message : String(error), `Type versions ${kind} <name> to see the versions there are.`);
      }
    }
    let current = selectedSnapshot ? await queries.objectAt(kind, id, selectedSnapshot.id) : undefined;
    if (selectedSnapshot && !current) {
      throw new ServiceRefusal('Not in that backup', `This ${kind} was not in the backup of ${formatWhen(selectedSnapshot.completedAt)}; its first version is from ${formatWhen(versions[versions.length - 1].firstSeen.at)}.`);
    }
    if (!current) {
      // Nothing asked for: the newest version the object had.
      selectedSnapshot = snapshots.find((s) => s.id === versions[0].lastSeen.snapshotId)!;
      current = await queries.objectAt(kind, id, selectedSnapshot.id);
    }
    if (!current || !selectedSnapshot) throw new ServiceRefusal('Not in the backups', `No backup has this ${kind}.`);
    const body = current.body;
    const selectedHash = current.hash;
    const requester = options.requester;
    const [live, leads, canRequestNow] = await Promise.all([
      this.options.writer.getLiveObject(kind, id),
      this.securityLeads(),
      !requester ? false : options.requesterIsHelpdesk ?? this.membership(requester.objectId).then((m) => m.helpdesk),
    ]);

    const rows = await Promise.all(versions.slice(0, 10).map(async (v, i) => {
      const older = versions[i + 1];
      let changed: string[] = [];
      if (older) changed = (await queries.diffVersions(kind, id, older.hash, v.hash).catch(() => ({ attributes: [] }))).attributes.map((a) => a.name);
      return { snapshotId: v.lastSeen.snapshotId, when: formatWhen(v.lastSeen.at), changed: shown(changed, 6), selected: v.hash === selectedHash };
    }));

    const state: ObjectCardModel['object']['state'] = !live ? 'deleted' : live.state === 'deleted' ? 'recycleBin' : 'exists';
    const stateDetail = state === 'exists'
      ? 'Exists in the directory today.'
      : state === 'recycleBin'
        ? 'Deleted; still in the recycle bin, so it comes back with its original id and links.'
        : 'Permanently deleted; a restore creates it again with a new id.';

    const attributeRows = SHOWN_ATTRIBUTES.filter((name) => name in body || (live && name in live.attributes)).flatMap((name) => {
      const then = display(body[name]);
      const now = state === 'exists' ? display(live?.attributes[name]) : state === 'recycleBin' ? `${display(live?.attributes[name])} (in the recycle bin)` : '(deleted)';
      return state !== 'exists' || then !== now ? [{ attribute: name, then, now }] : [];
    });

    const relationships = await this.relationshipSections(kind, id, selectedSnapshot.id, state === 'exists');
    const notices: string[] = [];
    if (body.onPremisesSyncEnabled === true) notices.push('This object is synced from on-premises Active Directory: restore it there; changes made here are overwritten by the next sync.');
    if (state === 'deleted' && kind === 'user') notices.push('A recreated user gets a new id and a new password (shown once to the requester in a personal chat).');
    for (const r of await queries.recreations(id)) {
      notices.push(`Recreated by Rewind on ${formatWhen(r.at)} (restore ${r.restoreId}) under a new id. Older versions are the same ${r.kind} under its old id; restoring one updates this ${r.kind}.`);
    }

    const upn = typeof body.userPrincipalName === 'string' ? body.userPrincipalName : '';
    const [local, domain] = upn.split('@');
    return {
      object: { kind, objectId: id, displayName: String(body.displayName ?? id), userPrincipalName: kind === 'user' ? upn : '', state, stateDetail },
      versions: shown(rows, 10),
      selected: { snapshotId: selectedSnapshot.id, when: formatWhen(selectedSnapshot.completedAt) },
      whatChanged: { comparedWith: state === 'exists' ? 'today' : 'today (the object is gone)', rows: shown(attributeRows, 20) },
      relationships,
      notices,
      canRequest: canRequestNow,
      cannotRequestReason: canRequestNow ? '' : 'Only members of the helpdesk group can request a restore.',
      options: (kind === 'user' ? USER_OPTIONS : GROUP_OPTIONS).map((o) => ({ id: o, title: OPTION_TITLES[o], on: true })),
      asNew: { offered: kind === 'user', on: false, suggestedUserPrincipalName: kind === 'user' && local && domain ? `${local}.restored@${domain}` : '' },
      approvers: leads.map((l) => ({ id: l.objectId, title: l.userPrincipalName ? `${l.displayName} (${l.userPrincipalName})` : l.displayName })),
      selectedApproverId: ANY_SECURITY_LEAD,
      prefill: options.prefill ?? { reason: '', ticket: '' },
    };
  }

  private async relationshipSections(kind: ObjectKind, id: string, snapshotId: string, exists: boolean): Promise<RelationshipSection[]> {
    const queries = this.queries();
    const writer = this.options.writer;
    const [then, nowGroups, nowOwned, nowRoles, nowManager] = await Promise.all([
      queries.relationshipsAt(kind, id, snapshotId),
      exists ? writer.getMemberOf(id).then((m) => m.groups) : [],
      exists ? writer.getOwnedGroups(id) : [],
      exists ? writer.listRoleAssignments({ principalId: id }).then((r) => r.map((a) => a.roleDefinitionId)) : [],
      exists && kind === 'user' ? writer.getManager(id) : null,
    ]);
    const section = async (key: RelationshipSection['key'], title: string, thenItems: { id: string; name: string; detail: string }[], nowIds: string[], nameKind: 'group' | 'roleDefinition' | 'user'): Promise<RelationshipSection> => {
      const thenIds = new Set(thenItems.map((t) => t.id.toLowerCase()));
      const nowSet = new Set(nowIds.map((n) => n.toLowerCase()));
      const onlyNow = [...nowSet].filter((n) => !thenIds.has(n));
      const onlyNowNames = await queries.names(onlyNow.map((n) => ({ kind: nameKind, id: n })));
      const rows: RelationRow[] = [
        ...thenItems.map((t) => ({ name: t.name, detail: t.detail, status: (nowSet.has(t.id.toLowerCase()) ? 'same' : 'onlyThen') as RowStatus })),
        ...onlyNowNames.map((n) => ({ name: n.displayName, detail: n.userPrincipalName ?? '', status: 'onlyNow' as RowStatus })),
      ];
      const order: Record<RowStatus, number> = { onlyThen: 0, onlyNow: 1, same: 2 };
      rows.sort((a, b) => order[a.status] - order[b.status]);
      return {
        key, title,
        counts: { same: rows.filter((r) => r.status === 'same').length, onlyThen: rows.filter((r) => r.status === 'onlyThen').length, onlyNow: rows.filter((r) => r.status === 'onlyNow').length },
        rows: shown(rows, 10),
      };
    };
    const sections = await Promise.all([
      section('memberships', 'Group memberships', then.memberOf.map((g) => ({ id: g.id, name: g.displayName, detail: '' })), nowGroups, 'group'),
      section('ownerships', 'Group ownerships', then.ownerOf.map((g) => ({ id: g.id, name: g.displayName, detail: '' })), nowOwned, 'group'),
      section('roles', 'Directory roles', then.roles.map((r) => ({ id: r.role.id, name: r.role.displayName, detail: `scope: ${r.directoryScopeId}` })), nowRoles, 'roleDefinition'),
    ]);
    if (kind === 'user') {
      sections.push(await section('manager', 'Manager', then.manager ? [{ id: then.manager.id, name: then.manager.displayName, detail: then.manager.userPrincipalName ?? '' }] : [], nowManager ? [nowManager] : [], 'user'));
      const licences = then.licenses.map((l) => ({ name: l.skuPartNumber, detail: '', status: (exists ? 'same' : 'onlyThen') as RowStatus }));
      sections.push({ key: 'licenses', title: 'Licences', counts: { same: licences.filter((l) => l.status === 'same').length, onlyThen: licences.filter((l) => l.status === 'onlyThen').length, onlyNow: 0 }, rows: shown(licences, 10) });
    }
    return sections;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Requesting approval

  /**
   * Validates the object card's data, authorises the requester live, plans and stores the request. Returns the
   * request id and the approval card model (shared view; the caller sets the refresh user ids).
   */
  async requestApproval(actor: Person, data: unknown, requestReference?: Record<string, unknown>): Promise<{ requestId: string; model: ApprovalCardModel; selectedApproverId: string }> {
    const input = await this.validateRequestData(data);
    if (!(await this.membership(actor.objectId)).helpdesk) {
      throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk group can request a restore.', 'Ask someone in the helpdesk group to request it.');
    }
    let plan: RestorePlan;
    try {
      plan = (await this.restores().plan({ targets: [{ kind: input.kind, id: input.objectId }], at: input.snapshotId, options: input.options })).plan;
    } catch (error) {
      throw new ServiceRefusal('Cannot plan this restore', error instanceof Error ? error.message : String(error));
    }
    if (plan.steps.length === 0) {
      throw new ServiceRefusal('Nothing to restore', `The ${input.kind} already matches the chosen backup${plan.skips.length ? ', apart from what cannot be restored' : ''}.`, 'Choose another version, or other options.');
    }
    const requestId = await this.restores().request({
      plan, requester: { objectId: actor.objectId.toLowerCase(), ...(actor.displayName ? { displayName: actor.displayName } : {}) },
      reason: input.reason, ...(input.ticket ? { ticket: input.ticket } : {}), approvalTtlMs: this.options.approvalTtlInMs,
    });
    await this.records.saveRequest({
      requestId, requesterObjectId: actor.objectId.toLowerCase(), ...(requestReference ? { requestReference } : {}), selectedApproverId: input.approver, posts: [],
    });
    return { requestId, model: await this.approvalCardModel(requestId, { kind: 'shared', refreshUserIds: [] }), selectedApproverId: input.approver };
  }

  private async validateRequestData(data: unknown): Promise<{ kind: ObjectKind; objectId: string; snapshotId: string; reason: string; ticket: string; approver: string; options: Partial<RestoreOptions> }> {
    const bad = (what: string): never => {
      throw new ServiceRefusal('This card cannot be used', `The card sent ${what}.`, 'Type the restore command again to get a fresh card.');
    };
    if (!data || typeof data !== 'object' || Array.isArray(data)) bad('no data');
    const d = data as Record<string, unknown>;
    for (const [key, value] of Object.entries(d)) {
      if (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'boolean') bad(`a value of an unexpected type for "${key.slice(0, 32)}"`);
      if (typeof value === 'string' && value.length > MAX_FIELD) bad('a value that is far too long');
    }
    const str = (key: string): string => (typeof d[key] === 'string' ? (d[key] as string) : '');
    const kind = str('kind');
    if (kind !== 'user' && kind !== 'group') bad('an unknown kind of object');
    const objectId = str('objectId').toLowerCase();
    if (!GUID.test(objectId)) bad('an object id that is not a GUID');
    const snapshotId = str('snapshotId');
    if (!SNAPSHOT_ID_SHAPE.test(snapshotId)) bad('a snapshot id that is not one');
    const snapshots = await this.queries().listSnapshots();
    if (!snapshots.some((s) => s.id === snapshotId)) bad('a snapshot id that is not one of the backups');
    if (!(await this.queries().objectAt(kind as ObjectKind, objectId, snapshotId))) bad('an object that is not in that backup');
    const reason = str('reason').trim();
    if (!reason) throw new ServiceRefusal('A reason is needed', 'Say why the restore is needed.', 'Fill in the reason and press Request approval again.');
    if (reason.length > MAX_REASON) bad(`a reason longer than ${MAX_REASON} characters`);
    const ticket = str('ticket').trim();
    if (ticket.length > MAX_TICKET) bad(`a ticket longer than ${MAX_TICKET} characters`);
    const approver = (str('approver') || ANY_SECURITY_LEAD).toLowerCase();
    if (approver !== ANY_SECURITY_LEAD) {
      if (!GUID.test(approver)) bad('an approver that is not a GUID');
      if (!(await this.securityLeads()).some((l) => l.objectId === approver)) bad('an approver who is not a security lead');
    }
    const bool = (key: string, fallback: boolean): boolean => {
      const value = d[key];
      if (value === undefined || value === null || value === '') return fallback;
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      return bad(`"${key}" that is neither true nor false`);
    };
    const options: Partial<RestoreOptions> = {};
    for (const id of USER_OPTIONS) options[id] = bool(id, kind === 'user' || GROUP_OPTIONS.includes(id));
    if (bool('asNew', false)) {
      if (kind !== 'user') bad('"restore as new" for a group');
      const upn = str('newUserPrincipalName').trim();
      if (!UPN.test(upn)) throw new ServiceRefusal('New user principal name needed', 'Restoring as a new user needs a new user principal name such as bob.restored@contoso.com.', 'Fill it in and press Request approval again.');
      options.asNew = { userPrincipalName: upn };
    }
    return { kind: kind as ObjectKind, objectId, snapshotId, reason, ticket, approver, options };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deciding

  /**
   * Validates a card's request id and, when `planHash` is given (a decision), the plan hash: the request must exist
   * and the hash must be the stored plan's. A decision without a hash is refused like a wrong one.
   */
  private async readPending(requestId: unknown, planHash?: { value: unknown }): Promise<{ request: RestoreRequestDocument }> {
    if (typeof requestId !== 'string' || !RESTORE_ID.test(requestId)) {
      throw new ServiceRefusal('This card cannot be used', 'The card sent a request id that is not one.', 'Use the approval card the bot posted.');
    }
    const request = await this.restoreRecords().readRequest(requestId);
    if (!request) throw new ServiceRefusal('Unknown request', `There is no restore request ${requestId}.`, '', requestId);
    const pinned = planHash?.value;
    if (planHash !== undefined && (pinned === undefined || pinned === null || pinned === '')) {
      throw new ServiceRefusal('This card cannot be used', 'The card did not send the plan it shows, so a decision cannot be tied to what you saw.', 'Use the approval card the bot posted.', requestId);
    }
    if (planHash !== undefined && (typeof pinned !== 'string' || !PLAN_HASH.test(pinned) || pinned !== request.plan.hash)) {
      throw new ServiceRefusal('Stale card', 'This card shows another plan than the one stored for this request, so it cannot be used to decide.', 'Refresh the card, or ask the requester to request the restore again.', requestId);
    }
    return { request };
  }

  async decide(actor: Person, requestId: unknown, decision: 'approve' | 'reject', comment: unknown, planHash: unknown): Promise<DecisionOutcome> {
    const { request } = await this.readPending(requestId, { value: planHash });
    const id = request.restoreId;
    if (comment !== undefined && comment !== null && typeof comment !== 'string') throw new ServiceRefusal('This card cannot be used', 'The comment is not text.');
    const text = typeof comment === 'string' ? comment.trim() : '';
    if (text.length > MAX_COMMENT) throw new ServiceRefusal('Comment too long', `A comment is at most ${MAX_COMMENT} characters.`, '', id);
    const membership = await this.membership(actor.objectId);
    const approval = await this.restoreRecords().readApproval(id);
    if (!approval) throw new ServiceRefusal('Unknown request', `Restore ${id} has no approval record.`, '', id);
    const state = approvalStateFrom(request, approval.document);
    const refusal = refusalFor(state, { objectId: actor.objectId.toLowerCase(), isSecurityLead: membership.securityLead }, this.now());
    if (refusal) throw new ServiceRefusal('Not allowed', sentence(refusal.message), '', id);
    let updated;
    try {
      updated = await this.restores().decide(id, {
        objectId: actor.objectId.toLowerCase(), ...(actor.displayName ? { displayName: actor.displayName } : {}), isSecurityLead: membership.securityLead,
        decision, ...(text ? { comment: text } : {}),
      });
    } catch (error) {
      if (isRestoreRefusedError(error)) throw new ServiceRefusal('Not allowed', sentence(error.message), '', id);
      throw error;
    }
    const status = updated.status === 'consumed' ? 'approved' : updated.status;
    const view: ApprovalView = { kind: 'readOnly', note: status === 'pending' ? 'Your approval is recorded; another security lead must approve too.' : status === 'approved' ? 'Approved: the restore is running.' : 'Rejected: nothing will be restored.' };
    const model = await this.approvalCardModel(id, view);
    if (status === 'approved') model.state = 'running';
    return { status, model };
  }

  /** The view for someone asking for a refresh of the shared card: approver buttons only for who may decide now. */
  async viewFor(actor: Person, requestId: unknown): Promise<ApprovalCardModel> {
    const membership = await this.membership(actor.objectId);
    if (!mayBrowse(membership)) throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk, security leads or readers groups can see restore requests.');
    const { request } = await this.readPending(requestId);
    const approval = await this.restoreRecords().readApproval(request.restoreId);
    if (!approval) throw new ServiceRefusal('Unknown request', 'This request has no approval record.');
    const refusal = refusalFor(approvalStateFrom(request, approval.document), { objectId: actor.objectId.toLowerCase(), isSecurityLead: membership.securityLead }, this.now());
    return this.approvalCardModel(request.restoreId, refusal ? { kind: 'readOnly', note: sentence(refusal.message) } : { kind: 'approver' });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Executing

  /**
   * Runs an approved request; `onRunning` is called once the approval is consumed, before the first Graph write.
   * `deliverSecret` hands a recreated user's credential to the requester (the caller posts it to their personal
   * chat) and resolves once it arrived; the result accounts for every credential, never holding one.
   */
  async execute(requestId: string, options: { deliverSecret: DeliverSecret; onRunning?: () => Promise<void> }): Promise<ResultCardModel> {
    const { request } = await this.readPending(requestId);
    const started = Date.now();
    let outcome: RestoreOutcome | undefined;
    let failure: string | undefined;
    try {
      outcome = await this.restores().execute(request.restoreId, options);
    } catch (error) {
      if (isNeedsReapprovalError(error)) failure = 'The directory changed since this plan was approved, so nothing was written. Request the restore again to get a new plan approved.';
      else if (isRestoreRefusedError(error)) failure = sentence(error.message);
      else failure = `The restore stopped: ${error instanceof Error ? error.message : String(error)}. An administrator can resume it from the CLI: rewind restore --plan ${request.restoreId} --break-glass --reason "…" (docs/operations.md).`;
    }
    return this.resultCardModel(request, outcome, failure, Date.now() - started);
  }

  /** The card that hands a credential to the requester (their personal chat only). */
  credentialCardModel(secret: DeliveredSecret): CredentialCardModel {
    return {
      restoreId: secret.restoreId,
      credential: {
        kind: secret.kind, userPrincipalName: secret.userPrincipalName, secret: secret.value,
        note: secret.kind === 'password' ? 'Must be changed at next sign-in. Shown once: it is not stored anywhere.' : `Valid for ${secret.lifetimeInMinutes ?? 480} minutes, usable once. Shown once.`,
      },
    };
  }

  async resultCardModel(request: RestoreRequestDocument, outcome: RestoreOutcome | undefined, failure: string | undefined, durationMs: number): Promise<ResultCardModel> {
    const approval = (await this.restoreRecords().readApproval(request.restoreId))?.document;
    const target = await this.targetOf(request.plan);
    const skips = outcome ? outcome.skips : request.plan.skips;
    const counts = { done: 0, alreadyDone: 0, failed: 0, blocked: 0, skipped: skips.length };
    for (const s of outcome?.steps ?? []) if (s.status !== 'running') counts[s.status]++;
    const status = outcome ? outcome.status : 'failed';
    const settled = outcome?.settledSkips.length ?? 0;
    const settledNote = settled ? ` ${settled} link${settled === 1 ? '' : 's'} the plan could not write ${settled === 1 ? 'was' : 'were'} in place after the run (read back: a recycle-bin restore keeps an object's links).` : '';
    const statusDetail = failure ?? `${status === 'complete' ? 'Everything in the plan was restored.' : 'Some of the plan could not be restored; see below.'}${settledNote}`;
    return {
      restoreId: request.restoreId,
      status,
      statusDetail,
      target: { kindLabel: target.kindLabel, name: target.name, userPrincipalName: target.userPrincipalName },
      requester: request.requester.displayName ?? request.requester.objectId,
      approvers: (approval?.decisions ?? []).filter((d) => d.decision === 'approve').map((d) => d.displayName ?? d.objectId).join(', '),
      finishedAt: formatWhen(this.now()),
      duration: formatDuration(durationMs),
      counts,
      failures: shown((outcome?.steps ?? []).filter((s) => s.failure).map((s) => ({
        description: s.description, message: s.failure?.message ?? '', code: s.failure?.code ?? '', graphRequestId: s.failure?.requestId ?? '',
      })), 15),
      skips: shown(skips.map((s) => ({ label: SKIP_LABELS[s.reason] ?? s.reason, detail: s.detail })), 30),
      undo: outcome && (counts.done > 0)
        ? { offered: true, note: `Type undo ${request.restoreId} to plan an undo (it needs approval like any restore).` }
        : { offered: false, note: outcome ? 'Nothing was changed, so there is nothing to undo.' : 'The restore did not run.' },
      credentials: shown((outcome?.credentials ?? []).map((c) => ({ userPrincipalName: c.userPrincipalName, delivered: c.status === 'delivered', outcome: credentialOutcome(c) })), 20),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // The approval card

  private async targetOf(plan: RestorePlan): Promise<{ kindLabel: string; name: string; userPrincipalName: string }> {
    const t = plan.targets[0];
    if (!t) return { kindLabel: 'Objects', name: 'all users and groups', userPrincipalName: '' };
    const [named] = await this.queries().names([{ kind: t.kind === 'role' ? 'roleDefinition' : t.kind, id: t.id }]);
    const more = plan.targets.length > 1 ? ` and ${plan.targets.length - 1} more` : '';
    return { kindLabel: KIND_LABEL[t.kind] ?? t.kind, name: `${t.displayName || named.displayName}${more}`, userPrincipalName: named.userPrincipalName ?? '' };
  }

  /** The requester's name as recorded with the request. */
  async requesterName(requestId: string): Promise<string | undefined> {
    const request = await this.restoreRecords().readRequest(requestId);
    return request?.requester.displayName;
  }

  /** Object ids of the security leads who already decided on the request (empty when it has no approval record). */
  async decidedBy(requestId: string): Promise<string[]> {
    const approval = await this.restoreRecords().readApproval(requestId);
    return (approval?.document.decisions ?? []).map((d) => d.objectId.toLowerCase());
  }

  /** Where a request is (pending, approved, running, complete…), from the stored records only. */
  async approvalState(requestId: string): Promise<ApprovalCardModel['state']> {
    return (await this.requestRecords(requestId)).state;
  }

  private async requestRecords(requestId: string) {
    const records = this.restoreRecords();
    const request = await records.readRequest(requestId);
    const approvalRead = await records.readApproval(requestId);
    if (!request || !approvalRead) throw new ServiceRefusal('Unknown request', `There is no restore request ${requestId}.`, '', requestId);
    const approval = approvalRead.document;
    const result = (await this.options.store.read<RestoreResultDocument>('catalog', records.key(requestId, 'result')))?.document;
    const shownStatus = displayStatus(approvalStateFrom(request, approval), this.now());
    const state: ApprovalCardModel['state'] = shownStatus === 'consumed' ? (result ? result.status : 'running') : shownStatus;
    return { request, approval, state };
  }

  async approvalCardModel(requestId: string, view: ApprovalView): Promise<ApprovalCardModel> {
    const { request, approval, state } = await this.requestRecords(requestId);
    const plan = request.plan;
    const received = approval.decisions.filter((d) => d.decision === 'approve').length;
    const stateDetail = state === 'pending'
      ? `${received} of ${approval.requiredApprovals} approval${approval.requiredApprovals === 1 ? '' : 's'} · expires ${formatWhen(approval.expiresAt)}`
      : state === 'expired' ? `Expired ${formatWhen(approval.expiresAt)}; request the restore again.` : `${received} of ${approval.requiredApprovals} approvals`;
    const requester = await this.options.writer.getLiveObject('user', request.requester.objectId).catch(() => undefined);
    const target = await this.targetOf(plan);
    const skipsByReason = new Map<string, number>();
    for (const s of plan.skips) skipsByReason.set(s.reason, (skipsByReason.get(s.reason) ?? 0) + 1);
    return {
      requestId,
      state,
      stateDetail,
      requester: { name: request.requester.displayName ?? String(requester?.attributes.displayName ?? request.requester.objectId), userPrincipalName: String(requester?.attributes.userPrincipalName ?? '') },
      requestedAt: formatWhen(request.createdAt),
      reason: request.reason,
      ticket: request.ticket ?? '',
      target: { ...target, versionWhen: formatWhen(plan.source.at) },
      sensitivity: { privileged: plan.sensitivity.privileged, reasons: plan.sensitivity.reasons, approvalsNeeded: approval.requiredApprovals, approvalsReceived: received },
      decisions: shown(approval.decisions.map((d) => ({
        approver: d.displayName ?? d.objectId, decision: d.decision === 'approve' ? 'approved' as const : 'rejected' as const, when: formatWhen(d.at), comment: d.comment ?? '',
      })), 6),
      plan: {
        planHash: plan.hash,
        hashPrefix: plan.hash.slice(0, 12),
        totalSteps: plan.steps.length,
        totalSkips: plan.skips.length,
        actionCounts: shown(Object.entries(plan.counts.byAction).map(([action, total]) => ({ label: ACTION_LABELS[action] ?? action, total })), 14),
        steps: shown(plan.steps.map((s, i) => ({ number: i + 1, description: s.description })), 20),
        skipsByReason: [...skipsByReason].map(([reason, total]) => ({ label: SKIP_LABELS[reason] ?? reason, total })),
        skips: shown(plan.skips.map((s) => ({ label: SKIP_LABELS[s.reason] ?? s.reason, detail: s.detail })), 40),
        incomplete: plan.incomplete,
        warnings: plan.warnings,
      },
      view,
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Undo

  async requestUndo(actor: Person, restoreId: string, requestReference?: Record<string, unknown>): Promise<{ requestId: string; model: ApprovalCardModel; selectedApproverId: string }> {
    if (!RESTORE_ID.test(restoreId)) throw new ServiceRefusal('Not a restore id', 'Restore ids look like r-20261120-080000-a1b2c3 (see the result card).');
    if (!(await this.membership(actor.objectId)).helpdesk) throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk group can plan an undo.');
    let plan: RestorePlan;
    try {
      plan = await this.restores().planUndo(restoreId);
    } catch (error) {
      throw new ServiceRefusal('Cannot undo', sentence(error instanceof Error ? error.message : String(error)), '', restoreId);
    }
    if (!plan.steps.length) throw new ServiceRefusal('Nothing to undo', `Restore ${restoreId} changed nothing.`, '', restoreId);
    const requestId = await this.restores().request({
      plan, requester: { objectId: actor.objectId.toLowerCase(), ...(actor.displayName ? { displayName: actor.displayName } : {}) }, reason: `Undo of ${restoreId}`,
      approvalTtlMs: this.options.approvalTtlInMs, undoes: restoreId,
    });
    await this.records.saveRequest({ requestId, requesterObjectId: actor.objectId.toLowerCase(), ...(requestReference ? { requestReference } : {}), selectedApproverId: ANY_SECURITY_LEAD, posts: [] });
    return { requestId, model: await this.approvalCardModel(requestId, { kind: 'shared', refreshUserIds: [] }), selectedApproverId: ANY_SECURITY_LEAD };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Read-only commands

  async deletedModel(since?: TimeRef): Promise<ChooserCardModel> {
    const queries = this.queries();
    const snapshots = await queries.listSnapshots();
    if (!snapshots.length) throw new ServiceRefusal('No backups yet', 'There are no backups yet.', 'Type backup now.');
    const at = since ? (since.kind === 'duration' ? new Date(this.now().getTime() - since.durationInMs).toISOString() : since.at) : (snapshots.at(-2) ?? snapshots[0]).completedAt;
    const deleted = (await queries.deletedSince(at)).filter((d) => d.kind === 'user' || d.kind === 'group');
    return {
      query: `deleted since ${formatWhen(at)}`, purpose: 'restore', at: '',
      matches: shown(deleted.map((d) => ({
        kind: d.kind as 'user' | 'group', objectId: d.id, displayName: d.displayName, userPrincipalName: d.userPrincipalName ?? '',
        detail: `deleted by ${formatWhen(d.deletedIn.at)}${d.inRecycleBin ? ' · in the recycle bin' : ''}`,
      })), 10),
    };
  }

  async roleDiffModel(name: string, since?: TimeRef): Promise<RoleDiffCardModel> {
    const queries = this.queries();
    const roles = (await this.find(queries, name)).filter((o) => o.kind === 'roleDefinition');
    if (!roles.length) throw new ServiceRefusal('Unknown role', 'No directory role in the backups has that name.', 'for example: diff role "Global Administrator" since 7d');
    const role = roles.find((r) => r.displayName.toLowerCase() === name.toLowerCase()) ?? roles[0];
    const snapshots = await queries.listSnapshots();
    const from = since ? (since.kind === 'duration' ? new Date(this.now().getTime() - since.durationInMs).toISOString() : since.at) : undefined;
    const fromSnapshot = from ? (snapshots.filter((s) => s.completedAt <= from).at(-1) ?? snapshots[0]) : (snapshots.at(-2) ?? snapshots[0]);
    const diff = await queries.tenantDiff(fromSnapshot.id);
    const change = diff.roleChanges.find((c) => c.role.id === role.id);
    const row = (p: { displayName: string; userPrincipalName?: string; firstSeen: { at: string } }) => ({ name: p.displayName, userPrincipalName: p.userPrincipalName ?? '', firstSeen: formatWhen(p.firstSeen.at) });
    // Whether the role is privileged, from its backed-up definition (the card flags privileged roles).
    const definition = await queries.objectAt('roleDefinition', role.id).catch(() => undefined);
    return {
      role: { name: role.displayName, privileged: definition?.body.isPrivileged === true }, pushed: false, from: formatWhen(diff.from.at), to: formatWhen(diff.to.at),
      added: shown((change?.added ?? []).map(row), 30), removed: shown((change?.removed ?? []).map(row), 30),
    };
  }

  async backupStatusModel(): Promise<DailySummaryCardModel> {
    const snapshots = await this.queries().listSnapshots();
    const latest = snapshots.at(-1);
    if (!latest) throw new ServiceRefusal('No backups yet', 'There are no backups yet.', 'Type backup now.');
    const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
    const kinds = Object.keys(latest.counts).filter((k) => ['user', 'group', 'administrativeUnit', 'roleDefinition'].includes(k));
    const types = kinds.map((k) => ({
      label: KIND_PLURALS[k] ?? k, total: latest.counts[k as keyof typeof latest.counts] ?? 0,
      created: latest.changes.created[k as keyof typeof latest.counts] ?? 0, changed: latest.changes.changed[k as keyof typeof latest.counts] ?? 0, deleted: latest.changes.deleted[k as keyof typeof latest.counts] ?? 0,
    }));
    return {
      status: 'ok', statusDetail: `Backup ${latest.mode} completed ${formatWhen(latest.completedAt)}.`, snapshotId: latest.id, mode: latest.mode,
      startedAt: formatWhen(latest.startedAt), completedAt: formatWhen(latest.completedAt), duration: formatDuration(latest.stats.durationMs),
      types: shown(types, 12),
      totals: { total: sum(latest.counts), created: sum(latest.changes.created), changed: sum(latest.changes.changed), deleted: sum(latest.changes.deleted) },
      roleChanges: shown([], 15),
      throttling: { requests: latest.stats.requests, throttled: latest.stats.throttled, retries: latest.stats.retries },
      // What the retained backups wrote. Documents are content-addressed and shared: one written by a pruned snapshot
      // and still used by a retained one is no longer counted, so this is a lower bound of what the store holds.
      storage: { used: formatBytes(snapshots.reduce((total, s) => total + s.stats.storedBytes, 0)), added: formatBytes(latest.stats.storedBytes) },
      notes: latest.notes,
    };
  }

  /**
   * The scheduled (daily) backup: run it, summarise it with the privileged role changes since the previous snapshot,
   * and a role-member diff card for each privileged role whose members changed (to push to the summary channel).
   */
  async scheduledBackup(): Promise<{ summary: DailySummaryCardModel; roleDiffs: RoleDiffCardModel[]; alerts: AlertCardModel[] }> {
    if (!this.options.gateway) throw new ServiceRefusal('Not available', 'This bot has no backup connection configured.');
    // The lease owner defaults to host:pid, so a second instance is refused while the first holds the lease (renewed
    // every 20 s; a crashed instance's lease is taken over a minute later).
    await runBackup(this.options.gateway, this.options.store);
    const summary = await this.backupStatusModel();
    const queries = this.queries();
    const snapshots = await queries.listSnapshots();
    if (snapshots.length < 2) return { summary, roleDiffs: [], alerts: [] };
    const diff = await queries.tenantDiff(snapshots[snapshots.length - 2].id, snapshots[snapshots.length - 1].id);
    const roleDiffs: RoleDiffCardModel[] = [];
    const rows: { role: string; change: 'added' | 'removed'; member: string }[] = [];
    for (const change of await this.privilegedRoleChanges(diff)) {
      const row = (p: { displayName: string; userPrincipalName?: string; firstSeen: { at: string } }) => ({ name: p.displayName, userPrincipalName: p.userPrincipalName ?? '', firstSeen: formatWhen(p.firstSeen.at) });
      for (const p of change.added) rows.push({ role: change.role.displayName, change: 'added', member: p.displayName });
      for (const p of change.removed) rows.push({ role: change.role.displayName, change: 'removed', member: p.displayName });
      roleDiffs.push({
        role: { name: change.role.displayName, privileged: true }, pushed: true, from: formatWhen(diff.from.at), to: formatWhen(diff.to.at),
        added: shown(change.added.map(row), 30), removed: shown(change.removed.map(row), 30),
      });
    }
    const deleted = diff.deleted.filter((o) => o.kind === 'user' || o.kind === 'group');
    const threshold = this.options.massDeletionThreshold ?? Number.POSITIVE_INFINITY;
    const between = `${diff.from.snapshotId}..${diff.to.snapshotId}`;
    const alerts: AlertCardModel[] = [];
    if (deleted.length >= threshold) {
      alerts.push({
        alertId: between, kind: 'massDeletion',
        headline: `${deleted.length} users and groups were deleted between two backups`, detectedAt: formatWhen(diff.to.at),
        threshold: `Threshold: ${threshold} deletions between two backups`,
        counts: shown([{ label: 'users', total: deleted.filter((o) => o.kind === 'user').length }, { label: 'groups', total: deleted.filter((o) => o.kind === 'group').length }], 8),
        objects: shown(deleted.map((o) => ({ kindLabel: KIND_LABEL[o.kind] ?? o.kind, name: o.displayName, detail: o.userPrincipalName ?? '' })), 15),
        canReview: true,
      });
    }
    if (rows.length) {
      alerts.push({
        alertId: `${PRIVILEGED_ALERT_PREFIX}${between}`, kind: 'privilegedChange',
        headline: `${roleDiffs.length} privileged role${roleDiffs.length === 1 ? '' : 's'} changed members since the last backup`, detectedAt: formatWhen(diff.to.at),
        threshold: '',
        counts: shown([{ label: 'members added', total: rows.filter((r) => r.change === 'added').length }, { label: 'members removed', total: rows.filter((r) => r.change === 'removed').length }], 8),
        objects: shown(rows.map((r) => ({ kindLabel: r.role, name: r.member, detail: r.change })), 15),
        canReview: true,
      });
    }
    return { summary: { ...summary, roleChanges: shown(rows, 15) }, roleDiffs, alerts };
  }

  /** The role changes of a tenant diff whose role is privileged (by its newest backed-up definition): what alerts and their restores cover. */
  private async privilegedRoleChanges<T extends { role: { id: string } }>(diff: { roleChanges: T[] }): Promise<T[]> {
    const queries = this.queries();
    const privileged = await Promise.all(diff.roleChanges.map((change) => queries.objectAt('roleDefinition', change.role.id).then((d) => d?.body.isPrivileged === true, () => false)));
    return diff.roleChanges.filter((_, i) => privileged[i]);
  }

  /**
   * The summary of a backup that failed: says so, with the reason, and shows the last good backup's figures (or none).
   * The reason is the engine's error message, which carries no secrets (tokens never reach error messages).
   */
  async failedBackupModel(error: unknown, startedAt: Date): Promise<DailySummaryCardModel> {
    const reason = sentence((error instanceof Error ? error.message : String(error)).slice(0, 400));
    const last = await this.backupStatusModel().catch(() => undefined);
    const statusDetail = `The backup started ${formatWhen(startedAt.toISOString())} failed: ${reason} ${last ? `The figures below are from the last good backup (${last.completedAt}).` : 'There is no good backup yet.'}`;
    if (last) return { ...last, status: 'failed', statusDetail, roleChanges: shown([], 15) };
    return {
      status: 'failed', statusDetail, snapshotId: '', mode: 'full', startedAt: formatWhen(startedAt.toISOString()), completedAt: '', duration: '',
      types: shown([], 12), totals: { total: 0, created: 0, changed: 0, deleted: 0 }, roleChanges: shown([], 15),
      throttling: { requests: 0, throttled: 0, retries: 0 }, storage: { used: '0 bytes', added: '0 bytes' }, notes: [],
    };
  }

  /**
   * "Review and restore" on an alert: one plan, from the alert's earlier snapshot, sent for approval like any other.
   * A mass-deletion alert restores every user and group deleted between its two snapshots; a privileged-change alert
   * puts the members of every privileged role that changed back as they were (overwrite: members added since are
   * removed, members removed are added back). The alert id is card data: it is checked against the stored snapshots,
   * and what changed is recomputed here, never taken from the card.
   */
  async requestAlertRestore(actor: Person, alertId: unknown, requestReference?: Record<string, unknown>): Promise<{ requestId: string; model: ApprovalCardModel; selectedApproverId: string }> {
    const match = typeof alertId === 'string' && alertId.length <= 200 ? /^(priv:)?([0-9TZ]+-[0-9a-f]{6})\.\.([0-9TZ]+-[0-9a-f]{6})$/.exec(alertId) : null;
    if (!match) throw new ServiceRefusal('This card cannot be used', 'The card sent an alert id that is not one.');
    if (!(await this.membership(actor.objectId)).helpdesk) throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk group can request a restore.');
    const [, privileged, fromId, toId] = match;
    const queries = this.queries();
    const ids = new Set((await queries.listSnapshots()).map((x) => x.id));
    if (!ids.has(fromId) || !ids.has(toId)) throw new ServiceRefusal('Unknown alert', 'The backups this alert compared are no longer stored.');
    const diff = await queries.tenantDiff(fromId, toId);
    let targets: RestoreTarget[];
    if (privileged) {
      targets = (await this.privilegedRoleChanges(diff)).map((change) => ({ kind: 'role' as const, id: change.role.id }));
      if (!targets.length) throw new ServiceRefusal('Nothing to restore', 'No privileged role changed members between those backups.');
    } else {
      targets = diff.deleted.filter((o) => o.kind === 'user' || o.kind === 'group').map((o) => ({ kind: o.kind as 'user' | 'group', id: o.id }));
      if (!targets.length) throw new ServiceRefusal('Nothing to restore', 'Nothing was deleted between those backups.');
    }
    const plan = (await this.restores().plan({ targets, at: fromId, ...(privileged ? { options: { linkMode: 'overwrite' } } : {}) })).plan;
    if (!plan.steps.length) throw new ServiceRefusal('Nothing to restore', 'The directory already matches the earlier backup for everything this alert covers.');
    const requestId = await this.restores().request({
      plan, requester: { objectId: actor.objectId.toLowerCase(), ...(actor.displayName ? { displayName: actor.displayName } : {}) },
      reason: `${privileged ? 'Privileged change' : 'Mass deletion'} alert ${alertId}`, approvalTtlMs: this.options.approvalTtlInMs,
    });
    await this.records.saveRequest({ requestId, requesterObjectId: actor.objectId.toLowerCase(), ...(requestReference ? { requestReference } : {}), selectedApproverId: ANY_SECURITY_LEAD, posts: [] });
    return { requestId, model: await this.approvalCardModel(requestId, { kind: 'shared', refreshUserIds: [] }), selectedApproverId: ANY_SECURITY_LEAD };
  }

  async backupNow(actor: Person): Promise<DailySummaryCardModel> {
    if (!(await this.membership(actor.objectId)).helpdesk) throw new ServiceRefusal('Not allowed', 'Only members of the helpdesk group can start a backup.');
    if (!this.options.gateway) throw new ServiceRefusal('Not available', 'This bot has no backup connection configured.', 'Run rewind backup from the CLI.');
    await runBackup(this.options.gateway, this.options.store);
    return this.backupStatusModel();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Help and errors

  helpModel(error?: CommandError, input = ''): HelpCardModel {
    return {
      intro: error ? error.message : '',
      input: input.slice(0, 100),
      suggestion: error?.closest ? error.closest.usage : '',
      commands: shown(COMMANDS.map((c) => ({ usage: c.usage, description: c.description })), 16),
    };
  }

  errorModel(error: unknown): ErrorCardModel {
    if (isServiceRefusal(error)) return { title: error.title, message: error.message, whatToDo: error.whatToDo, reference: error.reference };
    return { title: 'Something went wrong', message: 'The bot hit an unexpected error; nothing was changed by this action.', whatToDo: 'Try again. If it keeps happening, tell an administrator.', reference: '' };
  }
}

/** What became of one created user's credential, in words for the result card (never the secret). */
function credentialOutcome(account: CredentialAccount): string {
  if (account.status === 'delivered') {
    return `${account.method === 'password' ? 'Temporary password' : 'Temporary Access Pass'}, sent once to ${account.deliveredTo}.`;
  }
  if (!account.userId) return `Not created, so there is nothing to sign in with (${account.note}).`;
  return `${sentence(account.note)} To fix it, ${sentence(account.whatToDo ?? '').replace(/^./, (c) => c.toLowerCase())}`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
