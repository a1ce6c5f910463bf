/**
 * Names for the link sets the CLI shows (group members and owners, unit members, role assignments). Linked objects
 * carry the id they have now (object lineage), so comparing two snapshots across a recreate shows no false change.
 */
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
  const lineage = await queries.lineage();
  return links.map((l) => ({ ...(byId.get(l.id) ?? { kind: l.type, displayName: `(${l.type} ${l.id})` }), id: lineage.current(l.id) }));
}

export async function linkSetAt(queries: SnapshotQueries, kind: Extract<EntryKind, 'members' | 'owners' | 'unitMembers'>, id: string, snapshot: SnapshotDocument): Promise<LinkedObject[]> {
  const body = await queries.bodyAt<LinkSetBody>(entryKey(kind, id), snapshot);
  return nameLinks(queries, body?.links ?? []);
}

export async function roleAssignmentsAt(queries: SnapshotQueries, roleId: string, snapshot: SnapshotDocument): Promise<{ principal: NamedObject; directoryScopeId: string }[]> {
  const body = await queries.bodyAt<RoleAssignmentsBody>(entryKey('roleAssignments', roleId), snapshot);
  const assignments = body?.assignments ?? [];
  const principals = await queries.principalNames(assignments.map((a) => a.principalId));
  const lineage = await queries.lineage();
  return assignments.map((a, i) => ({ principal: { ...principals[i], id: lineage.current(a.principalId) }, directoryScopeId: a.directoryScopeId }));
}
