/**
 * planRestore: pure and deterministic. Same desired state, live state and options → the same plan, byte for byte,
 * and the same hash.
 *
 * Per object, native first: an object in the recycle bin is restored there (original id, creation time and links
 * come back), then reconciled to the desired version; a permanently deleted one is recreated under a new id, its
 * links re-pointed at the new object within the plan; a live one has its attributes rolled back (differences only).
 * Links owned by a restored group or role are overwritten (links added since are removed) unless `additive`; a
 * restored user's own memberships are added back, never taken away. Everything that cannot be done is a skip with
 * a reason, and the plan is then incomplete.
 */
import { LinkRef } from '../model/directory';
import { contentHash } from '../snapshot/canonical';
import { attributeChanges, writableAttributes } from './attributes';
import { judgeSensitivity } from './sensitivity';
import {
  DesiredObject,
  DesiredState,
  LiveState,
  ObjectRef,
  PlanSkip,
  RestoreAction,
  RestoreOptions,
  RestorePlan,
  RestoreStep,
  RestoreTarget,
  SkipReason,
} from './types';

export { GLOBAL_ADMINISTRATOR_TEMPLATE_ID } from './sensitivity';

interface DraftStep {
  key: string;
  action: RestoreAction;
  description: string;
  /** Draft keys of steps this one needs first. */
  after: string[];
  phase: 0 | 1 | 2;
}

class PlanBuilder {
  readonly drafts: DraftStep[] = [];
  readonly skips: PlanSkip[] = [];
  readonly warnings = new Set<string>();
  /** Old object id → how steps refer to it, and the draft key of the step that makes it exist (if any). */
  readonly refs = new Map<string, { ref: ObjectRef; madeBy?: string }>();
  /** Objects this plan cannot touch (skipped): their links are skipped too, without repeating the reason. */
  readonly unusable = new Set<string>();
  private seatsTaken = new Map<string, number>();

  constructor(readonly desired: DesiredState, readonly live: LiveState, readonly options: RestoreOptions) {}

  name(id: string): string {
    const live = this.live.objects[id]?.attributes.displayName;
    return this.desired.names[id] ?? this.desired.groups[id]?.displayName ?? this.desired.roleFacts[id]?.displayName
      ?? this.live.privilege.groupNames[id] ?? this.live.privilege.roles[id]?.displayName ?? (typeof live === 'string' ? live : id);
  }

  step(key: string, phase: DraftStep['phase'], action: RestoreAction, description: string, after: (string | undefined)[] = []): string {
    this.drafts.push({ key, action, description, after: after.filter((a): a is string => !!a), phase });
    return key;
  }

  skip(reason: SkipReason, objectId: string, detail: string, extra: Partial<PlanSkip> = {}): void {
    this.skips.push({ reason, objectId, detail, ...extra });
  }

  /** How to refer to `id` in a link step, or a skip reason when it neither exists nor is restored by this plan. */
  resolve(id: string): { ref: ObjectRef; madeBy?: string } | { missing: SkipReason } {
    const known = this.refs.get(id);
    if (known) return known;
    const live = this.live.objects[id];
    if (live?.state === 'live') return { ref: { id } };
    if (live?.state === 'deleted') return { missing: 'linkedObjectInRecycleBin' };
    return { missing: 'linkedObjectMissing' };
  }

  freeUserPrincipalName(upn: string): string {
    const [local, domain] = upn.split('@');
    for (let n = 2; n < 1000; n++) {
      const candidate = `${local}${n}@${domain}`;
      if (!this.live.userPrincipalNames[candidate.toLowerCase()]) return candidate;
    }
    return `${local}-restored@${domain}`;
  }

  seatsLeft(skuId: string): number {
    const sku = this.live.skus.find((s) => s.skuId === skuId);
    if (!sku) return 0;
    return sku.enabledUnits - sku.consumedUnits - (this.seatsTaken.get(skuId) ?? 0);
  }

  takeSeat(skuId: string): void {
    this.seatsTaken.set(skuId, (this.seatsTaken.get(skuId) ?? 0) + 1);
  }
}

