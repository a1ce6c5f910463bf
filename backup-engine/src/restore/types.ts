/**
 * Restore plans and what they are computed from. A plan is plain data: serialisable, hashable, what the approval
 * card shows and what an approval pins (docs/design.md "Restore semantics").
 */
import { Attributes, LinkRef, ObjectKind, RoleAssignmentRecord, SubscribedSkuRecord } from '../model/directory';
import { LiveObject } from '../ports/directory-writer';
import { PrincipalRole } from '../snapshot/bodies';

export type GroupFlavor = 'unified' | 'security' | 'mailEnabledSecurity' | 'distribution';

export interface GroupFacts {
  displayName: string;
  flavor: GroupFlavor;
  dynamic: boolean;
  isAssignableToRole: boolean;
  /** Synced from on-premises Active Directory: its members are mastered there. */
  synced: boolean;
}

/** One object as it should end up (from a snapshot, or from the state captured just before a restore, for undo). */
export interface DesiredObject {
  kind: 'user' | 'group';
  id: string;
  attributes: Attributes;
  managerId: string | null;
  memberOf: string[];
  ownerOf: string[];
  unitMemberOf: string[];
  roles: PrincipalRole[];
  directReports: string[];
  /** Groups: the group's own members and owners. */
  members: LinkRef[];
  owners: LinkRef[];
  /**
   * Roles the object held in a backup after the chosen snapshot but not in it: what a restore from the recycle bin
   * may bring back (the recycle bin keeps an object's links, and Graph does not show them while it is there).
   */
  laterRoles?: PrincipalRole[];
}

export interface DesiredRole {
  roleDefinitionId: string;
  displayName: string;
  templateId: string;
  isPrivileged: boolean;
  assignments: { principalId: string; directoryScopeId: string }[];
}

export type PlanSource = { kind: 'snapshot'; snapshotId: string; at: string } | { kind: 'undo'; restoreId: string; at: string };

export interface DesiredState {
  tenantId: string;
  source: PlanSource;
  objects: DesiredObject[];
  roles: DesiredRole[];
  /** Facts about every group a desired object links to (its kind decides whether Graph can write the link). */
  groups: Record<string, GroupFacts>;
  /** Display names of everything referenced, for the plan's descriptions. */
  names: Record<string, string>;
  /** Role definitions referenced by desired objects. */
  roleFacts: Record<string, { displayName: string; templateId: string; isPrivileged: boolean }>;
  /** Desired objects Rewind recreated since the snapshot, now known by a new id (object lineage). */
  recreated: { id: string; from: string; at: string; restoreId: string }[];
}

/** The tenant as it is now, for the objects a plan touches. */
export interface LiveState {
  objects: Record<string, LiveObject | null>;
  memberOf: Record<string, { groups: string[]; administrativeUnits: string[] }>;
  ownedGroups: Record<string, string[]>;
  members: Record<string, string[]>;
  owners: Record<string, string[]>;
  managers: Record<string, string | null>;
  assignmentsOf: Record<string, RoleAssignmentRecord[]>;
  assignmentsFor: Record<string, RoleAssignmentRecord[]>;
  /** lower-cased UPN → the live user holding it. */
  userPrincipalNames: Record<string, string>;
  /** `user:` / `group:` + lower-cased mailNickname → the live object holding it. */
  mailNicknames: Record<string, string>;
  skus: SubscribedSkuRecord[];
  /** What makes the objects privileged now (for the plan's sensitivity, judged from the snapshot and from now). */
  privilege: LivePrivilege;
}

/** Privilege read live: the targets' roles now, directly and through role-assignable groups they belong to or own. */
export interface LivePrivilege {
  /** Facts of every role definition a target holds now (directly or through a group) or a plan restores. */
  roles: Record<string, { displayName: string; templateId: string; isPrivileged: boolean }>;
  /** Target id → the role-assignable groups it is a member or owner of now, with the roles each group holds. */
  groups: Record<string, { groupId: string; displayName: string; relation: 'member' | 'owner'; roleDefinitionIds: string[] }[]>;
  /** Display names of the groups the targets are members or owners of now (for the plan's sentences). */
  groupNames: Record<string, string>;
}

