/**
 * The directory, as the restore engine sees it: the live reads a restore plan is computed against, and the writes an
 * approved plan makes. A separate port from `DirectoryGateway` so that the backup identity can stay read-only; one
 * Graph adapter implements it (graph/graph-writer.ts), the only place its URLs are built.
 *
 * Contract (checked by test/contract/directory-writer.contract.ts against the simulator):
 * - Reads return `undefined` / empty on 404; a soft-deleted object is reported with `state: 'deleted'`.
 * - Every write is idempotent in outcome: adding a link that exists reports `alreadyDone`; removing a link (or
 *   deleting an object) that is gone reports `alreadyDone`; never an error for "already in the wanted state".
 * - `applyLinkWrites` sends independent link writes through `$batch` (≤ 20 per request), retrying throttled items
 *   after their own `Retry-After`, and reports one result per write, in order. Failures are results, not throws.
 * - Values placed in a `$filter` are escaped (single quotes doubled).
 * - Nothing here logs attribute values, passwords or Temporary Access Passes.
 */
import { Attributes, LinkRef, ObjectKind, RoleAssignmentRecord, SubscribedSkuRecord } from '../model/directory';

export interface LiveObject {
  id: string;
  kind: ObjectKind;
  /** `deleted`: in the recycle bin (restorable with its id and links). */
  state: 'live' | 'deleted';
  attributes: Attributes;
}

export interface LiveRoleDefinition {
  displayName: string;
  templateId: string;
  /** Graph's `isPrivileged`: the role's permissions can compromise the tenant. */
  isPrivileged: boolean;
}

export type LinkRelation = 'members' | 'owners' | 'unitMembers' | 'manager' | 'roleAssignment';

/**
 * One link write. `ownerId` is the group (members, owners), the administrative unit (unitMembers), the user
 * (manager) or the role definition (roleAssignment); `targetId` is the member, owner, manager or principal.
 */
export interface LinkWrite {
  op: 'add' | 'remove';
  relation: LinkRelation;
  ownerId: string;
  targetId: string;
  /** roleAssignment only; default `/`. */
  directoryScopeId?: string;
}

export interface WriteFailure {
  statusCode: number;
  code: string;
  message: string;
  requestId?: string;
}

export interface LinkWriteResult {
  outcome: 'done' | 'alreadyDone' | 'failed';
  failure?: WriteFailure;
}

export interface TemporaryAccessPass {
  temporaryAccessPass: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export interface DirectoryWriter {
  // ------------------------------------------------------------ live reads
  getLiveObject(kind: ObjectKind, id: string): Promise<LiveObject | undefined>;
  /**
   * Many objects at once (`$batch`, 20 reads per request): each id is looked up as the first of its candidate kinds
   * that exists live, else in the recycle bin. Ids found nowhere are absent from the result.
   */
  getLiveObjects(refs: { id: string; kinds: ObjectKind[] }[]): Promise<Map<string, LiveObject>>;
  /** Which of these UPNs a live user holds (`$batch` of filtered reads): lower-cased UPN → user id. */
  findUsersByPrincipalNames(userPrincipalNames: string[]): Promise<Map<string, string>>;
  getLinks(relation: 'members' | 'owners' | 'unitMembers', ownerId: string): Promise<LinkRef[]>;
  /** Direct group and administrative-unit memberships of a user or group. */
  getMemberOf(principalId: string): Promise<{ groups: string[]; administrativeUnits: string[] }>;
  /** Every group a user is a member of, directly or through nested groups (Graph `transitiveMemberOf`). */
  getTransitiveGroupIds(userId: string): Promise<string[]>;
  /** The live users who are members of a group, directly or through nested groups (Graph `transitiveMembers`), with their names. */
  getTransitiveUserMembers(groupId: string): Promise<{ id: string; displayName: string; userPrincipalName: string }[]>;
  getOwnedGroups(principalId: string): Promise<string[]>;
  getManager(userId: string): Promise<string | null>;
  getDirectReports(userId: string): Promise<string[]>;
  listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string }): Promise<RoleAssignmentRecord[]>;
  /** The live user holding this UPN (case-insensitive), if any. */
  findUserByPrincipalName(userPrincipalName: string): Promise<{ id: string } | undefined>;
  /** The live object of this kind holding this mailNickname, if any. */
  findByMailNickname(kind: 'user' | 'group', mailNickname: string): Promise<{ id: string } | undefined>;
  listSubscribedSkus(): Promise<SubscribedSkuRecord[]>;
  /** The directory's role definitions now, by id (one read): what makes a role privileged live. */
  listRoleDefinitions(): Promise<Map<string, LiveRoleDefinition>>;

  // ------------------------------------------------------------ writes
  /** Restores from the recycle bin (same id, creation time and links); `alreadyDone` when already live. */
  restoreDeleted(id: string, options?: { newUserPrincipalName?: string }): Promise<'done' | 'alreadyDone'>;
  /** Creates a user with a password that must be changed at next sign-in; returns the new id. */
  createUser(attributes: Attributes, password: string): Promise<string>;
  createGroup(attributes: Attributes): Promise<string>;
  updateObject(kind: ObjectKind, id: string, patch: Attributes): Promise<void>;
  /** Soft-deletes a user or group (undo of a creation); `alreadyDone` when it is gone. */
  deleteObject(kind: ObjectKind, id: string): Promise<'done' | 'alreadyDone'>;
  applyLinkWrites(writes: LinkWrite[]): Promise<LinkWriteResult[]>;
  assignLicenses(userId: string, add: string[], remove: string[]): Promise<void>;
  createTemporaryAccessPass(userId: string, options: { lifetimeInMinutes: number; isUsableOnce: boolean }): Promise<TemporaryAccessPass>;
}
