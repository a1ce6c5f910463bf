/**
 * `DirectoryWriter` over Microsoft Graph v1.0: the live reads a restore plan is computed against and the writes an
 * approved plan makes (port: ports/directory-writer.ts). The only module that builds Graph's write URLs.
 *
 * Outcomes, not exceptions, for "already in the wanted state" (contract §6.4, §7):
 * - a link add answered `400 … added object references already exist …` → `alreadyDone`; a link remove answered
 *   404 → `alreadyDone`; a role assignment add answered with a conflict (409, or 400 "conflicting object") is
 *   `alreadyDone` once a read confirms the identical assignment exists;
 * - a manager write reads the current manager first (in a `$batch` of GETs): add when it is already the target,
 *   remove when it is not the target (or there is none) → `alreadyDone`, so a stale plan never removes a manager
 *   someone else set since; a role assignment remove looks the assignment up by principal and role, then deletes
 *   it by id (none → `alreadyDone`);
 * - restore answered 404 while the object is live → `alreadyDone`; delete answered 404 → `alreadyDone`.
 *
 * Retries. The client's policy retries 429/503 for every request (nothing was done). After a 5xx or a dropped
 * connection the write may have happened, so only requests whose *outcome* is the same when repeated carry
 * `IdempotentRequestOption` and are retried then: link writes and their `$batch` (a repeated add reports
 * `alreadyDone`, a repeated remove 404 → `alreadyDone`, a repeated role assignment conflicts → verified
 * `alreadyDone`), restore (404 + live → `alreadyDone`), delete (404 → `alreadyDone`) and PATCH (absolute values).
 * Never retried after a 5xx: `POST /users`, `POST /groups` (a repeat could create a second object or hit a
 * conflict with the first), `assignLicense` (a repeated remove fails: the license is gone) and the Temporary Access
 * Pass (a repeat replaces the pass the caller would be given).
 *
 * Link writes go through `$batch` (≤ 20 per request, batches in parallel, throttled items retried after their own
 * `Retry-After`, graph-http.ts). Writes to the same link (or the same user's manager) keep their order: a later one
 * goes into a later wave of batches, since Graph runs a batch's items in no fixed order.
 *
 * Secrets: passwords and Temporary Access Passes travel only in request/response bodies, which are never logged
 * (logging-policy.ts), never kept, and never put into errors (errors carry Graph's response envelope only).
 */
import { GraphRequestError, isGraphRequestError } from '../errors';
import { Attributes, LinkRef, ObjectKind, RoleAssignmentRecord, SubscribedSkuRecord } from '../model/directory';
import {
  DirectoryWriter,
  LinkWrite,
  LinkWriteResult,
  LiveObject,
  LiveRoleDefinition,
  TemporaryAccessPass,
  WriteFailure,
} from '../ports/directory-writer';
import type { GatewayStats } from '../ports/directory-gateway';
import { GRAPH_API_VERSION, GraphClient, GraphClientOptions, createGraphClient } from './graph-client';
import { BatchRequest, BatchResponse, GraphHttp, errorFromBatchResponse } from './graph-http';
import { WritePacer, WriteQuota } from './policies/write-pacer';
import {
  ADMINISTRATIVE_UNIT_LIVE_SELECT,
  GROUP_LIVE_SELECT,
  LINK_SELECT,
  MAX_PAGE_SIZE,
  ROLE_ASSIGNMENT_SELECT,
  SUBSCRIBED_SKU_SELECT,
  USER_LIVE_SELECT,
} from './selects';
import {
  Json,
  asArray,
  asNumber,
  asRecord,
  asString,
  filterParameter,
  odataString,
  toLinkRef,
  toRoleAssignment,
  toSubscribedSku,
} from './wire-format';

export interface GraphDirectoryWriterOptions extends GraphClientOptions {
  /**
   * The app+tenant write quota the writer paces itself to. Default: 95 % of Graph's 3,000 writes per 150 s
   * (graph-contract §1.2), leaving room for the app's other work. Lower it for a tenant whose quota other apps share.
   */
  writeQuota?: WriteQuota;
}