export function planRestore(targets: RestoreTarget[], desired: DesiredState, live: LiveState, options: RestoreOptions): RestorePlan {
  if (options.asNew && (targets.length !== 1 || targets[0].kind !== 'user')) {
    throw new RangeError('"as new" restores exactly one user (a copy under a new UPN)');
  }
  const builder = new PlanBuilder(desired, live, options);
  const byId = new Map(desired.objects.map((o) => [o.id, o]));
  const objectTargets = [...targets].filter((t) => t.kind !== 'role').sort(compareTargets);
  const roleTargets = [...targets].filter((t) => t.kind === 'role').sort(compareTargets);

  for (const recreated of desired.recreated) {
    if (!objectTargets.some((t) => t.id === recreated.id)) continue;
    builder.warnings.add(`${builder.name(recreated.id)} was recreated by Rewind under a new id (restore ${recreated.restoreId}, ${recreated.at.slice(0, 10)}); the backup is applied to that object, which continues the one backed up`);
  }
  for (const target of objectTargets) {
    const object = byId.get(target.id);
    if (!object || object.kind !== target.kind) {
      builder.skip('notInSnapshot', target.id, `${target.kind} ${target.id} is not in ${describeSource(desired)}`);
      builder.unusable.add(target.id);
      continue;
    }
    planObject(builder, object);
  }
  for (const target of objectTargets) {
    const object = byId.get(target.id);
    if (object && object.kind === target.kind && !builder.unusable.has(object.id)) planLinks(builder, object);
  }
  for (const target of roleTargets) planRole(builder, target.id);
  return finish(builder, targets);
}

// ---------------------------------------------------------------- objects

function planObject(b: PlanBuilder, object: DesiredObject): void {
  const name = b.name(object.id);
  const live = b.live.objects[object.id] ?? null;
  const synced = object.attributes.onPremisesSyncEnabled === true;
  if (object.kind === 'user' && b.options.asNew) {
    planCopy(b, object);
    return;
  }
  if (!b.options.withObject) {
    if (live?.state !== 'live') {
      b.skip('linkedObjectMissing', object.id, `${name} does not exist now and "with object" is off, so nothing can be linked to it`);
      b.unusable.add(object.id);
    } else {
      b.refs.set(object.id, { ref: { id: object.id } });
    }
    return;
  }
  if (synced && live?.state !== 'live') {
    b.skip('syncedFromOnPremises', object.id, `${name} is synced from on-premises Active Directory: restore it there and let sync bring it back`);
    b.unusable.add(object.id);
    return;
  }
  if (live?.state === 'live') {
    b.refs.set(object.id, { ref: { id: object.id } });
    if (synced) {
      b.warnings.add(`${name} is synced from on-premises: its attributes are mastered there and are not rolled back`);
      return;
    }
    planAttributeRollback(b, object, live.attributes, undefined);
    return;
  }
  if (live?.state === 'deleted') {
    let newUserPrincipalName: string | undefined;
    if (object.kind === 'user') {
      const upn = String(live.attributes.userPrincipalName ?? object.attributes.userPrincipalName ?? '');
      const holder = b.live.userPrincipalNames[upn.toLowerCase()];
      if (holder && holder !== object.id) {
        const suggestion = b.freeUserPrincipalName(String(object.attributes.userPrincipalName ?? upn));
        b.skip('userPrincipalNameConflict', object.id, `${name} cannot come back from the recycle bin as ${upn}: another user holds that UPN now. Restore it as new under ${suggestion}, or free the UPN`, { relatedId: holder, suggestedUserPrincipalName: suggestion });
        b.unusable.add(object.id);
        return;
      }
    }
    const key = b.step(`restore:${object.id}`, 0, { type: 'restoreFromRecycleBin', kind: object.kind, objectId: object.id, ...(newUserPrincipalName ? { newUserPrincipalName } : {}) },
      `Restore ${object.kind} ${name} from the recycle bin (same id, creation time and links)`);
    b.refs.set(object.id, { ref: { id: object.id }, madeBy: key });
    b.warnings.add(`${name} comes back from the recycle bin as it was when deleted; only the attributes the recycle bin shows are compared with the backup`);
    b.warnings.add(`${name} comes back with the roles, memberships and ownerships it had when deleted, which Graph does not show while it is in the recycle bin: privilege it gained after its latest backup cannot be judged before it is back`);
    planAttributeRollback(b, object, live.attributes, key);
    return;
  }
  planRecreate(b, object);
}

