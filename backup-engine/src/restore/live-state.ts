/**
 * Reads the live state a plan is computed against: every object the desired state names (in the directory, in the
 * recycle bin, or gone), the current links of the objects being restored, who holds the UPNs and mailNicknames a
 * restore would use, the SKUs' free seats, and what makes the targets privileged now (their roles, directly and
 * through role-assignable groups). Re-read just before execution to detect drift.
 */
import { ObjectKind } from '../model/directory';
import { DirectoryWriter } from '../ports/directory-writer';
import { runLimited } from '../snapshot/repository';
import { DesiredState, LivePrivilege, LiveState, RestoreOptions, RestoreTarget } from './types';

const READ_CONCURRENCY = 8;

export async function readLiveState(writer: DirectoryWriter, desired: DesiredState, targets: RestoreTarget[], options: Pick<RestoreOptions, 'asNew'>): Promise<LiveState> {
  const live: LiveState = {
    objects: {}, memberOf: {}, ownedGroups: {}, members: {}, owners: {}, managers: {}, assignmentsOf: {}, assignmentsFor: {},
    userPrincipalNames: {}, mailNicknames: {}, skus: [], privilege: { roles: {}, groups: {}, groupNames: {} },
  };
  const kinds = new Map<string, ObjectKind[]>();
  const want = (id: string, ...k: ObjectKind[]) => kinds.set(id, [...new Set([...(kinds.get(id) ?? []), ...k])]);
  for (const o of desired.objects) {
    want(o.id, o.kind);
    o.memberOf.forEach((g) => want(g, 'group'));
    o.ownerOf.forEach((g) => want(g, 'group'));
    o.unitMemberOf.forEach((a) => want(a, 'administrativeUnit'));
    o.directReports.forEach((r) => want(r, 'user'));
    if (o.managerId) want(o.managerId, 'user');
    for (const link of [...o.members, ...o.owners]) want(link.id, link.type === 'group' ? 'group' : 'user');
  }
  for (const role of desired.roles) role.assignments.forEach((a) => want(a.principalId, 'user', 'group'));
  const found = await writer.getLiveObjects([...kinds].map(([id, k]) => ({ id, kinds: k })));
  for (const id of kinds.keys()) live.objects[id] = found.get(id) ?? null;

  const targetObjects = desired.objects.filter((o) => live.objects[o.id]?.state === 'live');
  await runLimited(targetObjects, READ_CONCURRENCY, async (o) => {
    live.memberOf[o.id] = await writer.getMemberOf(o.id);
    live.ownedGroups[o.id] = o.kind === 'user' ? await writer.getOwnedGroups(o.id) : [];
    live.assignmentsOf[o.id] = await writer.listRoleAssignments({ principalId: o.id });
    if (o.kind === 'user') live.managers[o.id] = await writer.getManager(o.id);
    if (o.kind === 'group') {
      live.members[o.id] = (await writer.getLinks('members', o.id)).map((l) => l.id);
      live.owners[o.id] = (await writer.getLinks('owners', o.id)).map((l) => l.id);
    }
  });
  const reports = [...new Set(desired.objects.flatMap((o) => o.directReports))].filter((r) => live.objects[r]?.state === 'live');
  await runLimited(reports, READ_CONCURRENCY, async (id) => {
    live.managers[id] = await writer.getManager(id);
  });
  await runLimited(targets.filter((t) => t.kind === 'role'), READ_CONCURRENCY, async (t) => {
    live.assignmentsFor[t.id] = await writer.listRoleAssignments({ roleDefinitionId: t.id });
  });

  const upns = new Set<string>();
  const nicknames = new Set<string>();
  for (const o of desired.objects) {
    const candidates = [o.attributes.userPrincipalName, live.objects[o.id]?.attributes.userPrincipalName].filter((u): u is string => typeof u === 'string' && u !== '');
    if (o.kind === 'user') {
      for (const upn of candidates) {
        upns.add(upn);
        const [local, domain] = upn.split('@');
        for (let n = 2; n <= 4; n++) upns.add(`${local}${n}@${domain}`);
      }
    }
    if (typeof o.attributes.mailNickname === 'string') nicknames.add(`${o.kind}:${o.attributes.mailNickname}`);
  }
  if (options.asNew) {
    upns.add(options.asNew.userPrincipalName);
    const [local, domain] = options.asNew.userPrincipalName.split('@');
    for (let n = 2; n <= 4; n++) upns.add(`${local}${n}@${domain}`);
  }
  for (const [upn, holder] of await writer.findUsersByPrincipalNames([...upns])) live.userPrincipalNames[upn] = holder;
  await runLimited([...nicknames], READ_CONCURRENCY, async (entry) => {
    const [kind, nickname] = [entry.slice(0, entry.indexOf(':')) as 'user' | 'group', entry.slice(entry.indexOf(':') + 1)];
    const holder = await writer.findByMailNickname(kind, nickname);
    if (holder) live.mailNicknames[`${kind}:${nickname.toLowerCase()}`] = holder.id;
  });
  live.skus = await writer.listSubscribedSkus();
  live.privilege = await readLivePrivilege(writer, live, targetObjects.map((o) => o.id), [
    ...targets.filter((t) => t.kind === 'role').map((t) => t.id),
    ...desired.objects.flatMap((o) => o.roles.map((r) => r.roleDefinitionId)),
  ]);
  return live;
}

