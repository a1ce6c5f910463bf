/**
 * Builds the desired state of a restore from a stored snapshot: the chosen objects' versions, their reverse links,
 * their groups' member and owner sets, and the facts about every group and role they link to. Reads go through the
 * snapshot's manifest (loaded whole for a bulk restore; for chosen targets, only the nodes their keys live in) and
 * then versions by hash.
 *
 * Object lineage: an object Rewind recreated since the snapshot is the same object under a new id. A target given by
 * its current id is found in the snapshot under the id it had then; once built, the desired state is expressed in
 * current ids throughout (targets, links, members, owners, managers, role principals), so the plan writes to the
 * objects that exist now instead of recreating them again or removing their links as strangers.
 */
import { ObjectKind } from '../model/directory';
import { SnapshotQueries } from '../query/snapshot-queries';
import { LinkSetBody, PrincipalLinksBody, PrincipalRole, RoleAssignmentsBody, RoleDefinitionBody, UserBody, emptyPrincipalLinks } from '../snapshot/bodies';
import { SnapshotDocument } from '../snapshot/documents';
import { entryKey, parseEntryKey } from '../snapshot/keys';
import { ManifestLookup, loadManifest } from '../snapshot/manifest';
import { Lineage } from '../lineage/lineage';
import { DesiredObject, DesiredRole, DesiredState, GroupFacts, GroupFlavor, RestoreTarget } from './types';