function planAttributeRollback(b: PlanBuilder, object: DesiredObject, current: Record<string, unknown>, after: string | undefined): void {
  // The recycle bin shows only part of a deleted object; what it does not show comes back as it was at deletion,
  // so only the attributes it shows are compared (the others are most likely unchanged since the backup).
  const fromRecycleBin = after !== undefined;
  const changes = attributeChanges(object.kind, current, object.attributes).filter((change) => !fromRecycleBin || change.name in current).filter((change) => {
    if (change.name === 'userPrincipalName' && object.kind === 'user') {
      const holder = b.live.userPrincipalNames[String(change.after).toLowerCase()];
      if (holder && holder !== object.id) {
        b.skip('userPrincipalNameConflict', object.id, `${b.name(object.id)} keeps its current UPN: ${String(change.after)} is held by another user now`, { relatedId: holder });
        return false;
      }
    }
    if (change.name === 'mailNickname') {
      const holder = b.live.mailNicknames[`${object.kind}:${String(change.after).toLowerCase()}`];
      if (holder && holder !== object.id) {
        b.skip('mailNicknameConflict', object.id, `${b.name(object.id)} keeps its current mailNickname: ${String(change.after)} is used by another object now`, { relatedId: holder });
        return false;
      }
    }
    return true;
  });
  if (!changes.length) return;
  b.step(`update:${object.id}`, 0, { type: 'updateAttributes', kind: object.kind, object: { id: object.id }, changes },
    `Roll back ${changes.length} attribute${changes.length === 1 ? '' : 's'} of ${b.name(object.id)}: ${changes.map((c) => c.name).join(', ')}`, [after]);
}

function planRecreate(b: PlanBuilder, object: DesiredObject): void {
  const name = b.name(object.id);
  if (object.kind === 'group') {
    const facts = b.desired.groups[object.id];
    if (facts && (facts.flavor === 'distribution' || facts.flavor === 'mailEnabledSecurity')) {
      b.skip('cannotRecreate', object.id, `${name} is a ${facts.flavor === 'distribution' ? 'distribution list' : 'mail-enabled security group'}: Graph cannot create it; recreate it in Exchange`);
      b.unusable.add(object.id);
      return;
    }
    const nickname = String(object.attributes.mailNickname ?? '');
    const holder = b.live.mailNicknames[`group:${nickname.toLowerCase()}`];
    if (holder) {
      b.skip('mailNicknameConflict', object.id, `${name} cannot be recreated: mailNickname ${nickname} is used by another group now`, { relatedId: holder });
      b.unusable.add(object.id);
      return;
    }
    const key = b.step(`create:${object.id}`, 0, { type: 'createGroup', replaces: object.id, attributes: writableAttributes('group', object.attributes, true) },
      `Recreate group ${name} (it was permanently deleted; it gets a new id)`);
    b.refs.set(object.id, { ref: { createdBy: key }, madeBy: key });
    b.warnings.add(`${name} is recreated with a new id: anything outside the directory that referenced the old id (apps, Teams, SharePoint) is not repaired`);
    return;
  }
  const upn = String(object.attributes.userPrincipalName ?? '');
  const holder = b.live.userPrincipalNames[upn.toLowerCase()];
  if (holder) {
    const suggestion = b.freeUserPrincipalName(upn);
    b.skip('userPrincipalNameConflict', object.id, `${name} cannot be recreated as ${upn}: another user holds that UPN now. Restore it as new under ${suggestion}`, { relatedId: holder, suggestedUserPrincipalName: suggestion });
    b.unusable.add(object.id);
    return;
  }
  const nickname = String(object.attributes.mailNickname ?? '');
  if (b.live.mailNicknames[`user:${nickname.toLowerCase()}`]) {
    b.skip('mailNicknameConflict', object.id, `${name} cannot be recreated: mailNickname ${nickname} is used by another user now`);
    b.unusable.add(object.id);
    return;
  }
  createUserWithCredential(b, object, writableAttributes('user', object.attributes, true), `Recreate user ${name} (it was permanently deleted; it gets a new id)`);
  b.warnings.add(`${name} is recreated with a new id: sign-in history, app assignments and the mailbox are not restored`);
}

