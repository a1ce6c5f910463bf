/**
 * The directory, as the engine sees it. One adapter implements it over Microsoft Graph (graph/graph-gateway.ts);
 * it is the only code that knows Graph URLs, `$select` lists and wire formats.
 *
 * Contract (checked by test/contract/directory-gateway.contract.ts against the simulator):
 * - Reads page with `@odata.nextLink` internally, honour `Retry-After`, and never return partial results silently:
 *   they throw a `GraphRequestError` once retries are spent.
 * - `get*` return `undefined` on 404.
 * - Delta rounds yield pages; a page's `nextLink` can be given back as `resumeFrom` to continue an interrupted round.
 *   An expired or reset delta link throws `DeltaTokenExpiredError`; the caller then starts a full round.
 */
import {
  AdministrativeUnitRecord,
  DeletedItemRecord,
  DeltaPage,
  DirectoryObjectRecord,
  DirectoryRoleRecord,
  GroupDelta,
  ObjectKind,
  RoleAssignmentRecord,
  RoleDefinitionRecord,
  SubscribedSkuRecord,
  UserDelta,
} from '../model/directory';

export interface TenantInfo {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
}

export interface DeltaRoundOptions {
  /** Continue an incremental round from a stored deltaLink; omitted → an initial (full) round. */
  deltaLink?: string;
  /** Continue an interrupted round from a page's nextLink (takes precedence over `deltaLink`). */
  resumeFrom?: string;
  abortSignal?: AbortSignal;
}

export interface GatewayStats {
  /** HTTP requests sent, retries included (a `$batch` counts once). */
  requests: number;
  /** Operations, counting each `$batch` item. */
  operations: number;
  /** Sum of `x-ms-resource-unit` over responses. */
  resourceUnits: number;
  /** Responses answered 429. */
  throttled: number;
  retries: number;
}

export interface DirectoryGateway {
  getTenant(): Promise<TenantInfo>;
  deltaUsers(options?: DeltaRoundOptions): AsyncIterable<DeltaPage<UserDelta>>;
  deltaGroups(options?: DeltaRoundOptions): AsyncIterable<DeltaPage<GroupDelta>>;
  /** A deltaLink that starts tracking now, with no data (`$deltatoken=latest`). */
  latestDeltaLink(resource: 'users' | 'groups'): Promise<string>;
  listRoleDefinitions(): Promise<RoleDefinitionRecord[]>;
  listRoleAssignments(): Promise<RoleAssignmentRecord[]>;
  /**
   * Activated directory roles with their members (directoryRoles do not page: contract §2). With `readMembers`, only
   * the roles it accepts have their members read; the others come back with `members` undefined.
   */
  listDirectoryRoles(options?: { readMembers?: (roleTemplateId: string) => boolean }): Promise<DirectoryRoleRecord[]>;
  listAdministrativeUnits(): Promise<AdministrativeUnitRecord[]>;
  listSubscribedSkus(): Promise<SubscribedSkuRecord[]>;
  listDeletedItems(kind: ObjectKind): Promise<DeletedItemRecord[]>;
  getObject(kind: ObjectKind, id: string): Promise<DirectoryObjectRecord | undefined>;
  stats(): GatewayStats;
}
