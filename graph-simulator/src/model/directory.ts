/**
 * The in-memory directory of one tenant, with no HTTP in it.
 *
 * State: live objects (users, groups, administrative units), the recycle bin, relationship sets (members, owners,
 * AU members, manager), role definitions / activated directory roles / role assignments, subscribed SKUs.
 *
 * Soft delete keeps an object's links but hides them: every read filters on liveness, so a restore brings back the
 * original id, createdDateTime, memberships, ownerships, role assignments and licenses (contract §5, X6). A
 * permanent delete (purge, distribution lists, 30-day expiry) removes the links for good.
 *
 * Change tracking for delta: a monotonically increasing `version` is bumped by every mutation; objects remember the
 * version of their last change per property, relationship changes go to an append-only `linkEvents` log, and
 * removals leave a tombstone. A delta token is just the version it was issued at (see protocol/delta.ts).
 */
import { randomUUID } from 'node:crypto';
import { DAY_IN_MS, SimClock } from './clock';
import {
  DYNAMIC_WRITE_MESSAGE,
  DirectoryError,
  MAIL_ENABLED_WRITE_MESSAGE,
  SYNCED_WRITE_MESSAGE,
  badRequest,
  conflict,
  linkExists,
  notFound,
  readOnly,
} from './errors';
import { MembershipRule, parseMembershipRule } from './membership-rule';
import {
  ADMINISTRATIVE_UNIT_PROPERTIES,
  ADMINISTRATIVE_UNIT_READ_ONLY,
  GROUP_CREATE_ONLY,
  GROUP_PROPERTIES,
  GROUP_READ_ONLY,
  USER_CLOUD_WRITABLE_WHEN_SYNCED,
  USER_PROPERTIES,
  USER_READ_ONLY,
} from './schema';

export type ObjectKind = 'user' | 'group' | 'administrativeUnit';
export type Props = Record<string, unknown>;

export interface DirectoryObject {
  readonly id: string;
  readonly kind: ObjectKind;
  props: Props;
  /** Position in list order; restore gives a new one, as a restored object shows up as new. */
  seq: number;
  /** Version of the last change to any property. */
  version: number;
  /** Version at which the object (re)appeared: creation or restore. */
  createdVersion: number;
  /** Per-property version of the last change, including the `manager` navigation property. */
  propVersions: Record<string, number>;
  /** The manager before the last manager change, so delta can report its removal. */
  previousManagerId?: string;
  /** Password: write-only, never projected. */
  password?: string;
  temporaryAccessPasses?: TemporaryAccessPass[];
}

export interface TemporaryAccessPass {
  id: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export type LinkRelationship = 'members' | 'owners';
export interface LinkEvent {
  version: number;
  groupId: string;
  memberId: string;
  relationship: LinkRelationship;
  added: boolean;
}

export interface Tombstone {
  kind: ObjectKind;
  version: number;
  reason: 'changed' | 'deleted';
}

export interface RoleDefinition {
  id: string;
  description: string;
  displayName: string;
  isBuiltIn: boolean;
  isEnabled: boolean;
  /** unifiedRoleDefinition.isPrivileged (v1.0): the role can be used to gain privileges over the tenant. */
  isPrivileged: boolean;
  resourceScopes: string[];
  templateId: string;
  version: string | null;
  rolePermissions: { allowedResourceActions: string[]; condition: string | null }[];
}

export interface DirectoryRole {
  id: string;
  deletedDateTime: null;
  description: string;
  displayName: string;
  roleTemplateId: string;
}

export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: null;
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
  servicePlans: { servicePlanId: string; servicePlanName: string; provisioningStatus: string; appliesTo: string }[];
}

export interface DirectoryOptions {
  tenantId: string;
  /** Verified domains; the first is the default one. */
  domains: string[];
  clock?: SimClock;
}

export const RECYCLE_BIN_RETENTION_IN_MS = 30 * DAY_IN_MS;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN_LOCAL_PART = /^[A-Za-z0-9'.\-_!#^~]+$/;
const MAIL_NICKNAME = /^[\x21-\x7e]+$/;
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:.<>, ]/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function groupKind(props: Props): 'unified' | 'security' | 'mailEnabledSecurity' | 'distribution' {
  const types = (props.groupTypes as string[] | undefined) ?? [];
  if (types.includes('Unified')) return 'unified';
  if (props.mailEnabled && props.securityEnabled) return 'mailEnabledSecurity';
  if (props.mailEnabled) return 'distribution';
  return 'security';
}

export function isDynamicGroup(props: Props): boolean {
  return ((props.groupTypes as string[] | undefined) ?? []).includes('DynamicMembership');
}

class LinkIndex {
  private readonly forward = new Map<string, Set<string>>();
  private readonly reverse = new Map<string, Set<string>>();

  has(owner: string, target: string): boolean {
    return this.forward.get(owner)?.has(target) ?? false;
  }
  add(owner: string, target: string): void {
    let f = this.forward.get(owner);
    if (!f) this.forward.set(owner, (f = new Set()));
    f.add(target);
    let r = this.reverse.get(target);
    if (!r) this.reverse.set(target, (r = new Set()));
    r.add(owner);
  }
  remove(owner: string, target: string): boolean {
    const removed = this.forward.get(owner)?.delete(target) ?? false;
    this.reverse.get(target)?.delete(owner);
    return removed;
  }
  targets(owner: string): ReadonlySet<string> {
    return this.forward.get(owner) ?? EMPTY;
  }
  owners(target: string): ReadonlySet<string> {
    return this.reverse.get(target) ?? EMPTY;
  }
  /** Removes every link that starts or ends at `id`; returns [owner, target] pairs removed. */
  purge(id: string): [string, string][] {
    const removed: [string, string][] = [];
    for (const t of this.forward.get(id) ?? []) {
      this.reverse.get(t)?.delete(id);
      removed.push([id, t]);
    }
    this.forward.delete(id);
    for (const o of this.reverse.get(id) ?? []) {
      this.forward.get(o)?.delete(id);
      removed.push([o, id]);
    }
    this.reverse.delete(id);
    return removed;
  }
  get size(): number {
    let n = 0;
    for (const s of this.forward.values()) n += s.size;
    return n;
  }
}
const EMPTY: ReadonlySet<string> = new Set();

