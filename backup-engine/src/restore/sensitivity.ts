/**
 * Sensitivity: whether a plan is privileged (it then needs two approvers), and why, in sentences for the card.
 * Pure. The one place the rule lives; the planner calls it once the steps are known.
 *
 * A plan is privileged when
 * - a target is privileged in the snapshot: a user or group holding Global Administrator or another privileged role
 *   (the role definition's `isPrivileged`), or a role-assignable group;
 * - a target is privileged in the live directory now (read by live-state.ts): it holds such a role directly, is a
 *   member or owner of a role-assignable group that holds one, or is itself a role-assignable group; a target in
 *   the recycle bin (whose links Graph does not show) counts as privileged when a backup after the chosen one saw it
 *   holding such a role;
 * - or the plan itself grants, re-enables or restores anything privileged: assigns a privileged role, adds a member
 *   or owner to a role-assignable group, restores the members of a privileged role, re-enables a privileged user.
 * A role is privileged when the snapshot's or the live definition says so (or it is Global Administrator).
 */
import { DesiredObject, DesiredState, LiveState, ObjectRef, RestoreAction, RestoreTarget } from './types';

export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

export interface SensitivityInput {
  targets: RestoreTarget[];
  desired: DesiredState;
  live: LiveState;
  /** The plan's steps, with the draft keys `createdBy` refers to. */
  steps: { key: string; action: RestoreAction }[];
  name: (id: string) => string;
}

export function judgeSensitivity(input: SensitivityInput): { privileged: boolean; reasons: string[] } {
  const { desired, live, name } = input;
  const reasons = new Set<string>();
  const roleFacts = (id: string) => {
    const then = desired.roleFacts[id];
    const now = live.privilege.roles[id];
    const templateId = then?.templateId ?? now?.templateId ?? id;
    return {
      displayName: then?.displayName ?? now?.displayName ?? id,
      privileged: templateId === GLOBAL_ADMINISTRATOR_TEMPLATE_ID || then?.isPrivileged === true || now?.isPrivileged === true,
      globalAdministrator: templateId === GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    };
  };
  const roleLabel = (id: string) => (roleFacts(id).globalAdministrator ? 'Global Administrator' : `the privileged role ${roleFacts(id).displayName}`);

  // Targets, then (snapshot) and now (live directory).
  const byId = new Map(desired.objects.map((o) => [o.id, o]));
  const privilegedTargets = new Set<string>();
  for (const target of input.targets) {
    if (target.kind === 'role') continue;
    const object = byId.get(target.id);
    if (!object) continue;
    const before = privilegedRoles(object.roles.map((r) => r.roleDefinitionId), roleFacts);
    const now = privilegedRoles((live.assignmentsOf[object.id] ?? []).map((a) => a.roleDefinitionId), roleFacts);
    for (const roleId of [...new Set([...before, ...now])].sort()) {
      const liveNow = live.objects[object.id]?.state === 'live';
      const when = before.has(roleId) && now.has(roleId) ? ' (in the backup and now)' : now.has(roleId) ? ' now (given after the backup)' : liveNow ? ' in the backup (not now)' : ' in the backup';
      reasons.add(`${name(object.id)} ${roleFacts(roleId).globalAdministrator ? 'is a Global Administrator' : `holds the privileged role ${roleFacts(roleId).displayName}`}${when}`);
      privilegedTargets.add(object.id);
    }
    // Not in the directory now (in the recycle bin, or gone): what it held in later backups may come back with it.
    if (live.objects[object.id]?.state !== 'live') {
      for (const roleId of privilegedRoles((object.laterRoles ?? []).map((r) => r.roleDefinitionId), roleFacts)) {
        if (before.has(roleId)) continue;
        reasons.add(`${name(object.id)} ${roleFacts(roleId).globalAdministrator ? 'was a Global Administrator' : `held the privileged role ${roleFacts(roleId).displayName}`} in a later backup`);
        privilegedTargets.add(object.id);
      }
    }
    for (const group of live.privilege.groups[object.id] ?? []) {
      const roles = group.roleDefinitionIds.filter((id) => roleFacts(id).privileged);
      if (!roles.length) continue;
      reasons.add(`${name(object.id)} ${group.relation === 'owner' ? 'owns' : 'is a member of'} ${group.displayName} now, a role-assignable group holding ${roles.map(roleLabel).join(', ')}`);
      privilegedTargets.add(object.id);
    }
    if (isRoleAssignableGroup(object, live)) {
      reasons.add(`${name(object.id)} is a role-assignable group`);
      privilegedTargets.add(object.id);
    }
  }

  // What the plan itself does.
  const replaced = new Map(input.steps.flatMap((s) => (s.action.type === 'createUser' || s.action.type === 'createGroup' ? [[s.key, s.action.replaces] as const] : [])));
  const idOf = (ref: ObjectRef) => ('id' in ref ? ref.id : replaced.get(ref.createdBy) ?? ref.createdBy);
  const roleTargets = new Set(input.targets.filter((t) => t.kind === 'role').map((t) => t.id));
  for (const roleId of roleTargets) {
    if (roleFacts(roleId).privileged) reasons.add(roleFacts(roleId).globalAdministrator ? 'the Global Administrator role' : `the privileged role ${roleFacts(roleId).displayName}`);
  }
  for (const { action } of input.steps) {
    if (action.type === 'addRoleAssignment' && roleFacts(action.roleDefinitionId).privileged && !roleTargets.has(action.roleDefinitionId)) {
      reasons.add(`the plan assigns ${roleLabel(action.roleDefinitionId)} to ${name(idOf(action.principal))}`);
    } else if (action.type === 'addLink' && action.relation !== 'unitMembers' && groupIsRoleAssignable(idOf(action.owner), desired, live)) {
      reasons.add(`the plan makes ${name(idOf(action.target))} ${action.relation === 'members' ? 'a member' : 'an owner'} of the role-assignable group ${name(idOf(action.owner))}`);
    } else if (action.type === 'createGroup' && action.attributes.isAssignableToRole === true) {
      reasons.add(`the plan recreates the role-assignable group ${name(action.replaces)}`);
    } else if (action.type === 'updateAttributes' && action.kind === 'user' && privilegedTargets.has(idOf(action.object)) && action.changes.some((c) => c.name === 'accountEnabled' && c.after === true)) {
      reasons.add(`the plan re-enables ${name(idOf(action.object))}, who is privileged`);
    }
  }
  const sorted = [...reasons].sort();
  return { privileged: sorted.length > 0, reasons: sorted };
}

function privilegedRoles(roleIds: string[], facts: (id: string) => { privileged: boolean }): Set<string> {
  return new Set(roleIds.filter((id) => facts(id).privileged));
}

function isRoleAssignableGroup(object: DesiredObject, live: LiveState): boolean {
  if (object.kind !== 'group') return false;
  return object.attributes.isAssignableToRole === true || live.objects[object.id]?.attributes.isAssignableToRole === true;
}

function groupIsRoleAssignable(groupId: string, desired: DesiredState, live: LiveState): boolean {
  return desired.groups[groupId]?.isAssignableToRole === true || live.objects[groupId]?.attributes.isAssignableToRole === true;
}
