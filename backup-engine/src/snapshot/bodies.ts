/** The shapes of stored version bodies, per entry kind (see keys.ts). Sets are sorted before hashing. */
import { Attributes, DeletedItemRecord, LinkRef, RoleDefinitionRecord, SubscribedSkuRecord } from '../model/directory';

export type UserBody = Attributes & { managerId: string | null };
export type ObjectBody = Attributes;

export interface LinkSetBody {
  links: LinkRef[];
}

export interface PrincipalRole {
  roleDefinitionId: string;
  directoryScopeId: string;
}

/** Reverse index of one principal's links (derived from the forward sets of the same snapshot). */
export interface PrincipalLinksBody {
  memberOf: string[];
  ownerOf: string[];
  unitMemberOf: string[];
  roles: PrincipalRole[];
  /** Users whose manager this principal is (repairs `manager` links when a deleted manager is recreated). */
  directReports: string[];
}

export interface RoleAssignmentsBody {
  assignments: { id: string; principalId: string; directoryScopeId: string }[];
}

export interface DirectoryRoleBody {
  displayName: string;
  roleTemplateId: string;
  links: LinkRef[];
}

export type RoleDefinitionBody = RoleDefinitionRecord;

export interface SubscribedSkusBody {
  skus: SubscribedSkuRecord[];
}

export interface RecycleBinBody {
  items: DeletedItemRecord[];
}

export function emptyPrincipalLinks(): PrincipalLinksBody {
  return { memberOf: [], ownerOf: [], unitMemberOf: [], roles: [], directReports: [] };
}

export function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortedLinks(links: Iterable<LinkRef>): LinkRef[] {
  return [...links].sort(byId);
}