export class Directory {
  readonly tenantId: string;
  readonly domains: string[];
  readonly clock: SimClock;
  /** Incremented by every mutation; delta tokens are versions. */
  version = 1;
  /** Changes when the whole tenant is replaced (seed load): older delta tokens then need a full resync. */
  readonly generation: string = randomUUID();

  private seqCounter = 0;
  private readonly live = new Map<string, DirectoryObject>();
  private readonly usersById = new Map<string, DirectoryObject>();
  private readonly groupsById = new Map<string, DirectoryObject>();
  private readonly unitsById = new Map<string, DirectoryObject>();
  private readonly recycleBin = new Map<string, DirectoryObject>();
  private readonly upnIndex = new Map<string, string>();
  private readonly mailNicknameIndex = new Map<string, string>();
  private readonly dynamicRules = new Map<string, MembershipRule>();

  readonly members = new LinkIndex();
  readonly owners = new LinkIndex();
  readonly unitMembers = new LinkIndex();
  /** user → manager */
  readonly managers = new LinkIndex();

  readonly roleDefinitions = new Map<string, RoleDefinition>();
  readonly directoryRoles = new Map<string, DirectoryRole>();
  readonly roleAssignments = new Map<string, RoleAssignment>();
  private readonly assignmentsByPrincipal = new Map<string, Set<string>>();

  readonly skus = new Map<string, SubscribedSku>();
  private readonly consumed = new Map<string, number>();

  readonly linkEvents: LinkEvent[] = [];
  readonly tombstones = new Map<string, Tombstone>();
  private tracking = true;

  constructor(options: DirectoryOptions) {
    this.tenantId = options.tenantId;
    this.domains = options.domains;
    this.clock = options.clock ?? new SimClock();
  }

  // ---------------------------------------------------------------- bulk loading

  /** Runs `load` without change tracking (a seed is the initial state, not a change). */
  seed(load: () => void): void {
    this.tracking = false;
    try {
      load();
      for (const groupId of this.dynamicRules.keys()) this.recomputeDynamicGroup(groupId);
    } finally {
      this.tracking = true;
    }
  }

  // ---------------------------------------------------------------- reads

  getLive(id: string): DirectoryObject | undefined {
    return this.live.get(id);
  }
  isLive(id: string): boolean {
    return this.live.has(id);
  }
  getUser(idOrUpn: string): DirectoryObject | undefined {
    const byId = this.usersById.get(idOrUpn);
    if (byId) return byId;
    const id = this.upnIndex.get(idOrUpn.toLowerCase());
    return id ? this.usersById.get(id) : undefined;
  }
  requireUser(idOrUpn: string): DirectoryObject {
    const user = this.getUser(idOrUpn);
    if (!user) throw notFound(idOrUpn);
    return user;
  }
  getGroup(id: string): DirectoryObject | undefined {
    return this.groupsById.get(id);
  }
  requireGroup(id: string): DirectoryObject {
    const group = this.groupsById.get(id);
    if (!group) throw notFound(id);
    return group;
  }
  requireUnit(id: string): DirectoryObject {
    const unit = this.unitsById.get(id);
    if (!unit) throw notFound(id);
    return unit;
  }
  users(): IterableIterator<DirectoryObject> {
    return this.usersById.values();
  }
  groups(): IterableIterator<DirectoryObject> {
    return this.groupsById.values();
  }
  administrativeUnits(): IterableIterator<DirectoryObject> {
    return this.unitsById.values();
  }
  get userCount(): number {
    return this.usersById.size;
  }
  get groupCount(): number {
    return this.groupsById.size;
  }
  deletedItems(kind: ObjectKind): DirectoryObject[] {
    this.purgeExpired();
    return [...this.recycleBin.values()].filter((o) => o.kind === kind);
  }
  getDeleted(id: string): DirectoryObject | undefined {
    this.purgeExpired();
    return this.recycleBin.get(id);
  }
  linkCount(): number {
    return this.members.size;
  }