export async function desiredStateFromSnapshot(
  queries: SnapshotQueries,
  selection: RestoreTarget[] | 'allUsersAndGroups',
  at?: string | Date,
): Promise<{ desired: DesiredState; targets: RestoreTarget[]; snapshot: SnapshotDocument }> {
  const snapshot = await queries.resolveSnapshot(at);
  const repository = queries.repository;
  // A bulk restore needs every entry; a targeted one looks up only the keys it asks for.
  const manifest = selection === 'allUsersAndGroups' ? await loadManifest(repository, snapshot.manifestHash) : undefined;
  const lookup = new ManifestLookup(repository, snapshot.manifestHash);
  const read = async <T>(keys: string[]): Promise<Map<string, T>> => {
    const hashes = manifest ? new Map(keys.flatMap((key) => (manifest.entries.has(key) ? [[key, manifest.entries.get(key)!] as const] : []))) : await lookup.get(keys);
    const refs = keys.flatMap((key) => (hashes.has(key) ? [{ key, hash: hashes.get(key)! }] : []));
    const bodies = await repository.readVersions<T>(refs);
    return new Map(refs.map((r, i) => [r.key, bodies[i] as T]));
  };
  const lineage = await queries.lineage();
  let targets: RestoreTarget[];
  if (manifest) {
    // One target per object: a snapshot taken while a recreate was under way may hold both ids; the newest wins.
    targets = [...manifest.entries.keys()].map(parseEntryKey).filter((k) => k.kind === 'user' || k.kind === 'group')
      .filter((k) => !lineage.laterIds(k.id!).some((later) => manifest.entries.has(entryKey(k.kind, later))))
      .map((k) => ({ kind: k.kind as 'user' | 'group', id: k.id! }));
  } else {
    // A target named by its current id is in the snapshot under the (newest) id of its lineage the snapshot has.
    const asked = selection as RestoreTarget[];
    const candidates = asked.flatMap((t) => (t.kind === 'role' ? [] : lineage.chain(t.id).map((id) => entryKey(t.kind as 'user' | 'group', id))));
    const present = new Set((await lookup.get(candidates)).keys());
    targets = asked.map((t) => {
      if (t.kind === 'role') return t;
      const inSnapshot = lineage.chain(t.id).reverse().find((id) => present.has(entryKey(t.kind as 'user' | 'group', id)));
      return { kind: t.kind, id: inSnapshot ?? t.id };
    });
  }

  const objectTargets = targets.filter((t) => t.kind !== 'role') as { kind: 'user' | 'group'; id: string }[];
  const roleTargets = targets.filter((t) => t.kind === 'role');
  const objectBodies = await read<Record<string, unknown>>(objectTargets.map((t) => entryKey(t.kind, t.id)));
  const linkBodies = await read<PrincipalLinksBody>(objectTargets.map((t) => entryKey('links', t.id)));
  const groupTargets = objectTargets.filter((t) => t.kind === 'group');
  const memberSets = await read<LinkSetBody>(groupTargets.map((t) => entryKey('members', t.id)));
  const ownerSets = await read<LinkSetBody>(groupTargets.map((t) => entryKey('owners', t.id)));

  const laterRoles = await rolesInLaterBackups(queries, snapshot, objectTargets.map((t) => t.id), linkBodies);
  const objects: DesiredObject[] = [];
  for (const target of objectTargets) {
    const body = objectBodies.get(entryKey(target.kind, target.id));
    if (!body) continue;
    const links = linkBodies.get(entryKey('links', target.id)) ?? emptyPrincipalLinks();
    const { managerId, ...attributes } = body as UserBody;
    objects.push({
      kind: target.kind, id: target.id, attributes, managerId: target.kind === 'user' ? (managerId ?? null) : null,
      memberOf: links.memberOf, ownerOf: links.ownerOf, unitMemberOf: links.unitMemberOf, roles: links.roles, directReports: links.directReports ?? [],
      members: memberSets.get(entryKey('members', target.id))?.links ?? [], owners: ownerSets.get(entryKey('owners', target.id))?.links ?? [],
      ...(laterRoles.get(target.id)?.length ? { laterRoles: laterRoles.get(target.id) } : {}),
    });
  }

  const roles: DesiredRole[] = [];
  const roleIds = new Set<string>([...roleTargets.map((t) => t.id), ...objects.flatMap((o) => [...o.roles, ...(o.laterRoles ?? [])].map((r) => r.roleDefinitionId))]);
  const roleDefinitions = await read<RoleDefinitionBody>([...roleIds].map((id) => entryKey('roleDefinition', id)));
  const roleAssignments = await read<RoleAssignmentsBody>(roleTargets.map((t) => entryKey('roleAssignments', t.id)));
  const roleFacts: DesiredState['roleFacts'] = {};
  for (const id of roleIds) {
    const definition = roleDefinitions.get(entryKey('roleDefinition', id));
    if (definition) roleFacts[id] = { displayName: definition.displayName, templateId: definition.templateId, isPrivileged: definition.isPrivileged };
  }
  for (const target of roleTargets) {
    const definition = roleDefinitions.get(entryKey('roleDefinition', target.id));
    if (!definition) continue;
    roles.push({
      roleDefinitionId: target.id, displayName: definition.displayName, templateId: definition.templateId, isPrivileged: definition.isPrivileged,
      assignments: (roleAssignments.get(entryKey('roleAssignments', target.id))?.assignments ?? []).map((a) => ({ principalId: a.principalId, directoryScopeId: a.directoryScopeId })),
    });
  }

  const groupIds = new Set<string>([...groupTargets.map((t) => t.id), ...objects.flatMap((o) => [...o.memberOf, ...o.ownerOf])]);
  const groupBodies = await read<Record<string, unknown>>([...groupIds].map((id) => entryKey('group', id)));
  const groups: Record<string, GroupFacts> = {};
  for (const id of groupIds) {
    const body = groupBodies.get(entryKey('group', id));
    if (body) groups[id] = groupFacts(body);
  }

  const referenced = new Set<string>();
  for (const o of objects) {
    [o.id, ...o.memberOf, ...o.ownerOf, ...o.unitMemberOf, ...o.directReports, ...o.members.map((m) => m.id), ...o.owners.map((m) => m.id)].forEach((id) => referenced.add(id));
    if (o.managerId) referenced.add(o.managerId);
  }
  for (const r of roles) r.assignments.forEach((a) => referenced.add(a.principalId));
  const names: Record<string, string> = {};
  const kinds: ObjectKind[] = ['user', 'group', 'administrativeUnit'];
  const ids = [...referenced].sort();
  const histories = await repository.readHistories(ids.flatMap((id) => kinds.map((k) => entryKey(k, id))));
  ids.forEach((id, i) => {
    const label = kinds.map((_, k) => histories[i * kinds.length + k]?.label).find((l) => l);
    if (label) names[id] = label.displayName ?? label.userPrincipalName ?? id;
  });
  for (const role of roles) names[role.roleDefinitionId] = role.displayName;

  const inSnapshotIds: DesiredState = {
    tenantId: queries.tenantId,
    source: { kind: 'snapshot', snapshotId: snapshot.id, at: snapshot.completedAt },
    objects, roles, groups, names, roleFacts, recreated: [],
  };
  const desired = inCurrentIds(inSnapshotIds, lineage);
  const seen = new Set<string>();
  const currentTargets = targets.map((t) => (t.kind === 'role' ? t : { kind: t.kind, id: lineage.current(t.id) }))
    .filter((t) => (seen.has(`${t.kind}:${t.id}`) ? false : (seen.add(`${t.kind}:${t.id}`), true)));
  return { desired, targets: currentTargets, snapshot };
}

