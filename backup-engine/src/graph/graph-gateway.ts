/**
 * `DirectoryGateway` over Microsoft Graph v1.0: the only module that builds Graph paths and maps Graph's wire format
 * onto the domain records of model/directory.ts (style practice 1).
 *
 * - Collections are read with `$top=999` and a `$select` (selects.ts) and followed through `@odata.nextLink`.
 * - Delta rounds (contract §3) yield one normalized page per Graph page, exposing nextLink / deltaLink so a backup
 *   can resume; an expired or reset token becomes `DeltaTokenExpiredError`.
 * - Per-object relationship lists (directory-role members, AU members) are read through `$batch` (≤ 20 GETs,
 *   contract §1.5). Graph answers a batch 200 and throttles its items one by one; the SDK does not retry items, so
 *   `GraphHttp.batch` (graph-http.ts) retries throttled items itself, waiting the longest `Retry-After` among them.
 * - Every link Graph returns is checked against the configured base URL before it is followed.
 * - Responses are read raw (`ResponseType.RAW`, graph-http.ts) so errors are built once, from Graph's envelope and
 *   headers.
 */
import { DeltaTokenExpiredError, GraphRequestError, isDeltaExpiryResponse, isGraphRequestError } from '../errors';
import {
  AdministrativeUnitRecord,
  Attributes,
  DeletedItemRecord,
  DeltaPage,
  DirectoryObjectRecord,
  DirectoryRoleRecord,
  GroupDelta,
  LinkChange,
  ObjectKind,
  RemovalReason,
  RoleAssignmentRecord,
  RoleDefinitionRecord,
  SubscribedSkuRecord,
  UserDelta,
} from '../model/directory';
import { DeltaRoundOptions, DirectoryGateway, GatewayStats, TenantInfo } from '../ports/directory-gateway';
import { GraphClient, GraphClientOptions, createGraphClient, relativeGraphPath } from './graph-client';
import { GraphHttp, MAX_BATCH_REQUESTS, SendOptions, errorFromBatchResponse } from './graph-http';
import {
  ADMINISTRATIVE_UNIT_SELECT,
  DELETED_ITEM_SELECT,
  DIRECTORY_ROLE_SELECT,
  GROUP_DELTA_SELECT,
  GROUP_SELECT,
  LINK_SELECT,
  MAX_PAGE_SIZE,
  NAVIGATION_PROPERTIES,
  ORGANIZATION_SELECT,
  ROLE_ASSIGNMENT_SELECT,
  SUBSCRIBED_SKU_SELECT,
  USER_DELTA_SELECT,
  USER_SELECT,
} from './selects';
import { Json, asArray, asRecord, asString, toLinkRef, toRoleAssignment, toSubscribedSku } from './wire-format';

export { MAX_BATCH_REQUESTS };

export type GraphDirectoryGatewayOptions = GraphClientOptions;

export class GraphDirectoryGateway implements DirectoryGateway {
  private readonly graph: GraphClient;
  private readonly http: GraphHttp;

  constructor(options: GraphDirectoryGatewayOptions) {
    this.graph = createGraphClient(options);
    this.http = new GraphHttp(this.graph);
  }

  stats(): GatewayStats {
    return this.graph.stats.snapshot();
  }

  async getTenant(): Promise<TenantInfo> {
    const [organization] = await this.listAll(`/organization?$select=${ORGANIZATION_SELECT.join(',')}`);
    if (!organization) throw new GraphRequestError({ statusCode: 404, code: 'Request_ResourceNotFound', message: 'Graph returned no organization.' });
    const domains = asArray(organization.verifiedDomains).map(asRecord);
    const defaultDomain = domains.find((d) => d.isDefault === true) ?? domains[0];
    return {
      tenantId: asString(organization.id),
      displayName: asString(organization.displayName),
      defaultDomain: asString(defaultDomain?.name),
    };
  }

  deltaUsers(options: DeltaRoundOptions = {}): AsyncIterable<DeltaPage<UserDelta>> {
    return this.deltaRound('users', USER_DELTA_SELECT, options, toUserDelta);
  }