  /** Live members (direct) of a group, in insertion order. */
  groupMembers(groupId: string): string[] {
    return this.liveOnly(this.members.targets(groupId));
  }
  groupOwners(groupId: string): string[] {
    return this.liveOnly(this.owners.targets(groupId));
  }
  unitMembersOf(unitId: string): string[] {
    return this.liveOnly(this.unitMembers.targets(unitId));
  }
  /** Live groups, activated directory roles and AUs an object is a direct member of. */
  memberOf(objectId: string): { groups: string[]; units: string[]; roles: string[] } {
    return {
      groups: this.liveOnly(this.members.owners(objectId)),
      units: this.liveOnly(this.unitMembers.owners(objectId)),
      roles: [...new Set(this.assignmentsOf(objectId).filter((a) => a.directoryScopeId === '/').map((a) => this.directoryRoleFor(a.roleDefinitionId)?.id))].filter(
        (id): id is string => id !== undefined,
      ),
    };
  }
  ownedObjects(userId: string): string[] {
    return this.liveOnly(this.owners.owners(userId));
  }
  managerOf(userId: string): string | undefined {
    const [manager] = this.managers.targets(userId);
    return manager !== undefined && this.live.has(manager) ? manager : undefined;
  }
  directReports(userId: string): string[] {
    return this.liveOnly(this.managers.owners(userId));
  }
  private liveOnly(ids: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of ids) if (this.live.has(id)) out.push(id);
    return out;
  }

  // ---------------------------------------------------------------- users

  createUser(input: Props, options: { id?: string; createdDateTime?: string; password?: string } = {}): DirectoryObject {
    const props = this.newProps(USER_PROPERTIES);
    if (this.tracking) for (const key of Object.keys(input)) if (USER_READ_ONLY.has(key)) throw readOnly(key);
    for (const required of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName'] as const) {
      if (input[required] === undefined || input[required] === null || input[required] === '') {
        throw badRequest(`Invalid value specified for property '${required}' of resource 'User'.`);
      }
    }
    const upn = String(input.userPrincipalName);
    this.assertValidUpn(upn);
    if (this.upnIndex.has(upn.toLowerCase())) throw conflict('userPrincipalName');
    const password = options.password ?? this.passwordFrom(input.passwordProfile, this.tracking);
    Object.assign(props, defaultsForUser(), stripUnknown(input, USER_PROPERTIES));
    const id = options.id ?? randomUUID();
    if (this.live.has(id) || this.recycleBin.has(id)) throw conflict('id');
    props.id = id;
    props.createdDateTime = options.createdDateTime ?? this.clock.nowIso();
    props.userType ??= 'Member';
    props.creationType ??= null;
    if (props.mail && !(props.proxyAddresses as string[]).length) props.proxyAddresses = [`SMTP:${props.mail}`];
    const user = this.addObject('user', id, props);
    user.password = password;
    this.upnIndex.set(upn.toLowerCase(), id);
    this.refreshDynamicMembershipFor(id);
    return user;
  }

  updateUser(idOrUpn: string, patch: Props): void {
    const user = this.requireUser(idOrUpn);
    const synced = user.props.onPremisesSyncEnabled === true;
    for (const key of Object.keys(patch)) {
      if (key === 'passwordProfile') continue;
      if (USER_READ_ONLY.has(key)) throw readOnly(key);
      if (!(USER_PROPERTIES as readonly string[]).includes(key)) {
        throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
      }
      if (synced && !USER_CLOUD_WRITABLE_WHEN_SYNCED.has(key)) throw badRequest(SYNCED_WRITE_MESSAGE);
    }
    if (patch.displayName === null || patch.displayName === '') {
      throw badRequest(`Invalid value specified for property 'displayName' of resource 'User'.`);
    }
    if (patch.userPrincipalName !== undefined) {
      const upn = String(patch.userPrincipalName);
      this.assertValidUpn(upn);
      const holder = this.upnIndex.get(upn.toLowerCase());
      if (holder && holder !== user.id) throw conflict('userPrincipalName');
    }
    let password: string | undefined;
    if (patch.passwordProfile !== undefined) {
      if (synced) throw badRequest(SYNCED_WRITE_MESSAGE);
      password = this.passwordFrom(patch.passwordProfile, true);
    }
    const changed: string[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'passwordProfile') continue;
      if (!sameValue(user.props[key], value)) changed.push(key);
    }
    if (patch.userPrincipalName !== undefined) {
      this.upnIndex.delete(String(user.props.userPrincipalName).toLowerCase());
      this.upnIndex.set(String(patch.userPrincipalName).toLowerCase(), user.id);
    }
    for (const key of changed) user.props[key] = patch[key];
    if (password !== undefined) {
      user.password = password;
      user.props.lastPasswordChangeDateTime = this.clock.nowIso();
    }
    if (changed.length) {
      this.touch(user, changed);
      this.refreshDynamicMembershipFor(user.id);
    }
  }

  /** Soft delete into the recycle bin (users are always restorable for 30 days). */
  deleteUser(idOrUpn: string): void {
    const user = this.requireUser(idOrUpn);
    if (user.props.onPremisesSyncEnabled === true) throw badRequest(SYNCED_WRITE_MESSAGE);
    this.softDelete(user);
  }

  setPassword(userId: string, password: string): void {
    const user = this.requireUser(userId);
    user.password = password;
  }

  addTemporaryAccessPass(userId: string, input: { startDateTime?: string; lifetimeInMinutes?: number; isUsableOnce?: boolean }) {
    const user = this.requireUser(userId);
    const lifetime = input.lifetimeInMinutes ?? 60;
    if (!Number.isInteger(lifetime) || lifetime < 10 || lifetime > 43200) {
      throw badRequest(`Invalid value specified for property 'lifetimeInMinutes' of resource 'TemporaryAccessPassAuthenticationMethod'.`);
    }
    const tap: TemporaryAccessPass = {
      id: randomUUID(),
      createdDateTime: this.clock.nowIso(),
      startDateTime: input.startDateTime ?? this.clock.nowIso(),
      lifetimeInMinutes: lifetime,
      isUsableOnce: input.isUsableOnce ?? false,
    };
    // One usable TAP per user: a new one replaces the old (contract §6.4, W10).
    user.temporaryAccessPasses = [tap];
    return tap;
  }

  // ---------------------------------------------------------------- groups

  createGroup(
    input: Props,
    options: { id?: string; createdDateTime?: string; allowMailEnabled?: boolean } = {},
  ): DirectoryObject {
    if (this.tracking) {
      for (const key of Object.keys(input)) {
        if (GROUP_READ_ONLY.has(key)) throw readOnly(key);
      }
    }
    for (const required of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'] as const) {
      if (input[required] === undefined || input[required] === null || input[required] === '') {
        throw badRequest(`Invalid value specified for property '${required}' of resource 'Group'.`);
      }
    }
    const props = this.newProps(GROUP_PROPERTIES);
    Object.assign(props, defaultsForGroup(), stripUnknown(input, GROUP_PROPERTIES));
    const kind = groupKind(props);
    if ((kind === 'distribution' || kind === 'mailEnabledSecurity') && !options.allowMailEnabled) {
      throw badRequest(MAIL_ENABLED_WRITE_MESSAGE);
    }
    const nickname = String(props.mailNickname);
    if (nickname.length > 64 || !MAIL_NICKNAME.test(nickname) || MAIL_NICKNAME_FORBIDDEN.test(nickname)) {
      throw badRequest(`Invalid value specified for property 'mailNickname' of resource 'Group'.`);
    }
    if (String(props.displayName).length > 256) {
      throw badRequest(`Invalid value specified for property 'displayName' of resource 'Group'.`);
    }
    if (this.mailNicknameIndex.has(nickname.toLowerCase())) throw conflict('mailNickname');
    let rule: MembershipRule | undefined;
    if (isDynamicGroup(props)) {
      if (typeof props.membershipRule !== 'string') {
        throw badRequest(`Invalid value specified for property 'membershipRule' of resource 'Group'.`);
      }
      rule = parseMembershipRule(props.membershipRule);
      props.membershipRuleProcessingState ??= 'On';
    }
    if (props.isAssignableToRole === true) {
      if (props.securityEnabled !== true || rule) {
        throw badRequest(
          'isAssignableToRole can be set only on a security-enabled group that does not have dynamic membership.',
        );
      }
      props.visibility ??= 'Private';
    } else {
      props.isAssignableToRole = null;
    }
    if (props.mailEnabled) {
      props.mail ??= `${nickname}@${this.domains[0]}`;
      props.proxyAddresses = [`SMTP:${props.mail}`];
    }
    const id = options.id ?? randomUUID();
    if (this.live.has(id) || this.recycleBin.has(id)) throw conflict('id');
    props.id = id;
    props.createdDateTime = options.createdDateTime ?? this.clock.nowIso();
    props.renewedDateTime = props.createdDateTime;
    props.securityIdentifier = sidFor(id);
    if (kind === 'unified') props.visibility ??= 'Public';
    const group = this.addObject('group', id, props);
    this.mailNicknameIndex.set(nickname.toLowerCase(), id);
    if (rule) {
      this.dynamicRules.set(id, rule);
      if (this.tracking) this.recomputeDynamicGroup(id);
    }
    return group;
  }

  updateGroup(id: string, patch: Props): void {
    const group = this.requireGroup(id);
    this.assertGroupWritable(group);
    for (const key of Object.keys(patch)) {
      if (GROUP_READ_ONLY.has(key) || GROUP_CREATE_ONLY.has(key)) throw readOnly(key);
      if (!(GROUP_PROPERTIES as readonly string[]).includes(key)) {
        throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
      }
    }
    if (patch.mailNickname !== undefined) {
      const holder = this.mailNicknameIndex.get(String(patch.mailNickname).toLowerCase());
      if (holder && holder !== id) throw conflict('mailNickname');
    }
    const next = { ...group.props, ...patch };
    let rule: MembershipRule | undefined;
    if (isDynamicGroup(next)) {
      if (typeof next.membershipRule !== 'string') {
        throw badRequest(`Invalid value specified for property 'membershipRule' of resource 'Group'.`);
      }
      rule = parseMembershipRule(next.membershipRule);
    }
    const changed = Object.keys(patch).filter((k) => !sameValue(group.props[k], patch[k]));
    if (patch.mailNickname !== undefined) {
      this.mailNicknameIndex.delete(String(group.props.mailNickname).toLowerCase());
      this.mailNicknameIndex.set(String(patch.mailNickname).toLowerCase(), id);
    }
    for (const key of changed) group.props[key] = patch[key];
    if (changed.length) this.touch(group, changed);
    if (rule) {
      this.dynamicRules.set(id, rule);
      this.recomputeDynamicGroup(id);
    } else {
      this.dynamicRules.delete(id);
    }
  }

  /**
   * Microsoft 365 and security groups go to the recycle bin; distribution lists and mail-enabled security groups
   * are deleted at once (contract §5; mail-enabled security is UNVERIFIED there and treated like a distribution list).
   */
  deleteGroup(id: string): void {
    const group = this.requireGroup(id);
    if (group.props.onPremisesSyncEnabled === true) throw badRequest(SYNCED_WRITE_MESSAGE);
    const kind = groupKind(group.props);
    if (kind === 'unified' || kind === 'security') this.softDelete(group);
    else this.hardDeleteLive(group);
  }

  // ---------------------------------------------------------------- administrative units

  createAdministrativeUnit(input: Props, options: { id?: string } = {}): DirectoryObject {
    for (const key of Object.keys(input)) if (ADMINISTRATIVE_UNIT_READ_ONLY.has(key)) throw readOnly(key);
    if (!input.displayName) {
      throw badRequest(`Invalid value specified for property 'displayName' of resource 'AdministrativeUnit'.`);
    }
    const props = this.newProps(ADMINISTRATIVE_UNIT_PROPERTIES);
    Object.assign(props, { visibility: null, membershipType: null, description: null }, stripUnknown(input, ADMINISTRATIVE_UNIT_PROPERTIES));
    const id = options.id ?? randomUUID();
    props.id = id;
    return this.addObject('administrativeUnit', id, props);
  }

  updateAdministrativeUnit(id: string, patch: Props): void {
    const unit = this.requireUnit(id);
    for (const key of Object.keys(patch)) if (ADMINISTRATIVE_UNIT_READ_ONLY.has(key)) throw readOnly(key);
    const changed = Object.keys(patch).filter((k) => !sameValue(unit.props[k], patch[k]));
    for (const key of changed) unit.props[key] = stripUnknown(patch, ADMINISTRATIVE_UNIT_PROPERTIES)[key];
    if (changed.length) this.touch(unit, changed);
  }

  deleteAdministrativeUnit(id: string): void {
    this.softDelete(this.requireUnit(id));
  }

  // ---------------------------------------------------------------- links

  addMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    this.assertGroupWritable(group);
    if (isDynamicGroup(group.props)) throw badRequest(DYNAMIC_WRITE_MESSAGE);
    const member = this.live.get(memberId);
    if (!member || member.kind === 'administrativeUnit') throw notFound(memberId);
    if (memberId === groupId) throw badRequest('A group cannot be a member of itself.');
    const kind = groupKind(group.props);
    if (member.kind === 'group' && kind === 'unified') {
      throw badRequest('Microsoft 365 groups can have only users as members.');
    }
    if (member.kind === 'group' && group.props.isAssignableToRole === true) {
      throw badRequest('Groups cannot be added as members of a group that can be assigned to a role.');
    }
    if (this.members.has(groupId, memberId)) throw linkExists('members');
    this.link('members', groupId, memberId);
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    this.assertGroupWritable(group);
    if (isDynamicGroup(group.props)) throw badRequest(DYNAMIC_WRITE_MESSAGE);
    if (!this.members.has(groupId, memberId) || !this.live.has(memberId)) throw notFound(memberId);
    this.unlink('members', groupId, memberId);
  }

  addOwner(groupId: string, ownerId: string): void {
    const group = this.requireGroup(groupId);
    this.assertGroupWritable(group);
    const owner = this.live.get(ownerId);
    if (!owner || owner.kind !== 'user') throw notFound(ownerId);
    if (this.owners.has(groupId, ownerId)) throw linkExists('owners');
    this.link('owners', groupId, ownerId);
  }

  removeOwner(groupId: string, ownerId: string): void {
    const group = this.requireGroup(groupId);
    this.assertGroupWritable(group);
    if (!this.owners.has(groupId, ownerId) || !this.live.has(ownerId)) throw notFound(ownerId);
    this.unlink('owners', groupId, ownerId);
  }

  addUnitMember(unitId: string, memberId: string): void {
    this.requireUnit(unitId);
    const member = this.live.get(memberId);
    if (!member || member.kind === 'administrativeUnit') throw notFound(memberId);
    if (this.unitMembers.has(unitId, memberId)) throw linkExists('members');
    this.unitMembers.add(unitId, memberId);
    this.bump();
  }

  removeUnitMember(unitId: string, memberId: string): void {
    this.requireUnit(unitId);
    if (!this.unitMembers.has(unitId, memberId) || !this.live.has(memberId)) throw notFound(memberId);
    this.unitMembers.remove(unitId, memberId);
    this.bump();
  }

  setManager(userId: string, managerId: string): void {
    const user = this.requireUser(userId);
    if (this.tracking && user.props.onPremisesSyncEnabled === true) throw badRequest(SYNCED_WRITE_MESSAGE);
    const manager = this.usersById.get(managerId);
    if (!manager) throw notFound(managerId);
    if (manager.id === user.id) throw badRequest('A user cannot be their own manager.');
    const current = [...this.managers.targets(user.id)];
    if (current.length === 1 && current[0] === manager.id) return;
    for (const old of current) this.managers.remove(user.id, old);
    user.previousManagerId = current[0];
    this.managers.add(user.id, manager.id);
    this.touch(user, ['manager']);
  }

  removeManager(userId: string): void {
    const user = this.requireUser(userId);
    if (user.props.onPremisesSyncEnabled === true) throw badRequest(SYNCED_WRITE_MESSAGE);
    const current = [...this.managers.targets(user.id)];
    if (current.length === 0 || !this.managerOf(user.id)) throw notFound('manager');
    for (const old of current) this.managers.remove(user.id, old);
    user.previousManagerId = current[0];
    this.touch(user, ['manager']);
  }

  // ---------------------------------------------------------------- roles

  addRoleDefinition(definition: RoleDefinition, activate: boolean): void {
    this.roleDefinitions.set(definition.id, definition);
    if (activate) this.activateDirectoryRole(definition.templateId);
  }

  /** Activated directory role for a template, created on first use (as Graph activates roles from templates). */
  activateDirectoryRole(templateId: string, id?: string): DirectoryRole {
    const existing = this.directoryRoleFor(templateId);
    if (existing) return existing;
    const definition = this.roleDefinitions.get(templateId);
    if (!definition || !definition.isBuiltIn) throw notFound(templateId);
    const role: DirectoryRole = {
      id: id ?? randomUUID(),
      deletedDateTime: null,
      description: definition.description,
      displayName: definition.displayName,
      roleTemplateId: definition.templateId,
    };
    this.directoryRoles.set(role.id, role);
    return role;
  }

  directoryRoleFor(templateId: string): DirectoryRole | undefined {
    for (const role of this.directoryRoles.values()) if (role.roleTemplateId === templateId) return role;
    return undefined;
  }

  requireDirectoryRole(idOrTemplate: { id?: string; roleTemplateId?: string }): DirectoryRole {
    const role = idOrTemplate.id
      ? this.directoryRoles.get(idOrTemplate.id)
      : this.directoryRoleFor(idOrTemplate.roleTemplateId ?? '');
    if (!role) throw notFound(idOrTemplate.id ?? idOrTemplate.roleTemplateId ?? '');
    return role;
  }

  /** Principals (live) holding a directory role at tenant scope. */
  directoryRoleMembers(roleId: string): string[] {
    const role = this.directoryRoles.get(roleId);
    if (!role) throw notFound(roleId);
    const out: string[] = [];
    for (const a of this.roleAssignments.values()) {
      if (a.roleDefinitionId === role.roleTemplateId && a.directoryScopeId === '/' && this.live.has(a.principalId)) {
        out.push(a.principalId);
      }
    }
    return out;
  }

  /** Live role assignments (assignments of soft-deleted principals are kept but hidden). */
  liveRoleAssignments(): RoleAssignment[] {
    return [...this.roleAssignments.values()].filter((a) => this.live.has(a.principalId));
  }

  assignmentsOf(principalId: string): RoleAssignment[] {
    return [...(this.assignmentsByPrincipal.get(principalId) ?? [])]
      .map((id) => this.roleAssignments.get(id))
      .filter((a): a is RoleAssignment => a !== undefined);
  }

  createRoleAssignment(input: { roleDefinitionId?: unknown; principalId?: unknown; directoryScopeId?: unknown }): RoleAssignment {
    for (const key of ['roleDefinitionId', 'principalId', 'directoryScopeId'] as const) {
      if (typeof input[key] !== 'string' || input[key] === '') {
        throw badRequest(`Invalid value specified for property '${key}' of resource 'UnifiedRoleAssignment'.`);
      }
    }
    const roleDefinitionId = String(input.roleDefinitionId);
    const principalId = String(input.principalId);
    const directoryScopeId = String(input.directoryScopeId);
    const definition = this.roleDefinitions.get(roleDefinitionId);
    if (!definition) throw notFound(roleDefinitionId);
    const principal = this.live.get(principalId);
    if (!principal || principal.kind === 'administrativeUnit') throw notFound(principalId);
    if (principal.kind === 'group' && principal.props.isAssignableToRole !== true) {
      throw badRequest('Only groups that can be assigned to a role (isAssignableToRole) can hold a role assignment.');
    }
    if (directoryScopeId !== '/') {
      const unit = /^\/administrativeUnits\/(.+)$/.exec(directoryScopeId);
      if (!unit || !this.unitsById.has(unit[1])) throw notFound(directoryScopeId);
    }
    const id = roleAssignmentId(roleDefinitionId, principalId, directoryScopeId);
    if (this.roleAssignments.has(id)) {
      throw new DirectoryError(
        409,
        'Request_BadRequest',
        'A conflicting object with one or more of the specified property values is present in the directory.',
      );
    }
    const assignment: RoleAssignment = { id, principalId, roleDefinitionId, directoryScopeId, appScopeId: null };
    this.roleAssignments.set(id, assignment);
    let byPrincipal = this.assignmentsByPrincipal.get(principalId);
    if (!byPrincipal) this.assignmentsByPrincipal.set(principalId, (byPrincipal = new Set()));
    byPrincipal.add(id);
    if (definition.isBuiltIn && directoryScopeId === '/') this.activateDirectoryRole(definition.templateId);
    this.bump();
    return assignment;
  }

  deleteRoleAssignment(id: string): void {
    const assignment = this.roleAssignments.get(id);
    if (!assignment || !this.live.has(assignment.principalId)) throw notFound(id);
    this.roleAssignments.delete(id);
    this.assignmentsByPrincipal.get(assignment.principalId)?.delete(id);
    this.bump();
  }

  // ---------------------------------------------------------------- licenses

  addSubscribedSku(sku: SubscribedSku): void {
    this.skus.set(sku.skuId, sku);
    this.consumed.set(sku.skuId, this.consumed.get(sku.skuId) ?? 0);
  }

  consumedUnits(skuId: string): number {
    return this.consumed.get(skuId) ?? 0;
  }

  /** Validation follows contract §6.4: usage location first, then SKU existence, then seats. */
  assignLicense(
    userId: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): DirectoryObject {
    const user = this.requireUser(userId);
    const current = (user.props.assignedLicenses as { skuId: string; disabledPlans: string[] }[]) ?? [];
    if (add.length && !user.props.usageLocation) {
      throw badRequest('License assignment cannot be done for user with invalid usage location.');
    }
    for (const license of [...add.map((l) => l.skuId), ...remove]) {
      if (!this.skus.has(license)) throw badRequest(`License ${license} does not correspond to a valid company License.`);
    }
    for (const skuId of remove) {
      if (!current.some((l) => l.skuId === skuId)) {
        throw badRequest(`User does not have a corresponding license ${skuId}.`);
      }
    }
    for (const license of add) {
      const sku = this.skus.get(license.skuId)!;
      const alreadyHeld = current.some((l) => l.skuId === license.skuId);
      if (!alreadyHeld && this.consumedUnits(license.skuId) >= sku.enabledUnits) {
        throw badRequest(`Subscription ${sku.skuPartNumber} does not have any available licenses.`);
      }
    }
    let next = current.filter((l) => !remove.includes(l.skuId));
    for (const license of add) {
      const held = next.some((l) => l.skuId === license.skuId);
      next = held
        ? next.map((l) => (l.skuId === license.skuId ? { skuId: l.skuId, disabledPlans: [...license.disabledPlans] } : l))
        : [...next, { skuId: license.skuId, disabledPlans: [...license.disabledPlans] }];
    }
    this.adjustSeats(current, -1);
    this.adjustSeats(next, +1);
    if (!sameValue(current, next)) {
      user.props.assignedLicenses = next;
      user.props.assignedPlans = next.flatMap((l) =>
        (this.skus.get(l.skuId)?.servicePlans ?? [])
          .filter((p) => !l.disabledPlans.includes(p.servicePlanId))
          .map((p) => ({ assignedDateTime: this.clock.nowIso(), capabilityStatus: 'Enabled', service: p.servicePlanName, servicePlanId: p.servicePlanId })),
      );
      this.touch(user, ['assignedLicenses', 'assignedPlans']);
    }
    return user;
  }

  /** Seeds a license without seat checks (used only while seeding). */
  seedLicense(userId: string, skuId: string): void {
    const user = this.requireUser(userId);
    const current = (user.props.assignedLicenses as { skuId: string; disabledPlans: string[] }[]) ?? [];
    user.props.assignedLicenses = [...current, { skuId, disabledPlans: [] }];
    user.props.assignedPlans = [];
    this.adjustSeats([{ skuId }], +1);
  }

  private adjustSeats(licenses: { skuId: string }[], delta: number): void {
    for (const l of licenses) this.consumed.set(l.skuId, (this.consumed.get(l.skuId) ?? 0) + delta);
  }

  // ---------------------------------------------------------------- recycle bin

  restoreDeleted(id: string, options: { newUserPrincipalName?: string; autoReconcileProxyConflict?: boolean } = {}): DirectoryObject {
    this.purgeExpired();
    const object = this.recycleBin.get(id);
    if (!object) throw notFound(id);
    if (object.kind === 'user') {
      const upn = options.newUserPrincipalName ?? String(object.props.userPrincipalName);
      if (options.newUserPrincipalName !== undefined) this.assertValidUpn(upn);
      if (this.upnIndex.has(upn.toLowerCase())) throw conflict('userPrincipalName');
      if (!options.autoReconcileProxyConflict && object.props.mail) {
        for (const other of this.usersById.values()) {
          if (other.props.mail && String(other.props.mail).toLowerCase() === String(object.props.mail).toLowerCase()) {
            throw conflict('proxyAddresses');
          }
        }
      }
      object.props.userPrincipalName = upn;
    }
    if (object.kind === 'group') {
      const nickname = String(object.props.mailNickname).toLowerCase();
      if (this.mailNicknameIndex.has(nickname)) throw conflict('mailNickname');
    }
    this.recycleBin.delete(id);
    object.props.deletedDateTime = null;
    object.seq = ++this.seqCounter;
    this.register(object);
    this.bump();
    object.createdVersion = this.version;
    object.version = this.version;
    this.tombstones.delete(id);
    if (object.kind === 'user') this.adjustSeats((object.props.assignedLicenses as { skuId: string }[]) ?? [], +1);
    this.logLinksOf(object.id, true);
    if (object.kind === 'user') this.touchDirectReports(object.id, false);
    if (object.kind === 'user') this.refreshDynamicMembershipFor(object.id);
    return object;
  }

  /** Permanent delete from the recycle bin. Administrative units cannot be purged (contract §5, X3). */
  purgeDeleted(id: string): void {
    this.purgeExpired();
    const object = this.recycleBin.get(id);
    if (!object) throw notFound(id);
    if (object.kind === 'administrativeUnit') {
      throw badRequest('Administrative units cannot be permanently deleted; they are purged automatically after 30 days.');
    }
    this.purge(object);
  }

  /** Applies the 30-day retention on the simulator clock. */
  purgeExpired(): void {
    const cutoff = this.clock.now() - RECYCLE_BIN_RETENTION_IN_MS;
    for (const object of this.recycleBin.values()) {
      if (Date.parse(String(object.props.deletedDateTime)) <= cutoff) this.purge(object);
    }
  }

  // ---------------------------------------------------------------- internals

  private newProps(order: readonly string[]): Props {
    const props: Props = {};
    for (const key of order) props[key] = null;
    return props;
  }

  private addObject(kind: ObjectKind, id: string, props: Props): DirectoryObject {
    if (this.tracking) this.bump();
    const object: DirectoryObject = {
      id,
      kind,
      props,
      seq: ++this.seqCounter,
      version: this.version,
      createdVersion: this.version,
      propVersions: {},
    };
    this.register(object);
    this.tombstones.delete(id);
    return object;
  }

  private register(object: DirectoryObject): void {
    this.live.set(object.id, object);
    const index = object.kind === 'user' ? this.usersById : object.kind === 'group' ? this.groupsById : this.unitsById;
    index.set(object.id, object);
    if (object.kind === 'user') this.upnIndex.set(String(object.props.userPrincipalName).toLowerCase(), object.id);
    if (object.kind === 'group') {
      this.mailNicknameIndex.set(String(object.props.mailNickname).toLowerCase(), object.id);
      if (isDynamicGroup(object.props) && typeof object.props.membershipRule === 'string') {
        this.dynamicRules.set(object.id, parseMembershipRule(object.props.membershipRule));
      }
    }
  }

  private unregister(object: DirectoryObject): void {
    this.live.delete(object.id);
    if (object.kind === 'user') {
      this.usersById.delete(object.id);
      this.upnIndex.delete(String(object.props.userPrincipalName).toLowerCase());
    } else if (object.kind === 'group') {
      this.groupsById.delete(object.id);
      this.mailNicknameIndex.delete(String(object.props.mailNickname).toLowerCase());
      this.dynamicRules.delete(object.id);
    } else {
      this.unitsById.delete(object.id);
    }
  }

  private softDelete(object: DirectoryObject): void {
    this.logLinksOf(object.id, false);
    if (object.kind === 'user') this.touchDirectReports(object.id, true);
    this.unregister(object);
    object.props.deletedDateTime = this.clock.nowIso();
    this.recycleBin.set(object.id, object);
    if (object.kind === 'user') this.adjustSeats((object.props.assignedLicenses as { skuId: string }[]) ?? [], -1);
    this.bump();
    this.tombstones.set(object.id, { kind: object.kind, version: this.version, reason: 'changed' });
  }

  private hardDeleteLive(object: DirectoryObject): void {
    this.logLinksOf(object.id, false);
    this.unregister(object);
    this.dropLinks(object.id);
    this.bump();
    this.tombstones.set(object.id, { kind: object.kind, version: this.version, reason: 'deleted' });
  }

  private purge(object: DirectoryObject): void {
    this.recycleBin.delete(object.id);
    this.dropLinks(object.id);
    this.bump();
    this.tombstones.set(object.id, { kind: object.kind, version: this.version, reason: 'deleted' });
  }

  private dropLinks(id: string): void {
    this.members.purge(id);
    this.owners.purge(id);
    this.unitMembers.purge(id);
    this.managers.purge(id);
    for (const assignmentId of this.assignmentsByPrincipal.get(id) ?? []) this.roleAssignments.delete(assignmentId);
    this.assignmentsByPrincipal.delete(id);
  }

  /** Records, for delta, that every group link touching `id` appeared or disappeared with the object. */
  /**
   * A manager leaving (or coming back from) the recycle bin changes what `GET /users/{id}/manager` answers for each
   * direct report, so each report's `manager` changes too and shows up in the next users delta round.
   */
  private touchDirectReports(managerId: string, leaving: boolean): void {
    if (!this.tracking) return;
    for (const reportId of this.managers.owners(managerId)) {
      const report = this.live.get(reportId);
      if (!report || report.id === managerId) continue;
      if (leaving) report.previousManagerId = managerId;
      this.touch(report, ['manager']);
    }
  }

  private logLinksOf(id: string, added: boolean): void {
    if (!this.tracking) return;
    const version = this.version + 1;
    for (const groupId of this.members.owners(id)) {
      if (this.live.has(groupId)) this.linkEvents.push({ version, groupId, memberId: id, relationship: 'members', added });
    }
    for (const groupId of this.owners.owners(id)) {
      if (this.live.has(groupId)) this.linkEvents.push({ version, groupId, memberId: id, relationship: 'owners', added });
    }
  }

  private link(relationship: LinkRelationship, groupId: string, memberId: string): void {
    (relationship === 'members' ? this.members : this.owners).add(groupId, memberId);
    if (this.tracking) {
      this.bump();
      this.linkEvents.push({ version: this.version, groupId, memberId, relationship, added: true });
    }
  }

  private unlink(relationship: LinkRelationship, groupId: string, memberId: string): void {
    (relationship === 'members' ? this.members : this.owners).remove(groupId, memberId);
    if (this.tracking) {
      this.bump();
      this.linkEvents.push({ version: this.version, groupId, memberId, relationship, added: false });
    }
  }

  private touch(object: DirectoryObject, properties: string[]): void {
    this.bump();
    object.version = this.version;
    for (const p of properties) object.propVersions[p] = this.version;
  }

  private bump(): void {
    if (this.tracking) this.version++;
  }

  private refreshDynamicMembershipFor(userId: string): void {
    if (!this.tracking || this.dynamicRules.size === 0) return;
    const user = this.usersById.get(userId);
    if (!user) return;
    for (const [groupId, rule] of this.dynamicRules) {
      const should = rule.matches(user.props);
      const is = this.members.has(groupId, userId);
      if (should && !is) this.link('members', groupId, userId);
      else if (!should && is) this.unlink('members', groupId, userId);
    }
  }

  private recomputeDynamicGroup(groupId: string): void {
    const rule = this.dynamicRules.get(groupId);
    if (!rule) return;
    for (const user of this.usersById.values()) {
      const should = rule.matches(user.props);
      const is = this.members.has(groupId, user.id);
      if (should && !is) this.link('members', groupId, user.id);
      else if (!should && is) this.unlink('members', groupId, user.id);
    }
  }

  private assertGroupWritable(group: DirectoryObject): void {
    // A seed loads the initial state, which Graph's write restrictions do not govern (as with read-only properties).
    if (!this.tracking) return;
    const kind = groupKind(group.props);
    if (kind === 'distribution' || kind === 'mailEnabledSecurity') throw badRequest(MAIL_ENABLED_WRITE_MESSAGE);
    if (group.props.onPremisesSyncEnabled === true) throw badRequest(SYNCED_WRITE_MESSAGE);
  }

  private assertValidUpn(upn: string): void {
    const at = upn.lastIndexOf('@');
    const local = upn.slice(0, at);
    const domain = upn.slice(at + 1).toLowerCase();
    if (at <= 0 || !UPN_LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.')) {
      throw badRequest(`Invalid value specified for property 'userPrincipalName' of resource 'User'.`);
    }
    if (!this.domains.some((d) => d.toLowerCase() === domain)) {
      throw badRequest(
        'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
      );
    }
  }

  private passwordFrom(profile: unknown, required: boolean): string | undefined {
    const password = (profile as { password?: unknown } | null | undefined)?.password;
    if (password === undefined) {
      if (required) throw badRequest(`Invalid value specified for property 'passwordProfile' of resource 'User'.`);
      return undefined;
    }
    if (typeof password !== 'string' || !isComplexPassword(password)) {
      throw badRequest(
        'The specified password does not comply with password complexity requirements. Please provide a different password.',
      );
    }
    return password;
  }
}