/**
 * The desired state with every object id replaced by the id the object has now (lineage.current), and a note of
 * each target that was recreated since, for the plan's warnings. Names are kept under both ids.
 */
export function inCurrentIds(desired: DesiredState, lineage: Lineage): DesiredState {
  if (lineage.size === 0) return desired;
  const now = (id: string) => lineage.current(id);
  const recreated: DesiredState['recreated'] = [];
  for (const o of desired.objects) {
    if (now(o.id) === o.id) continue;
    const last = lineage.recreations(o.id).at(-1)!;
    recreated.push({ id: now(o.id), from: o.id, at: last.at, restoreId: last.restoreId });
  }
  const names: Record<string, string> = { ...desired.names };
  for (const [id, name] of Object.entries(desired.names)) names[now(id)] ??= name;
  return {
    ...desired,
    objects: desired.objects.map((o) => ({
      ...o, id: now(o.id), managerId: o.managerId === null ? null : now(o.managerId),
      memberOf: o.memberOf.map(now), ownerOf: o.ownerOf.map(now), unitMemberOf: o.unitMemberOf, directReports: o.directReports.map(now),
      members: o.members.map((l) => ({ ...l, id: now(l.id) })), owners: o.owners.map((l) => ({ ...l, id: now(l.id) })),
    })),
    roles: desired.roles.map((r) => ({ ...r, assignments: r.assignments.map((a) => ({ ...a, principalId: now(a.principalId) })) })),
    groups: Object.fromEntries(Object.entries(desired.groups).map(([id, facts]) => [now(id), facts])),
    names,
    recreated,
  };
}

/**
 * Per object, the role assignments it had in committed backups after `snapshot` that it did not have in it (from
 * the history of its reverse links: one batched history read, then only the later versions).
 */
async function rolesInLaterBackups(queries: SnapshotQueries, snapshot: SnapshotDocument, ids: string[], linkBodies: Map<string, PrincipalLinksBody>): Promise<Map<string, PrincipalRole[]>> {
  const repository = queries.repository;
  const committed = new Set((await queries.listSnapshots()).map((s) => s.id));
  const keys = ids.map((id) => entryKey('links', id));
  const histories = await repository.readHistories(keys);
  const later = keys.flatMap((key, i) => (histories[i]?.events ?? []).filter((e) => e.snapshotId > snapshot.id && e.hash && committed.has(e.snapshotId)).map((e) => ({ key, hash: e.hash! })));
  const bodies = later.length ? await repository.readVersions<PrincipalLinksBody>(later) : [];
  const result = new Map<string, PrincipalRole[]>();
  later.forEach((ref, i) => {
    const id = parseEntryKey(ref.key).id!;
    const had = new Set((linkBodies.get(ref.key)?.roles ?? []).map((r) => `${r.roleDefinitionId}|${r.directoryScopeId}`));
    const known = new Set((result.get(id) ?? []).map((r) => `${r.roleDefinitionId}|${r.directoryScopeId}`));
    for (const role of bodies[i]?.roles ?? []) {
      const key = `${role.roleDefinitionId}|${role.directoryScopeId}`;
      if (had.has(key) || known.has(key)) continue;
      known.add(key);
      result.set(id, [...(result.get(id) ?? []), role]);
    }
  });
  return result;
}

export function groupFacts(body: Record<string, unknown>): GroupFacts {
  const groupTypes = Array.isArray(body.groupTypes) ? (body.groupTypes as string[]) : [];
  let flavor: GroupFlavor;
  if (groupTypes.includes('Unified')) flavor = 'unified';
  else if (body.mailEnabled === true) flavor = body.securityEnabled === true ? 'mailEnabledSecurity' : 'distribution';
  else flavor = 'security';
  return {
    displayName: String(body.displayName ?? ''),
    flavor,
    dynamic: groupTypes.includes('DynamicMembership'),
    isAssignableToRole: body.isAssignableToRole === true,
    synced: body.onPremisesSyncEnabled === true,
  };
}