  deltaGroups(options: DeltaRoundOptions = {}): AsyncIterable<DeltaPage<GroupDelta>> {
    return this.deltaRound('groups', GROUP_DELTA_SELECT, options, toGroupDelta);
  }

  /** `$deltatoken=latest` with the same `$select` as a full round, so the link tracks the same properties (§3.1). */
  async latestDeltaLink(resource: 'users' | 'groups'): Promise<string> {
    const select = resource === 'users' ? USER_DELTA_SELECT : GROUP_DELTA_SELECT;
    const body = await this.deltaRequest(`/${resource}/delta?$select=${select.join(',')}&$deltatoken=latest`);
    const deltaLink = body['@odata.deltaLink'];
    if (typeof deltaLink !== 'string') {
      throw new GraphRequestError({ statusCode: 502, code: 'MissingDeltaLink', message: `GET /${resource}/delta?$deltatoken=latest answered without @odata.deltaLink.` });
    }
    relativeGraphPath(deltaLink, this.graph.baseUrl);
    return deltaLink;
  }

  /**
   * Read without `$select`: the list is small and unpaged, and the default representation carries `isPrivileged`
   * where Graph has it without failing where it does not (the simulator); absent → false.
   */
  async listRoleDefinitions(): Promise<RoleDefinitionRecord[]> {
    const definitions = await this.listAll('/roleManagement/directory/roleDefinitions');
    return definitions.map((d) => {
      const record: RoleDefinitionRecord = {
        id: asString(d.id),
        displayName: asString(d.displayName),
        templateId: asString(d.templateId ?? d.id),
        isBuiltIn: d.isBuiltIn === true,
        isPrivileged: d.isPrivileged === true,
      };
      if (typeof d.description === 'string') record.description = d.description;
      return record;
    });
  }

  async listRoleAssignments(): Promise<RoleAssignmentRecord[]> {
    const assignments = await this.listAll(
      `/roleManagement/directory/roleAssignments?$select=${ROLE_ASSIGNMENT_SELECT.join(',')}&$top=${MAX_PAGE_SIZE}`,
    );
    return assignments.map(toRoleAssignment);
  }

  /** directoryRoles and their members do not page (contract §2): no `$top`. */
  async listDirectoryRoles(options: { readMembers?: (roleTemplateId: string) => boolean } = {}): Promise<DirectoryRoleRecord[]> {
    const roles = await this.listAll(`/directoryRoles?$select=${DIRECTORY_ROLE_SELECT.join(',')}`);
    const wanted = roles.filter((r) => options.readMembers?.(asString(r.roleTemplateId)) ?? true);
    const memberPaths = wanted.map((r) => `/directoryRoles/${encodeURIComponent(asString(r.id))}/members?$select=${LINK_SELECT.join(',')}`);
    const members = await this.batchGetAll(memberPaths);
    const byId = new Map(wanted.map((r, i) => [asString(r.id), members[i]]));
    const records: DirectoryRoleRecord[] = [];
    for (const role of roles) {
      const id = asString(role.id);
      const record = { id, roleTemplateId: asString(role.roleTemplateId), displayName: asString(role.displayName) };
      if (!byId.has(id)) {
        records.push(record);
        continue;
      }
      const list = byId.get(id);
      if (list === undefined) continue; // deactivated since it was listed
      records.push({ ...record, members: list.map(toLinkRef) });
    }
    return records;
  }

  async listAdministrativeUnits(): Promise<AdministrativeUnitRecord[]> {
    const units = await this.listAll(
      `/directory/administrativeUnits?$select=${ADMINISTRATIVE_UNIT_SELECT.join(',')}&$top=${MAX_PAGE_SIZE}`,
    );
    const memberPaths = units.map(
      (u) => `/directory/administrativeUnits/${encodeURIComponent(asString(u.id))}/members?$select=${LINK_SELECT.join(',')}&$top=${MAX_PAGE_SIZE}`,
    );
    const members = await this.batchGetAll(memberPaths);
    const records: AdministrativeUnitRecord[] = [];
    units.forEach((unit, i) => {
      const list = members[i];
      if (list === undefined) return; // deleted since it was listed
      records.push({
        id: asString(unit.id),
        kind: 'administrativeUnit',
        attributes: attributesOf(unit) ?? {},
        members: list.map(toLinkRef),
      });
    });
    return records;
  }