export interface RestoreOptions {
  withObject: boolean;
  withMemberships: boolean;
  withOwnerships: boolean;
  withRoleAssignments: boolean;
  withManager: boolean;
  withLicenses: boolean;
  /** Links owned by a restored group or role: `overwrite` removes links added after the backup. */
  linkMode: 'overwrite' | 'additive';
  /** Restore a copy under a new UPN instead of the object itself (users only). */
  asNew?: { userPrincipalName: string; displayName?: string };
  /** How a recreated user gets in: a random password to change at next sign-in, or a Temporary Access Pass. */
  credential: 'password' | 'temporaryAccessPass';
}

export const DEFAULT_RESTORE_OPTIONS: RestoreOptions = {
  withObject: true, withMemberships: true, withOwnerships: true, withRoleAssignments: true, withManager: true, withLicenses: true,
  linkMode: 'overwrite', credential: 'password',
};

export interface RestoreTarget {
  kind: 'user' | 'group' | 'role';
  id: string;
}

/** An object reference in a step: an existing id, or the object a `create` step of this plan makes. */
export type ObjectRef = { id: string } | { createdBy: string };

export type RestoreAction =
  | { type: 'restoreFromRecycleBin'; kind: ObjectKind; objectId: string; newUserPrincipalName?: string }
  | { type: 'createUser'; replaces: string; attributes: Attributes; /** A copy ("as new"): not a continuation of `replaces` (no lineage). */ copy?: true }
  | { type: 'createGroup'; replaces: string; attributes: Attributes }
  | { type: 'updateAttributes'; kind: ObjectKind; object: ObjectRef; changes: { name: string; before: unknown; after: unknown }[] }
  | { type: 'addLink'; relation: 'members' | 'owners' | 'unitMembers'; owner: ObjectRef; target: ObjectRef }
  | { type: 'removeLink'; relation: 'members' | 'owners' | 'unitMembers'; owner: ObjectRef; target: ObjectRef }
  | { type: 'setManager'; user: ObjectRef; manager: ObjectRef; before: string | null }
  | { type: 'addRoleAssignment'; roleDefinitionId: string; principal: ObjectRef; directoryScopeId: string }
  | { type: 'removeRoleAssignment'; roleDefinitionId: string; principal: ObjectRef; directoryScopeId: string }
  | { type: 'assignLicenses'; user: ObjectRef; add: string[] }
  | { type: 'issueCredential'; user: ObjectRef; method: 'password' | 'temporaryAccessPass' }
  | { type: 'deleteObject'; kind: ObjectKind; object: ObjectRef }
  | { type: 'removeManager'; user: ObjectRef; before: string }
  | { type: 'removeLicenses'; user: ObjectRef; remove: string[] };

export interface RestoreStep {
  /** `s001`, `s002`…: stable within a plan, the journal's key. */
  id: string;
  action: RestoreAction;
  /** One plain sentence for the approval card. */
  description: string;
  /** Steps that must be done first (the create of an object this step links to). */
  dependsOn: string[];
}

export type SkipReason =
  | 'distributionList' | 'mailEnabledSecurityGroup' | 'dynamicMembership' | 'syncedFromOnPremises' | 'linkedObjectMissing'
  | 'linkedObjectInRecycleBin' | 'userPrincipalNameConflict' | 'mailNicknameConflict' | 'noLicenseSeats' | 'noUsageLocation'
  | 'groupWouldHaveNoOwner' | 'cannotRecreate' | 'notInSnapshot';

export interface PlanSkip {
  reason: SkipReason;
  /** Plain words for the card: what is skipped and why, and what to do about it. */
  detail: string;
  objectId: string;
  relatedId?: string;
  /** For a skipped link: `objectId` is a member (or owner) of the group `relatedId`. */
  relation?: 'members' | 'owners';
  /** A UPN that is free, when the reason is a UPN conflict. */
  suggestedUserPrincipalName?: string;
}

export interface RestorePlan {
  formatVersion: 1;
  tenantId: string;
  source: PlanSource;
  targets: { kind: RestoreTarget['kind']; id: string; displayName: string }[];
  options: RestoreOptions;
  steps: RestoreStep[];
  skips: PlanSkip[];
  warnings: string[];
  sensitivity: { privileged: boolean; reasons: string[] };
  counts: { steps: number; skips: number; byAction: Record<string, number> };
  /** True when anything is skipped: the restore cannot be complete. */
  incomplete: boolean;
  /** SHA-256 of the canonical plan without this field: what an approval pins. */
  hash: string;
}