/**
 * Never sent on `POST /users` or `PATCH /users/{id}`: Graph's read-only user properties (contract §6.1, and the
 * other read-only ones the snapshot holds), `assignedLicenses` (written through assignLicense), `managerId` (a link:
 * `applyLinkWrites`) and `passwordProfile` (only `createUser` sets one, from its own argument).
 */
export const USER_NOT_WRITABLE = new Set<string>([
  'id', 'createdDateTime', 'creationType', 'assignedPlans', 'provisionedPlans', 'proxyAddresses', 'imAddresses',
  'licenseAssignmentStates', 'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime', 'onPremisesDistinguishedName',
  'onPremisesDomainName', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName',
  'onPremisesProvisioningErrors', 'signInSessionsValidFromDateTime', 'refreshTokensValidFromDateTime',
  'legalAgeGroupClassification', 'deletedDateTime', 'securityIdentifier', 'lastPasswordChangeDateTime',
  'externalUserState', 'externalUserStateChangeDateTime', 'signInActivity',
  'assignedLicenses', 'managerId', 'passwordProfile',
]);

/** Never sent on `POST /groups` or `PATCH /groups/{id}`: read-only group properties (contract §6.3). */
export const GROUP_NOT_WRITABLE = new Set<string>([
  'id', 'createdDateTime', 'deletedDateTime', 'mail', 'proxyAddresses', 'renewedDateTime', 'expirationDateTime',
  'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesProvisioningErrors', 'securityIdentifier',
  'serviceProvisioningErrors', 'hasMembersWithLicenseErrors', 'isArchived',
]);

/** Settable only when a group is created (contract §6.3, W11): left out of a PATCH. */
export const GROUP_CREATE_ONLY = new Set<string>(['isAssignableToRole']);

export const ADMINISTRATIVE_UNIT_NOT_WRITABLE = new Set<string>(['id', 'deletedDateTime']);

/**
 * The attributes Graph accepts in a POST (`create`) or PATCH (`update`) of this kind: read-only properties,
 * annotations (`@odata.*`, `…@delta`) and, for users, links and licenses left out. A create also leaves out
 * null/undefined values (a new object has nothing to clear); an update keeps null (it clears the property).
 */
export function writableAttributes(kind: ObjectKind, attributes: Attributes, mode: 'create' | 'update'): Attributes {
  const excluded = kind === 'user' ? USER_NOT_WRITABLE : kind === 'group' ? GROUP_NOT_WRITABLE : ADMINISTRATIVE_UNIT_NOT_WRITABLE;
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.includes('@') || excluded.has(key)) continue;
    if (mode === 'update' && kind === 'group' && GROUP_CREATE_ONLY.has(key)) continue;
    if (value === undefined || (mode === 'create' && value === null)) continue;
    out[key] = value;
  }
  return out;
}

const OBJECT_PATHS: Record<ObjectKind, string> = {
  user: '/users',
  group: '/groups',
  administrativeUnit: '/directory/administrativeUnits',
};

const LIVE_SELECTS: Record<ObjectKind, readonly string[]> = {
  user: USER_LIVE_SELECT,
  group: GROUP_LIVE_SELECT,
  administrativeUnit: ADMINISTRATIVE_UNIT_LIVE_SELECT,
};

const ODATA_TYPES: Record<ObjectKind, string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  administrativeUnit: '#microsoft.graph.administrativeUnit',
};

/** Graph's link-exists answer (contract §6.4, §7 I3/I9). Its code is the generic `Request_BadRequest`, so the message decides. */
const LINK_EXISTS = /added object references already exist/i;
/** A duplicate role assignment: 409, or 400 with this text (contract §7 lists no dedicated code). */
const CONFLICTING_OBJECT = /conflicting object/i;

const key = encodeURIComponent;
const LINKS_QUERY = `$select=${LINK_SELECT.join(',')}&$top=${MAX_PAGE_SIZE}`;

/** How one link write proceeds after its preparatory read (if any). */
type Step = { result: LinkWriteResult } | { request: BatchRequest };

export const WRITER_MAX_RETRIES = 12;

export class GraphDirectoryWriter implements DirectoryWriter {
  private readonly graph: GraphClient;
  private readonly http: GraphHttp;
  private readonly writePacer: WritePacer;