function planCopy(b: PlanBuilder, object: DesiredObject): void {
  const asNew = b.options.asNew!;
  const upn = asNew.userPrincipalName;
  if (!/^[A-Za-z0-9'.\-_!#^~]+@[A-Za-z0-9.-]+$/.test(upn)) throw new RangeError(`"${upn}" is not a valid user principal name`);
  const holder = b.live.userPrincipalNames[upn.toLowerCase()];
  if (holder) {
    b.skip('userPrincipalNameConflict', object.id, `the copy cannot use ${upn}: another user holds it. Try ${b.freeUserPrincipalName(upn)}`, { relatedId: holder, suggestedUserPrincipalName: b.freeUserPrincipalName(upn) });
    b.unusable.add(object.id);
    return;
  }
  const nickname = upn.split('@')[0].replace(/[^A-Za-z0-9'.\-_!#^~]/g, '');
  // The copy gets its own mail from its new mailNickname: the original's address stays with the original.
  const { mail: _mail, ...copied } = writableAttributes('user', object.attributes, true);
  void _mail;
  const attributes = {
    ...copied,
    userPrincipalName: upn, mailNickname: nickname,
    displayName: asNew.displayName ?? `${String(object.attributes.displayName ?? nickname)} (restored)`,
  };
  createUserWithCredential(b, object, attributes, `Create a copy of ${b.name(object.id)} as ${upn}`, true);
}

function createUserWithCredential(b: PlanBuilder, object: DesiredObject, attributes: Record<string, unknown>, description: string, copy = false): void {
  const key = b.step(`create:${object.id}`, 0, { type: 'createUser', replaces: object.id, attributes, ...(copy ? { copy: true as const } : {}) }, description);
  b.refs.set(object.id, { ref: { createdBy: key }, madeBy: key });
  const method = b.options.credential;
  b.step(`credential:${object.id}`, 0, { type: 'issueCredential', user: { createdBy: key }, method },
    method === 'password'
      ? `Set a random password for ${b.name(object.id)}, to be changed at next sign-in; shown once, to the requester only`
      : `Issue a Temporary Access Pass for ${b.name(object.id)}; shown once, to the requester only`,
    [key]);
}

// ---------------------------------------------------------------- links

function planLinks(b: PlanBuilder, object: DesiredObject): void {
  const self = b.refs.get(object.id);
  if (!self) return;
  const liveNow = b.live.objects[object.id]?.state === 'live';
  const recreated = 'createdBy' in self.ref;
  const name = b.name(object.id);
  if (b.options.withMemberships) {
    const current = new Set(liveNow && !recreated ? (b.live.memberOf[object.id]?.groups ?? []) : []);
    for (const groupId of [...object.memberOf].sort()) {
      if (current.has(groupId)) continue;
      if (!groupWritable(b, groupId, object.id, `${name}'s membership in`)) continue;
      link(b, 'members', groupId, object.id, self, `Add ${name} to ${b.name(groupId)}`);
    }
    const currentUnits = new Set(liveNow && !recreated ? (b.live.memberOf[object.id]?.administrativeUnits ?? []) : []);
    for (const unitId of [...object.unitMemberOf].sort()) {
      if (!currentUnits.has(unitId)) link(b, 'unitMembers', unitId, object.id, self, `Add ${name} to the administrative unit ${b.name(unitId)}`);
    }
  }
  if (b.options.withOwnerships) {
    const current = new Set(liveNow && !recreated ? (b.live.ownedGroups[object.id] ?? []) : []);
    for (const groupId of [...object.ownerOf].sort()) {
      if (current.has(groupId)) continue;
      if (!groupWritable(b, groupId, object.id, `${name}'s ownership of`, true)) continue;
      link(b, 'owners', groupId, object.id, self, `Make ${name} an owner of ${b.name(groupId)}`);
    }
  }
  if (b.options.withRoleAssignments) {
    const current = new Set((liveNow && !recreated ? (b.live.assignmentsOf[object.id] ?? []) : []).map((a) => `${a.roleDefinitionId}|${a.directoryScopeId}`));
    for (const role of [...object.roles].sort((x, y) => cmp(`${x.roleDefinitionId}|${x.directoryScopeId}`, `${y.roleDefinitionId}|${y.directoryScopeId}`))) {
      if (current.has(`${role.roleDefinitionId}|${role.directoryScopeId}`)) continue;
      const facts = b.desired.roleFacts[role.roleDefinitionId];
      b.step(`role:${role.roleDefinitionId}|${role.directoryScopeId}|${object.id}`, 1, { type: 'addRoleAssignment', roleDefinitionId: role.roleDefinitionId, principal: self.ref, directoryScopeId: role.directoryScopeId },
        `Assign the role ${facts?.displayName ?? role.roleDefinitionId} to ${name}${role.directoryScopeId === '/' ? '' : ` (scope ${role.directoryScopeId})`}`, [self.madeBy]);
    }
  }
  if (object.kind === 'user') {
    if (b.options.withManager && object.managerId && object.attributes.onPremisesSyncEnabled === true) {
      b.skip('syncedFromOnPremises', object.id, `${name}'s manager is set in on-premises Active Directory (the user is synced from there)`, { relatedId: object.managerId });
    } else if (b.options.withManager && object.managerId) {
      const current = liveNow && !recreated ? (b.live.managers[object.id] ?? null) : null;
      if (current !== object.managerId) {
        const manager = b.resolve(object.managerId);
        if ('missing' in manager) {
          b.skip(manager.missing, object.id, `${name}'s manager ${b.name(object.managerId)} ${manager.missing === 'linkedObjectInRecycleBin' ? 'is in the recycle bin: restore them too' : 'no longer exists'}`, { relatedId: object.managerId });
        } else {
          b.step(`manager:${object.id}`, 1, { type: 'setManager', user: self.ref, manager: manager.ref, before: current },
            `Set ${name}'s manager to ${b.name(object.managerId)}`, [self.madeBy, manager.madeBy]);
        }
      }
    }
    if (b.options.withLicenses) planLicenses(b, object, self, liveNow && !recreated);
    if (recreated) {
      for (const reportId of [...object.directReports].sort()) {
        const report = b.live.objects[reportId];
        if (report?.state !== 'live' || b.refs.has(reportId)) continue;
        if ((b.live.managers[reportId] ?? null) !== null) continue;
        if (report.attributes.onPremisesSyncEnabled === true) {
          b.skip('syncedFromOnPremises', object.id, `${b.name(reportId)} reported to ${name}, but is synced from on-premises: set the manager there`, { relatedId: reportId });
          continue;
        }
        b.step(`manager:${reportId}`, 1, { type: 'setManager', user: { id: reportId }, manager: self.ref, before: null },
          `Point ${b.name(reportId)}'s manager at the recreated ${name}`, [self.madeBy]);
      }
    }
  }
  if (object.kind === 'group') planGroupSets(b, object, self, liveNow && !recreated);
  if (liveNow && !recreated) noteKeptLinks(b, object);
}

/**
 * A restored user's or group's own links given after the backup are kept (its restore adds back what it had and
 * never takes away what it got since): the plan says which, so "nothing to restore" is never mistaken for "nothing
 * differs". Only for the link kinds the options restore.
 */
function noteKeptLinks(b: PlanBuilder, object: DesiredObject): void {
  const kept: string[] = [];
  const list = (ids: string[]) => ids.map((id) => b.name(id)).sort((x, y) => x.localeCompare(y)).join(', ');
  if (b.options.withRoleAssignments) {
    const had = new Set(object.roles.map((r) => `${r.roleDefinitionId}|${r.directoryScopeId}`));
    const extra = (b.live.assignmentsOf[object.id] ?? []).filter((a) => !had.has(`${a.roleDefinitionId}|${a.directoryScopeId}`));
    if (extra.length) kept.push(`the role${extra.length === 1 ? '' : 's'} ${list([...new Set(extra.map((a) => a.roleDefinitionId))])}`);
  }
  if (b.options.withMemberships) {
    const extra = (b.live.memberOf[object.id]?.groups ?? []).filter((g) => !object.memberOf.includes(g));
    if (extra.length) kept.push(`membership of ${list(extra)}`);
  }
  if (b.options.withOwnerships) {
    const extra = (b.live.ownedGroups[object.id] ?? []).filter((g) => !object.ownerOf.includes(g));
    if (extra.length) kept.push(`ownership of ${list(extra)}`);
  }
  if (!kept.length) return;
  b.warnings.add(`${b.name(object.id)} keeps what it was given after the backup: ${kept.join('; ')}. Restoring a ${object.kind} adds back what it had and never takes away what it got since; to take that away, restore the role or the group itself (its members are put back as they were)`);
}

function planLicenses(b: PlanBuilder, object: DesiredObject, self: { ref: ObjectRef; madeBy?: string }, liveNow: boolean): void {
  const wanted = ((object.attributes.assignedLicenses as { skuId: string }[] | undefined) ?? []).map((l) => l.skuId).sort();
  const current = new Set(liveNow ? ((b.live.objects[object.id]?.attributes.assignedLicenses as { skuId: string }[] | undefined) ?? []).map((l) => l.skuId) : []);
  const restoredNatively = b.live.objects[object.id]?.state === 'deleted';
  const add: string[] = [];
  const name = b.name(object.id);
  for (const skuId of wanted) {
    if (current.has(skuId) || restoredNatively) continue;
    const sku = b.live.skus.find((s) => s.skuId === skuId);
    const label = sku?.skuPartNumber ?? skuId;
    if (!object.attributes.usageLocation) {
      b.skip('noUsageLocation', object.id, `${name} has no usage location, which Graph needs before it can assign ${label}`, { relatedId: skuId });
      continue;
    }
    if (b.seatsLeft(skuId) <= 0) {
      b.skip('noLicenseSeats', object.id, `no ${label} seats are left for ${name}${sku ? '' : ' (the tenant no longer has this subscription)'}`, { relatedId: skuId });
      continue;
    }
    b.takeSeat(skuId);
    add.push(skuId);
  }
  if (add.length) {
    b.step(`licenses:${object.id}`, 1, { type: 'assignLicenses', user: self.ref, add },
      `Assign ${add.map((s) => b.live.skus.find((k) => k.skuId === s)?.skuPartNumber ?? s).join(', ')} to ${name}`, [self.madeBy]);
  }
}

function planGroupSets(b: PlanBuilder, group: DesiredObject, self: { ref: ObjectRef; madeBy?: string }, liveNow: boolean): void {
  const facts = b.desired.groups[group.id];
  const name = b.name(group.id);
  const mailOnly = facts && (facts.flavor === 'distribution' || facts.flavor === 'mailEnabledSecurity');
  if (facts?.synced) {
    if (b.options.withMemberships || b.options.withOwnerships) b.skip('syncedFromOnPremises', group.id, `${name}'s members and owners are managed in on-premises Active Directory (the group is synced from there)`);
    return;
  }
  if (b.options.withMemberships) {
    if (mailOnly) {
      b.skip(facts.flavor === 'distribution' ? 'distributionList' : 'mailEnabledSecurityGroup', group.id, `${name}'s members cannot be written through Graph (${facts.flavor === 'distribution' ? 'distribution list' : 'mail-enabled security group'}): manage them in Exchange`);
    } else if (facts?.dynamic) {
      b.warnings.add(`${name} has dynamic membership: its members follow its rule and are not written`);
    } else {
      reconcileSet(b, group, self, 'members', group.members, liveNow ? (b.live.members[group.id] ?? []) : [], liveNow, facts?.flavor === 'unified');
    }
  }
  if (b.options.withOwnerships && !mailOnly) {
    reconcileSet(b, group, self, 'owners', group.owners, liveNow ? (b.live.owners[group.id] ?? []) : [], liveNow, false);
  }
}

function reconcileSet(b: PlanBuilder, group: DesiredObject, self: { ref: ObjectRef; madeBy?: string }, relation: 'members' | 'owners', desired: LinkRef[], current: string[], liveNow: boolean, usersOnly: boolean): void {
  const name = b.name(group.id);
  const currentSet = new Set(current);
  const wanted = new Set<string>();
  for (const member of [...desired].sort((x, y) => cmp(x.id, y.id))) {
    if (usersOnly && member.type !== 'user') {
      b.skip('linkedObjectMissing', group.id, `${b.name(member.id)} cannot be a member of the Microsoft 365 group ${name}: it takes users only`, { relatedId: member.id });
      continue;
    }
    const target = b.resolve(member.id);
    if ('missing' in target) {
      b.skip(target.missing, group.id, `${b.name(member.id)} ${target.missing === 'linkedObjectInRecycleBin' ? 'is in the recycle bin' : 'no longer exists'}, so it cannot be made ${relation === 'members' ? 'a member' : 'an owner'} of ${name}`, { relatedId: member.id });
      continue;
    }
    wanted.add(member.id);
    if (currentSet.has(member.id)) continue;
    b.step(`${relation}:${group.id}|${member.id}`, 1, { type: 'addLink', relation, owner: self.ref, target: target.ref },
      relation === 'members' ? `Add ${b.name(member.id)} to ${name}` : `Make ${b.name(member.id)} an owner of ${name}`, [self.madeBy, target.madeBy]);
  }
  if (relation === 'owners' && wanted.size === 0 && (currentSet.size === 0 || b.options.linkMode === 'overwrite')) {
    b.skip('groupWouldHaveNoOwner', group.id, `${name} had no owner that can be restored, so it ${currentSet.size ? 'keeps its current owners' : 'will have no owner'}: assign one`);
    return;
  }
  if (b.options.linkMode !== 'overwrite' || !liveNow) {
    if (!liveNow && b.options.linkMode === 'overwrite' && b.live.objects[group.id]?.state === 'deleted') {
      b.warnings.add(`${name} comes back from the recycle bin with the ${relation} it had when deleted; ${relation} added after the backup but before the deletion are not removed by this plan`);
    }
    return;
  }
  for (const extra of [...currentSet].sort()) {
    if (wanted.has(extra) || desired.some((d) => d.id === extra)) continue;
    b.step(`${relation}-remove:${group.id}|${extra}`, 2, { type: 'removeLink', relation, owner: self.ref, target: { id: extra } },
      relation === 'members' ? `Remove ${b.name(extra)} from ${name} (added after the backup)` : `Remove ${b.name(extra)} as owner of ${name} (added after the backup)`, [self.madeBy]);
  }
}

function groupWritable(b: PlanBuilder, groupId: string, objectId: string, what: string, ownership = false): boolean {
  const relation = ownership ? 'owners' as const : 'members' as const;
  const facts = b.desired.groups[groupId];
  const groupName = b.name(groupId);
  if (facts?.flavor === 'distribution') {
    b.skip('distributionList', objectId, `${what} the distribution list ${groupName} cannot be written through Graph: manage it in Exchange`, { relatedId: groupId, relation });
    return false;
  }
  if (facts?.flavor === 'mailEnabledSecurity') {
    b.skip('mailEnabledSecurityGroup', objectId, `${what} the mail-enabled security group ${groupName} cannot be written through Graph: manage it in Exchange`, { relatedId: groupId, relation });
    return false;
  }
  if (facts?.synced) {
    b.skip('syncedFromOnPremises', objectId, `${what} ${groupName} is managed in on-premises Active Directory (the group is synced from there)`, { relatedId: groupId, relation });
    return false;
  }
  if (facts?.dynamic && !ownership) {
    b.skip('dynamicMembership', objectId, `${what} ${groupName} is computed by its dynamic rule and is not written`, { relatedId: groupId, relation });
    return false;
  }
  return true;
}

function link(b: PlanBuilder, relation: 'members' | 'owners' | 'unitMembers', ownerId: string, memberId: string, self: { ref: ObjectRef; madeBy?: string }, description: string): void {
  const owner = b.resolve(ownerId);
  if ('missing' in owner) {
    b.skip(owner.missing, memberId, `${description.replace(/^(Add|Make) /, '')}: ${b.name(ownerId)} ${owner.missing === 'linkedObjectInRecycleBin' ? 'is in the recycle bin (restore it too)' : 'no longer exists'}`, { relatedId: ownerId });
    return;
  }
  b.step(`${relation}:${ownerId}|${memberId}`, 1, { type: 'addLink', relation, owner: owner.ref, target: self.ref }, description, [owner.madeBy, self.madeBy]);
}

// ---------------------------------------------------------------- roles

function planRole(b: PlanBuilder, roleDefinitionId: string): void {
  const role = b.desired.roles.find((r) => r.roleDefinitionId === roleDefinitionId);
  if (!role) {
    b.skip('notInSnapshot', roleDefinitionId, `role ${roleDefinitionId} is not in ${describeSource(b.desired)}`);
    return;
  }
  const current = b.live.assignmentsFor[roleDefinitionId] ?? [];
  const key = (principalId: string, scope: string) => `${principalId}|${scope}`;
  const currentKeys = new Set(current.map((a) => key(a.principalId, a.directoryScopeId)));
  const wanted = new Set<string>();
  for (const assignment of [...role.assignments].sort((x, y) => cmp(key(x.principalId, x.directoryScopeId), key(y.principalId, y.directoryScopeId)))) {
    wanted.add(key(assignment.principalId, assignment.directoryScopeId));
    if (currentKeys.has(key(assignment.principalId, assignment.directoryScopeId))) continue;
    const principal = b.resolve(assignment.principalId);
    if ('missing' in principal) {
      b.skip(principal.missing, roleDefinitionId, `${b.name(assignment.principalId)} ${principal.missing === 'linkedObjectInRecycleBin' ? 'is in the recycle bin (restore them first)' : 'no longer exists'}, so the role ${role.displayName} cannot be given back to them`, { relatedId: assignment.principalId });
      continue;
    }
    b.step(`role:${roleDefinitionId}|${assignment.directoryScopeId}|${assignment.principalId}`, 1, { type: 'addRoleAssignment', roleDefinitionId, principal: principal.ref, directoryScopeId: assignment.directoryScopeId },
      `Assign the role ${role.displayName} to ${b.name(assignment.principalId)}`, [principal.madeBy]);
  }
  if (b.options.linkMode !== 'overwrite') return;
  for (const assignment of [...current].sort((x, y) => cmp(key(x.principalId, x.directoryScopeId), key(y.principalId, y.directoryScopeId)))) {
    if (wanted.has(key(assignment.principalId, assignment.directoryScopeId))) continue;
    b.step(`role-remove:${roleDefinitionId}|${assignment.directoryScopeId}|${assignment.principalId}`, 2, { type: 'removeRoleAssignment', roleDefinitionId, principal: { id: assignment.principalId }, directoryScopeId: assignment.directoryScopeId },
      `Remove the role ${role.displayName} from ${b.name(assignment.principalId)} (given after the backup)`);
  }
}

// ---------------------------------------------------------------- assembly

function finish(b: PlanBuilder, targets: RestoreTarget[]): RestorePlan {
  const ordered = [...b.drafts].sort((x, y) => x.phase - y.phase || cmp(x.key, y.key));
  const seen = new Set<string>();
  const unique = ordered.filter((d) => (seen.has(d.key) ? false : (seen.add(d.key), true)));
  const idOf = new Map(unique.map((d, i) => [d.key, `s${String(i + 1).padStart(3, '0')}`]));
  const steps: RestoreStep[] = unique.map((d) => ({
    id: idOf.get(d.key)!,
    action: renameRefs(d.action, idOf),
    description: d.description,
    dependsOn: [...new Set(d.after.map((a) => idOf.get(a)).filter((a): a is string => !!a))].sort(),
  }));
  const byAction: Record<string, number> = {};
  for (const step of steps) byAction[step.action.type] = (byAction[step.action.type] ?? 0) + 1;
  const skips = [...b.skips].sort((x, y) => cmp(`${x.objectId}|${x.reason}|${x.relatedId ?? ''}`, `${y.objectId}|${y.reason}|${y.relatedId ?? ''}`));
  const body: Omit<RestorePlan, 'hash'> = {
    formatVersion: 1,
    tenantId: b.desired.tenantId,
    source: b.desired.source,
    targets: [...targets].sort(compareTargets).map((t) => ({ kind: t.kind, id: t.id, displayName: b.name(t.id) })),
    options: b.options,
    steps,
    skips,
    warnings: [...b.warnings].sort(),
    sensitivity: judgeSensitivity({ targets, desired: b.desired, live: b.live, steps: unique.map((d) => ({ key: d.key, action: d.action })), name: (id) => b.name(id) }),
    counts: { steps: steps.length, skips: skips.length, byAction },
    incomplete: skips.length > 0,
  };
  return { ...body, hash: contentHash(body) };
}

/** Draft keys in `createdBy` refs become step ids. */
function renameRefs(action: RestoreAction, idOf: Map<string, string>): RestoreAction {
  const fix = (ref: ObjectRef): ObjectRef => ('createdBy' in ref ? { createdBy: idOf.get(ref.createdBy) ?? ref.createdBy } : ref);
  const copy = JSON.parse(JSON.stringify(action)) as Record<string, unknown>;
  for (const field of ['object', 'owner', 'target', 'user', 'manager', 'principal']) {
    if (copy[field] && typeof copy[field] === 'object') copy[field] = fix(copy[field] as ObjectRef);
  }
  return copy as unknown as RestoreAction;
}

export function finishPlan(body: Omit<RestorePlan, 'hash'>): RestorePlan {
  return { ...body, hash: contentHash(body) };
}

export function planHashOf(plan: RestorePlan): string {
  const { hash: _hash, ...body } = plan;
  void _hash;
  return contentHash(body);
}

function describeSource(desired: DesiredState): string {
  return desired.source.kind === 'snapshot' ? `snapshot ${desired.source.snapshotId}` : `the state before restore ${desired.source.restoreId}`;
}

function compareTargets(a: RestoreTarget, b: RestoreTarget): number {
  return cmp(`${a.kind}|${a.id}`, `${b.kind}|${b.id}`);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
