/**
 * Entry keys: what a snapshot manifest maps to version hashes. One key per directory object and one per
 * relationship set, so that "Bob changed" and "Bob's groups changed" are separate versions.
 *
 *   user:<id>            a user's attributes, with `managerId`
 *   group:<id>           a group's attributes
 *   administrativeUnit:<id>
 *   members:<groupId>    the ids (and types) of a group's direct members
 *   owners:<groupId>
 *   unitMembers:<auId>
 *   links:<principalId>  reverse index: groups the principal is a member / owner of, its role assignments, its AUs
 *   roleDefinition:<id>
 *   roleAssignments:<roleDefinitionId>   every assignment of one role (principal and scope)
 *   directoryRole:<roleTemplateId>       the legacy directoryRoles membership
 *   subscribedSkus       the tenant's SKUs and seat counts
 *   recycleBin           what is soft-deleted at that moment
 */
export const ENTRY_KINDS = [
  'user', 'group', 'administrativeUnit', 'members', 'owners', 'unitMembers', 'links', 'roleDefinition', 'roleAssignments',
  'directoryRole', 'subscribedSkus', 'recycleBin',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(ENTRY_KINDS);

export function entryKey(kind: EntryKind, id?: string): string {
  return id === undefined ? kind : `${kind}:${id}`;
}

export function parseEntryKey(key: string): { kind: EntryKind; id?: string } {
  const colon = key.indexOf(':');
  const kind = colon < 0 ? key : key.slice(0, colon);
  if (!KIND_SET.has(kind)) throw new Error(`not an entry key: ${key}`);
  return { kind: kind as EntryKind, id: colon < 0 ? undefined : key.slice(colon + 1) };
}

/** Partition key of everything stored about one entry (its versions and its history): one partition per object. */
export function entryPartition(tenantId: string, key: string): string {
  return `${tenantId}|${key}`;
}

/** Partition of the manifest tree nodes of one tenant. */
export function manifestPartition(tenantId: string): string {
  return `${tenantId}|manifest`;
}