  /**
   * A restore reads and writes in bursts (the live state of every target, then the drift re-read, then the writes),
   * and Graph keeps charging throttled requests: it waits out more throttling than a backup read does before it
   * gives up (each wait honours Retry-After).
   */
  constructor(options: GraphDirectoryWriterOptions) {
    const { writeQuota, ...clientOptions } = options;
    this.graph = createGraphClient({ maxRetries: WRITER_MAX_RETRIES, ...clientOptions });
    this.writePacer = new WritePacer(writeQuota ?? {});
    this.http = new GraphHttp(this.graph, this.writePacer);
  }

  /** How long writes have waited for room in the write quota so far (for benchmarks and logs). */
  get writeWaitedMs(): number {
    return this.writePacer.waitedMs;
  }

  stats(): GatewayStats {
    return this.graph.stats.snapshot();
  }

  // ------------------------------------------------------------------ live reads

  /**
   * The live object with `$select` of its writable and identifying properties; on 404, the recycle bin
   * (`GET /directory/deletedItems/{id}`, default representation plus `deletedDateTime`) → `state: 'deleted'`.
   * A deleted item of another kind is not this object: `undefined`.
   */
  async getLiveObject(kind: ObjectKind, id: string): Promise<LiveObject | undefined> {
    const live = await this.getOrUndefined(`${OBJECT_PATHS[kind]}/${key(id)}?$select=${LIVE_SELECTS[kind].join(',')}`);
    if (live) return { id: asString(live.id) || id, kind, state: 'live', attributes: attributesOf(live) };
    const deleted = await this.getOrUndefined(`/directory/deletedItems/${key(id)}`);
    if (!deleted) return undefined;
    const type = deleted['@odata.type'];
    if (typeof type === 'string' && type !== ODATA_TYPES[kind]) return undefined;
    return { id: asString(deleted.id) || id, kind, state: 'deleted', attributes: attributesOf(deleted) };
  }

  async getLiveObjects(refs: { id: string; kinds: ObjectKind[] }[]): Promise<Map<string, LiveObject>> {
    const found = new Map<string, LiveObject>();
    const rounds = Math.max(0, ...refs.map((r) => r.kinds.length));
    for (let k = 0; k < rounds; k++) {
      const round = refs.filter((r) => !found.has(r.id) && r.kinds[k] !== undefined);
      const responses = await this.http.batchAll(round.map((r) => ({
        method: 'GET' as const, url: `${OBJECT_PATHS[r.kinds[k]]}/${key(r.id)}?$select=${LIVE_SELECTS[r.kinds[k]].join(',')}`, idempotent: true,
      })));
      round.forEach((r, i) => {
        const response = responses[i];
        if (response.status === 404) return;
        if (response.status !== 200) throw errorFromBatchResponse(response);
        const body = asRecord(response.body);
        found.set(r.id, { id: asString(body.id) || r.id, kind: r.kinds[k], state: 'live', attributes: attributesOf(body) });
      });
    }
    const missing = refs.filter((r) => !found.has(r.id));
    const deleted = await this.http.batchAll(missing.map((r) => ({ method: 'GET' as const, url: `/directory/deletedItems/${key(r.id)}`, idempotent: true })));
    missing.forEach((r, i) => {
      const response = deleted[i];
      if (response.status === 404) return;
      if (response.status !== 200) throw errorFromBatchResponse(response);
      const body = asRecord(response.body);
      const kind = r.kinds.find((k) => ODATA_TYPES[k] === body['@odata.type']) ?? r.kinds[0];
      found.set(r.id, { id: asString(body.id) || r.id, kind, state: 'deleted', attributes: attributesOf(body) });
    });
    return found;
  }

