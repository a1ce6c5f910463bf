/** Names for the link sets the CLI shows (group members and owners, unit members, role assignments). */
import type { LinkRef } from '../model/directory';
import type { NamedKind, NamedObject, SnapshotQueries } from '../query/snapshot-queries';
import type { LinkSetBody, RoleAssignmentsBody } from '../snapshot/bodies';
import type { SnapshotDocument } from '../snapshot/documents';
import { EntryKind, entryKey } from '../snapshot/keys';

export type LinkedObject = NamedObject | { kind: string; id: string; displayName: string };

/** Users, groups and units by their stored names; other link types (devices, service principals) by type and id. */
export async function nameLinks(queries: SnapshotQueries, links: LinkRef[]): Promise<LinkedObject[]> {
  const known: NamedKind[] = ['user', 'group', 'administrativeUnit'];
  const named = await queries.names(links.filter((l) => (known as string[]).includes(l.type)).map((l) => ({ kind: l.type as NamedKind, id: l.id })));
  const byId = new Map(named.map((n) => [n.id, n]));
  return links.map((l) => byId.get(l.id) ?? { kind: l.type, id: l.id, displayName: `(${l.type} ${l.id})` });
}

export async function linkSetAt(queries: SnapshotQueries, kind: Extract<EntryKind, 'members' | 'owners' | 'unitMembers'>, id: string, snapshot: SnapshotDocument): Promise<LinkedObject[]> {
  const body = await queries.bodyAt<LinkSetBody>(entryKey(kind, id), snapshot);
  return nameLinks(queries, body?.links ?? []);
}

/** A principal id as a user, else as a group (role assignments do not record the principal's type). */
export async function principalNames(queries: SnapshotQueries, ids: string[]): Promise<NamedObject[]> {
  const asUsers = await queries.names(ids.map((id) => ({ kind: 'user', id })));
  const unknown = asUsers.filter((n) => n.displayName.startsWith('(unknown'));
  if (!unknown.length) return asUsers;
  const asGroups = new Map((await queries.names(unknown.map((n) => ({ kind: 'group', id: n.id })))).map((n) => [n.id, n]));
  return asUsers.map((n) => {
    const group = asGroups.get(n.id);
    return group && !group.displayName.startsWith('(unknown') ? group : n;
  });
}

export async function roleAssignmentsAt(queries: SnapshotQueries, roleId: string, snapshot: SnapshotDocument): Promise<{ principal: NamedObject; directoryScopeId: string }[]> {
  const body = await queries.bodyAt<RoleAssignmentsBody>(entryKey('roleAssignments', roleId), snapshot);
  const assignments = body?.assignments ?? [];
  const principals = await principalNames(queries, assignments.map((a) => a.principalId));
  return assignments.map((a, i) => ({ principal: principals[i], directoryScopeId: a.directoryScopeId }));
}