/** Entra's default policy: 8–256 characters, three of: lower, upper, digit, symbol. */
export function isComplexPassword(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  return classes >= 3;
}

/** Graph's role assignment ids are base64url(roleDefinitionId bytes + principalId bytes) + "-1" (fixture F12). */
export function roleAssignmentId(roleDefinitionId: string, principalId: string, directoryScopeId: string): string {
  const bytes = Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]);
  const base = bytes.toString('base64url');
  if (directoryScopeId === '/') return `${base}-1`;
  const unit = directoryScopeId.replace(/^\/administrativeUnits\//, '');
  return `${base}-${isGuid(unit) ? guidBytes(unit).toString('base64url') : Buffer.from(directoryScopeId).toString('base64url')}-1`;
}

function guidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  return /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, 'hex') : Buffer.from(id);
}

function sidFor(id: string): string {
  const hex = id.replace(/-/g, '');
  const parts = [0, 8, 16, 24].map((i) => parseInt(hex.slice(i, i + 8), 16) || 0);
  return `S-1-12-1-${parts.join('-')}`;
}

function stripUnknown(input: Props, allowed: readonly string[]): Props {
  const out: Props = {};
  for (const key of allowed) if (key in input) out[key] = input[key];
  return out;
}

function defaultsForUser(): Props {
  return {
    businessPhones: [],
    assignedLicenses: [],
    assignedPlans: [],
    imAddresses: [],
    otherMails: [],
    proxyAddresses: [],
    identities: [],
    onPremisesExtensionAttributes: emptyExtensionAttributes(),
  };
}

function emptyExtensionAttributes(): Props {
  const out: Props = {};
  for (let i = 1; i <= 15; i++) out[`extensionAttribute${i}`] = null;
  return out;
}

function defaultsForGroup(): Props {
  return {
    groupTypes: [],
    proxyAddresses: [],
    creationOptions: [],
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