  async findUsersByPrincipalNames(userPrincipalNames: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(userPrincipalNames.map((u) => u.toLowerCase()))];
    const responses = await this.http.batchAll(unique.map((upn) => ({
      method: 'GET' as const, url: `/users?${filterParameter(`userPrincipalName eq ${odataString(upn)}`)}&$select=id,userPrincipalName`, idempotent: true,
    })));
    const holders = new Map<string, string>();
    unique.forEach((upn, i) => {
      const response = responses[i];
      if (response.status !== 200) throw errorFromBatchResponse(response);
      const [first] = asArray(asRecord(response.body).value).map(asRecord);
      if (first) holders.set(upn, asString(first.id));
    });
    return holders;
  }

  async getLinks(relation: 'members' | 'owners' | 'unitMembers', ownerId: string): Promise<LinkRef[]> {
    const path = relation === 'unitMembers'
      ? `/directory/administrativeUnits/${key(ownerId)}/members`
      : `/groups/${key(ownerId)}/${relation}`;
    return (await this.listOrEmpty(`${path}?${LINKS_QUERY}`)).map(toLinkRef);
  }

  /** `/users/{id}/memberOf`, or `/groups/{id}/memberOf` when the principal is not a user. Directory roles are left out. */
  async getMemberOf(principalId: string): Promise<{ groups: string[]; administrativeUnits: string[] }> {
    let items = await this.listOrUndefined(`/users/${key(principalId)}/memberOf?${LINKS_QUERY}`);
    items ??= await this.listOrUndefined(`/groups/${key(principalId)}/memberOf?${LINKS_QUERY}`);
    const refs = (items ?? []).map(toLinkRef);
    return {
      groups: refs.filter((r) => r.type === 'group').map((r) => r.id),
      administrativeUnits: refs.filter((r) => r.type === 'administrativeUnit').map((r) => r.id),
    };
  }

  async getTransitiveGroupIds(userId: string): Promise<string[]> {
    const items = await this.listOrEmpty(`/users/${key(userId)}/transitiveMemberOf?${LINKS_QUERY}`);
    return items.map(toLinkRef).filter((r) => r.type === 'group').map((r) => r.id);
  }

  async getTransitiveUserMembers(groupId: string): Promise<{ id: string; displayName: string; userPrincipalName: string }[]> {
    // One read with the names: $select on a directoryObject list returns the selected properties of each member type.
    const items = await this.listOrEmpty(`/groups/${key(groupId)}/transitiveMembers?$select=id,displayName,userPrincipalName&$top=${MAX_PAGE_SIZE}`);
    return items
      .filter((item) => toLinkRef(item).type === 'user')
      .map((item) => ({ id: asString(item.id), displayName: typeof item.displayName === 'string' ? item.displayName : asString(item.id), userPrincipalName: typeof item.userPrincipalName === 'string' ? item.userPrincipalName : '' }));
  }

  async getOwnedGroups(principalId: string): Promise<string[]> {
    const owned = await this.listOrEmpty(`/users/${key(principalId)}/ownedObjects?${LINKS_QUERY}`);
    return owned.map(toLinkRef).filter((r) => r.type === 'group').map((r) => r.id);
  }

  /** 404 (no manager, or no such user) → null. */
  async getManager(userId: string): Promise<string | null> {
    const manager = await this.getOrUndefined(`/users/${key(userId)}/manager?$select=${LINK_SELECT.join(',')}`);
    return manager ? asString(manager.id) : null;
  }

  async getDirectReports(userId: string): Promise<string[]> {
    return (await this.listOrEmpty(`/users/${key(userId)}/directReports?${LINKS_QUERY}`)).map((r) => asString(r.id));
  }

  async listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string }): Promise<RoleAssignmentRecord[]> {
    return (await this.http.listAll(roleAssignmentsQuery(filter))).map(toRoleAssignment);
  }

  /** The default representation: small and unpaged, and it carries `isPrivileged` (absent → false). */
  async listRoleDefinitions(): Promise<Map<string, LiveRoleDefinition>> {
    const definitions = await this.http.listAll('/roleManagement/directory/roleDefinitions');
    return new Map(definitions.map((d) => [asString(d.id), { displayName: asString(d.displayName), templateId: asString(d.templateId ?? d.id), isPrivileged: d.isPrivileged === true }]));
  }

  async findUserByPrincipalName(userPrincipalName: string): Promise<{ id: string } | undefined> {
    return this.findOne('/users', `userPrincipalName eq ${odataString(userPrincipalName)}`);
  }

  async findByMailNickname(kind: 'user' | 'group', mailNickname: string): Promise<{ id: string } | undefined> {
    return this.findOne(OBJECT_PATHS[kind], `mailNickname eq ${odataString(mailNickname)}`);
  }

  async listSubscribedSkus(): Promise<SubscribedSkuRecord[]> {
    return (await this.http.listAll(`/subscribedSkus?$select=${SUBSCRIBED_SKU_SELECT.join(',')}`)).map(toSubscribedSku);
  }

  // ------------------------------------------------------------------ object writes

  async restoreDeleted(id: string, options: { newUserPrincipalName?: string } = {}): Promise<'done' | 'alreadyDone'> {
    const body = options.newUserPrincipalName !== undefined ? { newUserPrincipalName: options.newUserPrincipalName } : undefined;
    try {
      await this.http.send('POST', `/directory/deletedItems/${key(id)}/restore`, { body, idempotent: true });
      return 'done';
    } catch (error) {
      if (isGraphRequestError(error) && error.statusCode === 404) {
        if (await this.getOrUndefined(`/directoryObjects/${key(id)}?$select=id`)) return 'alreadyDone';
      }
      throw error;
    }
  }

  async createUser(attributes: Attributes, password: string): Promise<string> {
    const body = {
      ...writableAttributes('user', attributes, 'create'),
      passwordProfile: { password, forceChangePasswordNextSignIn: true },
    };
    return createdId(await this.http.send('POST', '/users', { body }), 'POST /users');
  }

  async createGroup(attributes: Attributes): Promise<string> {
    const body = writableAttributes('group', attributes, 'create');
    return createdId(await this.http.send('POST', '/groups', { body }), 'POST /groups');
  }

  /** PATCH of the writable properties given; nothing to write → no request. */
  async updateObject(kind: ObjectKind, id: string, patch: Attributes): Promise<void> {
    const body = writableAttributes(kind, patch, 'update');
    if (Object.keys(body).length === 0) return;
    await this.http.send('PATCH', `${OBJECT_PATHS[kind]}/${key(id)}`, { body, idempotent: true });
  }

  async deleteObject(kind: ObjectKind, id: string): Promise<'done' | 'alreadyDone'> {
    try {
      await this.http.send('DELETE', `${OBJECT_PATHS[kind]}/${key(id)}`, { idempotent: true });
      return 'done';
    } catch (error) {
      if (isGraphRequestError(error) && error.statusCode === 404) return 'alreadyDone';
      throw error;
    }
  }

  /** Both `addLicenses` and `removeLicenses` are always sent (contract §6.4, W9); nothing to change → no request. */
  async assignLicenses(userId: string, add: string[], remove: string[]): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await this.http.send('POST', `/users/${key(userId)}/assignLicense`, {
      body: { addLicenses: add.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: remove },
    });
  }

  async createTemporaryAccessPass(userId: string, options: { lifetimeInMinutes: number; isUsableOnce: boolean }): Promise<TemporaryAccessPass> {
    const body = await this.http.send('POST', `/users/${key(userId)}/authentication/temporaryAccessPassMethods`, {
      body: { lifetimeInMinutes: options.lifetimeInMinutes, isUsableOnce: options.isUsableOnce },
    });
    if (typeof body.temporaryAccessPass !== 'string' || body.temporaryAccessPass === '') {
      throw new GraphRequestError({ statusCode: 502, code: 'MissingTemporaryAccessPass', message: 'Graph created a Temporary Access Pass but returned no pass.' });
    }
    return {
      temporaryAccessPass: body.temporaryAccessPass,
      startDateTime: asString(body.startDateTime),
      lifetimeInMinutes: asNumber(body.lifetimeInMinutes) || options.lifetimeInMinutes,
      isUsableOnce: typeof body.isUsableOnce === 'boolean' ? body.isUsableOnce : options.isUsableOnce,
    };
  }

  // ------------------------------------------------------------------ link writes

  async applyLinkWrites(writes: LinkWrite[]): Promise<LinkWriteResult[]> {
    const results: LinkWriteResult[] = new Array<LinkWriteResult>(writes.length);
    for (const wave of waves(writes)) {
      const steps = await this.prepare(wave.map((i) => writes[i]));
      const sendIndexes: number[] = [];
      const requests: BatchRequest[] = [];
      steps.forEach((step, j) => {
        if ('result' in step) results[wave[j]] = step.result;
        else {
          sendIndexes.push(wave[j]);
          requests.push(step.request);
        }
      });
      const responses = await this.http.batchAll(requests);
      await Promise.all(
        responses.map(async (response, j) => {
          const i = sendIndexes[j];
          results[i] = await this.classify(writes[i], response);
        }),
      );
    }
    return results;
  }

  /** The request for each write, after the reads some need (manager, role assignment removal), in one `$batch` round. */
  private async prepare(writes: LinkWrite[]): Promise<Step[]> {
    const reads: { index: number; request: BatchRequest }[] = [];
    writes.forEach((write, index) => {
      if (write.relation === 'manager') {
        reads.push({ index, request: { method: 'GET', url: `/users/${key(write.ownerId)}/manager?$select=${LINK_SELECT.join(',')}`, idempotent: true } });
      } else if (write.relation === 'roleAssignment' && write.op === 'remove') {
        reads.push({ index, request: { method: 'GET', url: roleAssignmentsQuery({ principalId: write.targetId, roleDefinitionId: write.ownerId }), idempotent: true } });
      }
    });
    const answers = new Map<number, BatchResponse>();
    if (reads.length > 0) {
      const responses = await this.http.batchAll(reads.map((r) => r.request));
      reads.forEach((r, j) => answers.set(r.index, responses[j]));
    }
    return writes.map((write, index) => this.stepFor(write, answers.get(index)));
  }

  private stepFor(write: LinkWrite, read: BatchResponse | undefined): Step {
    const owner = key(write.ownerId);
    const target = key(write.targetId);
    const reference = (collection: string) => ({ '@odata.id': `${this.graph.baseUrl}/${GRAPH_API_VERSION}/${collection}/${write.targetId}` });
    const linkRequest = (collectionPath: string): BatchRequest => write.op === 'add'
      ? { method: 'POST', url: `${collectionPath}/$ref`, body: reference('directoryObjects'), idempotent: true }
      : { method: 'DELETE', url: `${collectionPath}/${target}/$ref`, idempotent: true };
    switch (write.relation) {
      case 'members':
      case 'owners':
        return { request: linkRequest(`/groups/${owner}/${write.relation}`) };
      case 'unitMembers':
        return { request: linkRequest(`/directory/administrativeUnits/${owner}/members`) };
      case 'manager': {
        let current: string | null;
        if (read && read.status === 404) current = null;
        else if (read && read.status >= 200 && read.status < 300) current = asString(asRecord(read.body).id);
        else return { result: failed(read) };
        const holds = current !== null && current.toLowerCase() === write.targetId.toLowerCase();
        if (write.op === 'add') {
          return holds
            ? { result: { outcome: 'alreadyDone' } }
            : { request: { method: 'PUT', url: `/users/${owner}/manager/$ref`, body: reference('users'), idempotent: true } };
        }
        return holds
          ? { request: { method: 'DELETE', url: `/users/${owner}/manager/$ref`, idempotent: true } }
          : { result: { outcome: 'alreadyDone' } };
      }
      case 'roleAssignment': {
        const directoryScopeId = write.directoryScopeId ?? '/';
        if (write.op === 'add') {
          return {
            request: {
              method: 'POST',
              url: '/roleManagement/directory/roleAssignments',
              body: { roleDefinitionId: write.ownerId, principalId: write.targetId, directoryScopeId },
              idempotent: true,
            },
          };
        }
        if (!read || read.status < 200 || read.status >= 300) return { result: failed(read) };
        const existing = asArray(asRecord(read.body).value).map((a) => toRoleAssignment(asRecord(a)))
          .find((a) => a.directoryScopeId === directoryScopeId);
        if (!existing) return { result: { outcome: 'alreadyDone' } };
        return { request: { method: 'DELETE', url: `/roleManagement/directory/roleAssignments/${key(existing.id)}`, idempotent: true } };
      }
    }
  }

  private async classify(write: LinkWrite, response: BatchResponse): Promise<LinkWriteResult> {
    const { status } = response;
    if (status >= 200 && status < 300) return { outcome: 'done' };
    const failure = failureOf(response);
    if (write.op === 'remove' && status === 404) return { outcome: 'alreadyDone' };
    if (write.op === 'add' && status === 400 && LINK_EXISTS.test(failure.message)) return { outcome: 'alreadyDone' };
    if (write.relation === 'roleAssignment' && write.op === 'add' && (status === 409 || (status === 400 && CONFLICTING_OBJECT.test(failure.message)))) {
      const scope = write.directoryScopeId ?? '/';
      const existing = await this.listRoleAssignments({ principalId: write.targetId, roleDefinitionId: write.ownerId });
      if (existing.some((a) => a.directoryScopeId === scope)) return { outcome: 'alreadyDone' };
    }
    return { outcome: 'failed', failure };
  }

  // ------------------------------------------------------------------ reads that tolerate 404

  private async getOrUndefined(path: string): Promise<Json | undefined> {
    try {
      return await this.http.getJson(path);
    } catch (error) {
      if (isGraphRequestError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private async listOrUndefined(path: string): Promise<Json[] | undefined> {
    try {
      return await this.http.listAll(path);
    } catch (error) {
      if (isGraphRequestError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private async listOrEmpty(path: string): Promise<Json[]> {
    return (await this.listOrUndefined(path)) ?? [];
  }

  private async findOne(collection: string, expression: string): Promise<{ id: string } | undefined> {
    const body = await this.http.getJson(`${collection}?${filterParameter(expression)}&$select=id`);
    const [first] = asArray(body.value).map(asRecord);
    return first ? { id: asString(first.id) } : undefined;
  }
}

/**
 * Partitions writes into waves: a write goes one wave after the previous write to the same link (or the same
 * user's manager), so writes that depend on each other run in the order given; independent ones share a wave.
 */
function waves(writes: LinkWrite[]): number[][] {
  const seen = new Map<string, number>();
  const out: number[][] = [];
  writes.forEach((write, i) => {
    const k = linkKey(write);
    const wave = seen.get(k) ?? 0;
    seen.set(k, wave + 1);
    (out[wave] ??= []).push(i);
  });
  return out;
}

function linkKey(write: LinkWrite): string {
  const owner = write.ownerId.toLowerCase();
  switch (write.relation) {
    case 'manager':
      return `manager|${owner}`;
    case 'roleAssignment':
      return `roleAssignment|${owner}|${write.targetId.toLowerCase()}|${write.directoryScopeId ?? '/'}`;
    default:
      return `${write.relation}|${owner}|${write.targetId.toLowerCase()}`;
  }
}

function roleAssignmentsQuery(filter: { principalId?: string; roleDefinitionId?: string }): string {
  const clauses: string[] = [];
  if (filter.principalId !== undefined) clauses.push(`principalId eq ${odataString(filter.principalId)}`);
  if (filter.roleDefinitionId !== undefined) clauses.push(`roleDefinitionId eq ${odataString(filter.roleDefinitionId)}`);
  const query = [`$select=${ROLE_ASSIGNMENT_SELECT.join(',')}`, `$top=${MAX_PAGE_SIZE}`];
  if (clauses.length > 0) query.unshift(filterParameter(clauses.join(' and ')));
  return `/roleManagement/directory/roleAssignments?${query.join('&')}`;
}

/** Graph properties minus `id` and annotations (`@odata.*`); `deletedDateTime` is kept. */
function attributesOf(item: Json): Attributes {
  const attributes: Attributes = {};
  for (const [k, value] of Object.entries(item)) {
    if (k === 'id' || k.includes('@')) continue;
    attributes[k] = value;
  }
  return attributes;
}

function createdId(body: Json, operation: string): string {
  const id = asString(body.id);
  if (id === '') throw new GraphRequestError({ statusCode: 502, code: 'MissingId', message: `${operation} answered without the new object's id.` });
  return id;
}

function failureOf(response: BatchResponse): WriteFailure {
  const error = errorFromBatchResponse(response);
  const failure: WriteFailure = { statusCode: error.statusCode, code: error.code, message: error.message };
  if (error.requestId !== undefined) failure.requestId = error.requestId;
  return failure;
}

function failed(read: BatchResponse | undefined): LinkWriteResult {
  if (!read) return { outcome: 'failed', failure: { statusCode: 0, code: 'MissingRead', message: 'The read this write depends on did not run.' } };
  return { outcome: 'failed', failure: failureOf(read) };
}