  async listSubscribedSkus(): Promise<SubscribedSkuRecord[]> {
    const skus = await this.listAll(`/subscribedSkus?$select=${SUBSCRIBED_SKU_SELECT.join(',')}`);
    return skus.map(toSubscribedSku);
  }

  /** The recycle bin needs a type cast (contract §5, X1). */
  async listDeletedItems(kind: ObjectKind): Promise<DeletedItemRecord[]> {
    const select = DELETED_ITEM_SELECT[kind];
    const items = await this.listAll(`/directory/deletedItems/microsoft.graph.${kind}?$select=${select.join(',')}&$top=${MAX_PAGE_SIZE}`);
    return items.map((item) => {
      const record: DeletedItemRecord = {
        id: asString(item.id),
        kind,
        displayName: asString(item.displayName),
        deletedDateTime: asString(item.deletedDateTime),
      };
      if (typeof item.userPrincipalName === 'string') record.userPrincipalName = item.userPrincipalName;
      return record;
    });
  }

  /**
   * One live object, or `undefined` on 404. A user's attributes include `managerId` (the manager's id, or null),
   * read with `$expand=manager`, as model/directory.ts defines a user's attributes.
   */
  async getObject(kind: ObjectKind, id: string): Promise<DirectoryObjectRecord | undefined> {
    const key = encodeURIComponent(id);
    const path = {
      user: `/users/${key}?$select=${USER_SELECT.join(',')}&$expand=manager`,
      group: `/groups/${key}?$select=${GROUP_SELECT.join(',')}`,
      administrativeUnit: `/directory/administrativeUnits/${key}?$select=${ADMINISTRATIVE_UNIT_SELECT.join(',')}`,
    }[kind];
    let body: Json;
    try {
      body = await this.getJson(path);
    } catch (error) {
      if (isGraphRequestError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
    const attributes = attributesOf(body) ?? {};
    if (kind === 'user') {
      const manager = body.manager;
      attributes.managerId = typeof manager === 'object' && manager !== null ? asString(asRecord(manager).id) : null;
    }
    return { id: asString(body.id), kind, attributes };
  }

  // ------------------------------------------------------------------ delta

  private async *deltaRound<T>(
    resource: 'users' | 'groups',
    select: readonly string[],
    options: DeltaRoundOptions,
    map: (item: Json) => T,
  ): AsyncGenerator<DeltaPage<T>> {
    const start = options.resumeFrom ?? options.deltaLink;
    let path: string | undefined = start !== undefined
      ? relativeGraphPath(start, this.graph.baseUrl)
      : `/${resource}/delta?$select=${select.join(',')}`;
    while (path !== undefined) {
      const body = await this.deltaRequest(path, options.abortSignal);
      const page: DeltaPage<T> = { items: asArray(body.value).map((item) => map(asRecord(item))) };
      const nextLink = body['@odata.nextLink'];
      const deltaLink = body['@odata.deltaLink'];
      path = undefined;
      if (typeof nextLink === 'string') {
        path = relativeGraphPath(nextLink, this.graph.baseUrl);
        page.nextLink = nextLink;
      } else if (typeof deltaLink === 'string') {
        relativeGraphPath(deltaLink, this.graph.baseUrl);
        page.deltaLink = deltaLink;
      } else {
        throw new GraphRequestError({ statusCode: 502, code: 'MissingDeltaLink', message: `A /${resource}/delta page had neither @odata.nextLink nor @odata.deltaLink.` });
      }
      yield page;
    }
  }

  private async deltaRequest(path: string, signal?: AbortSignal): Promise<Json> {
    try {
      return await this.getJson(path, { signal });
    } catch (error) {
      if (isGraphRequestError(error) && isDeltaExpiryResponse(error.statusCode, error.code)) {
        throw new DeltaTokenExpiredError(
          `The delta link can no longer be used (HTTP ${error.statusCode} ${error.code}); start a full round.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  // ------------------------------------------------------------------ batches

  /**
   * GETs many paths through `$batch`, 20 per batch, batches in parallel (the adaptive limiter in the client chain
   * bounds what is in flight), and follows each item's nextLink. Returns each path's values in order, or
   * `undefined` for a 404 (the object went away since it was listed).
   */
  private async batchGetAll(paths: string[], signal?: AbortSignal): Promise<(Json[] | undefined)[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < paths.length; i += MAX_BATCH_REQUESTS) chunks.push(paths.slice(i, i + MAX_BATCH_REQUESTS));
    const bodies = (await Promise.all(chunks.map((chunk) => this.batchGet(chunk, signal)))).flat();
    return Promise.all(
      bodies.map(async (body) => {
        if (body === undefined) return undefined;
        const values = asArray(body.value).map(asRecord);
        const nextLink = body['@odata.nextLink'];
        if (typeof nextLink === 'string') values.push(...(await this.listAll(relativeGraphPath(nextLink, this.graph.baseUrl), signal)));
        return values;
      }),
    );
  }

  /** One `$batch` of ≤ 20 GETs; throttled items are retried by `GraphHttp.batch` (§1.5); a 404 is `undefined`. */
  private async batchGet(paths: string[], signal?: AbortSignal): Promise<(Json | undefined)[]> {
    const responses = await this.http.batch(paths.map((url) => ({ method: 'GET', url, idempotent: true })), signal);
    return responses.map((response) => {
      if (response.status >= 200 && response.status < 300) return asRecord(response.body);
      if (response.status === 404) return undefined;
      throw errorFromBatchResponse(response);
    });
  }

  // ------------------------------------------------------------------ HTTP

  private async listAll(path: string, signal?: AbortSignal): Promise<Json[]> {
    return this.http.listAll(path, signal);
  }

  private async getJson(path: string, options: SendOptions = {}): Promise<Json> {
    return this.http.getJson(path, options);
  }
}

// ------------------------------------------------------------------ wire format → domain records

/** Graph properties minus `id`, `@odata.*` / `…@delta` / `@removed` annotations and navigation properties. */
function attributesOf(item: Json): Attributes | undefined {
  const attributes: Attributes = {};
  let any = false;
  for (const [key, value] of Object.entries(item)) {
    if (key === 'id' || key.includes('@') || NAVIGATION_PROPERTIES.has(key)) continue;
    attributes[key] = value;
    any = true;
  }
  return any ? attributes : undefined;
}

/** `@removed: { reason }` (contract §3.2): `changed` = soft-deleted and restorable; anything else is gone. */
function removalOf(item: Json): RemovalReason | undefined {
  if (!('@removed' in item)) return undefined;
  return asRecord(item['@removed']).reason === 'changed' ? 'changed' : 'deleted';
}

function toUserDelta(item: Json): UserDelta {
  const delta: UserDelta = { id: asString(item.id) };
  const removed = removalOf(item);
  if (removed) {
    delta.removed = removed;
    return delta;
  }
  const attributes = attributesOf(item);
  if (attributes) delta.attributes = attributes;
  if ('manager@delta' in item) {
    const links = asArray(item['manager@delta']).map(asRecord);
    const current = links.find((link) => !('@removed' in link));
    delta.managerId = current ? asString(current.id) : null;
  }
  return delta;
}

function toGroupDelta(item: Json): GroupDelta {
  const delta: GroupDelta = { id: asString(item.id) };
  const removed = removalOf(item);
  if (removed) {
    delta.removed = removed;
    return delta;
  }
  const attributes = attributesOf(item);
  if (attributes) delta.attributes = attributes;
  if ('members@delta' in item) delta.members = asArray(item['members@delta']).map((l) => toLinkChange(asRecord(l)));
  if ('owners@delta' in item) delta.owners = asArray(item['owners@delta']).map((l) => toLinkChange(asRecord(l)));
  return delta;
}

function toLinkChange(link: Json): LinkChange {
  return { ...toLinkRef(link), removed: '@removed' in link };
}