/**
 * The privilege facts of live principals (`live` already holds their direct role assignments, memberships and, for
 * users, owned groups): the role-assignable groups among those groups with the roles each holds now, and the live
 * definitions of every role involved. Reads: the groups not yet known (one `$batch` of objects), each role-assignable
 * group's role assignments, and the role definitions (one list).
 */
async function readLivePrivilege(writer: DirectoryWriter, live: Pick<LiveState, 'objects' | 'memberOf' | 'ownedGroups' | 'assignmentsOf'>, principalIds: string[], extraRoleIds: string[] = []): Promise<LivePrivilege> {
  const related = new Map<string, { groupId: string; relation: 'member' | 'owner' }[]>();
  for (const id of principalIds) {
    related.set(id, [
      ...(live.memberOf[id]?.groups ?? []).map((groupId) => ({ groupId, relation: 'member' as const })),
      ...(live.ownedGroups[id] ?? []).map((groupId) => ({ groupId, relation: 'owner' as const })),
    ]);
  }
  const groupIds = [...new Set([...related.values()].flat().map((r) => r.groupId))];
  const unknown = groupIds.filter((id) => live.objects[id] === undefined);
  const found = unknown.length ? await writer.getLiveObjects(unknown.map((id) => ({ id, kinds: ['group' as const] }))) : new Map();
  const groupOf = (id: string) => live.objects[id] ?? found.get(id);
  const assignable = groupIds.filter((id) => groupOf(id)?.state === 'live' && groupOf(id)?.attributes.isAssignableToRole === true);
  const groupRoles = new Map<string, string[]>();
  await runLimited(assignable, READ_CONCURRENCY, async (groupId) => {
    groupRoles.set(groupId, (await writer.listRoleAssignments({ principalId: groupId })).map((a) => a.roleDefinitionId));
  });
  const privilege: LivePrivilege = { roles: {}, groups: {}, groupNames: {} };
  for (const id of groupIds) {
    const name = groupOf(id)?.attributes.displayName;
    if (typeof name === 'string') privilege.groupNames[id] = name;
  }
  for (const [principalId, links] of related) {
    const groups = links.filter((l) => groupRoles.has(l.groupId)).map((l) => ({
      groupId: l.groupId, relation: l.relation, displayName: String(groupOf(l.groupId)?.attributes.displayName ?? l.groupId), roleDefinitionIds: [...new Set(groupRoles.get(l.groupId)!)].sort(),
    }));
    if (groups.length) privilege.groups[principalId] = groups;
  }
  const roleIds = new Set([...extraRoleIds, ...principalIds.flatMap((id) => (live.assignmentsOf[id] ?? []).map((a) => a.roleDefinitionId)), ...[...groupRoles.values()].flat()]);
  if (roleIds.size) {
    const definitions = await writer.listRoleDefinitions();
    for (const id of [...roleIds].sort()) {
      const definition = definitions.get(id);
      if (definition) privilege.roles[id] = definition;
    }
  }
  return privilege;
}
