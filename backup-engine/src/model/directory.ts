/**
 * What Rewind knows about a tenant's directory, independent of Graph's wire format. The Graph adapter maps Graph
 * responses onto these records; the backup engine stores them; the restore engine plans from them.
 *
 * Attributes are the object's Graph properties minus `id` and the relationship navigation properties; a user's
 * manager is the attribute `managerId` (a link, but one per user, so it is versioned with the user). Secrets
 * (passwords, authentication methods) never appear here.
 */
export type ObjectKind = 'user' | 'group' | 'administrativeUnit';

export type Attributes = Record<string, unknown>;

export interface DirectoryObjectRecord {
  id: string;
  kind: ObjectKind;
  attributes: Attributes;
}

/** The `@odata.type` of a linked object, shortened: `#microsoft.graph.user` → `user`. */
export type LinkedObjectType = 'user' | 'group' | 'device' | 'servicePrincipal' | 'orgContact' | 'administrativeUnit' | 'other';

export interface LinkRef {
  id: string;
  type: LinkedObjectType;
}

export interface RoleDefinitionRecord {
  id: string;
  displayName: string;
  templateId: string;
  isBuiltIn: boolean;
  isPrivileged: boolean;
  description?: string;
}

export interface RoleAssignmentRecord {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  directoryScopeId: string;
}

export interface DirectoryRoleRecord {
  id: string;
  roleTemplateId: string;
  displayName: string;
  /** Undefined when the caller asked not to read them. */
  members?: LinkRef[];
}

export interface AdministrativeUnitRecord extends DirectoryObjectRecord {
  kind: 'administrativeUnit';
  members: LinkRef[];
}

export interface SubscribedSkuRecord {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
  consumedUnits: number;
}

export interface DeletedItemRecord {
  id: string;
  kind: ObjectKind;
  displayName: string;
  userPrincipalName?: string;
  deletedDateTime: string;
}

/** Why an object left a delta round (graph-contract §3.2): `changed` = soft-deleted (restorable), `deleted` = gone. */
export type RemovalReason = 'changed' | 'deleted';

export interface LinkChange extends LinkRef {
  removed: boolean;
}

export interface UserDelta {
  id: string;
  removed?: RemovalReason;
  /** Present for a created or updated user: every selected property (never secrets). */
  attributes?: Attributes;
  /** Present when the manager link changed (or, in an initial round, is set): the new manager's id, or null. */
  managerId?: string | null;
}

export interface GroupDelta {
  id: string;
  removed?: RemovalReason;
  attributes?: Attributes;
  /**
   * Link changes. In an initial round they list every current link; in an incremental round only what changed.
   * One group may arrive in several entries (a large member list is split across pages): merge them.
   */
  members?: LinkChange[];
  owners?: LinkChange[];
}

export interface DeltaPage<T> {
  items: T[];
  /** Set on every page but the last; a backup can resume from it. */
  nextLink?: string;
  /** Set on the last page only: where the next incremental round starts. */
  deltaLink?: string;
}
