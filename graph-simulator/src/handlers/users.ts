/** User operations: CRUD, manager, memberships, licenses, Temporary Access Pass. */
import { randomInt } from 'node:crypto';
import { Directory, DirectoryObject } from '../model/directory';
import { badRequest, notFound } from '../model/errors';
import { FILTERABLE, ODATA_TYPE, USER_DEFAULT_PROPERTIES, USER_PROPERTIES } from '../model/schema';
import { page, renderDirectoryObject } from '../protocol/collections';
import { parseQueryOptions, project } from '../protocol/odata';
import { Operation, OperationRequest, json, metadataUrl, noContent } from '../protocol/operation';
import { bodyObject, expandsManager, listQuery, liveObjects, referenceFromBody, selectObjects } from './common';

const WRITE_ONLY = ['passwordProfile'];

export function renderUser(user: DirectoryObject, select?: string[]): Record<string, unknown> {
  return project(user.props, select, USER_DEFAULT_PROPERTIES, USER_PROPERTIES, 'user', WRITE_ONLY);
}

function withManager(directory: Directory, user: DirectoryObject, item: Record<string, unknown>): Record<string, unknown> {
  const managerId = directory.managerOf(user.id);
  const manager = managerId ? directory.getLive(managerId) : undefined;
  if (manager) item.manager = renderDirectoryObject(manager, undefined);
  return item;
}

export const listUsers: Operation = (request, { directory }) => {
  const options = listQuery(request, 'User', USER_PROPERTIES, FILTERABLE.user);
  const expand = expandsManager(options);
  const users = selectObjects(directory.users(), options);
  return page(request, options, users, (u) => {
    const item = renderUser(u, options.select);
    return expand ? withManager(directory, u, item) : item;
  }, { context: 'users' });
};

export const countUsers: Operation = (request, { directory }) => countOf(request, directory.userCount);

export function countOf(request: OperationRequest, n: number) {
  if ((request.headers['consistencylevel'] ?? '').toLowerCase() !== 'eventual') {
    throw badRequest('$count is not currently supported.');
  }
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, text: String(n) };
}

export const getUser: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'User');
  const user = directory.requireUser(request.params.id);
  const item = { '@odata.context': metadataUrl(request, 'users/$entity'), ...renderUser(user, options.select) };
  return json(200, expandsManager(options) ? withManager(directory, user, item) : item);
};

export const createUser: Operation = (request, { directory }) => {
  const user = directory.createUser(bodyObject(request));
  return json(
    201,
    { '@odata.context': metadataUrl(request, 'users/$entity'), ...renderUser(user) },
    { Location: `${request.origin}/v2/${directory.tenantId}/directoryObjects/${user.id}/Microsoft.DirectoryServices.User` },
  );
};

export const updateUser: Operation = (request, { directory }) => {
  directory.updateUser(request.params.id, bodyObject(request));
  return noContent();
};

export const deleteUser: Operation = (request, { directory }) => {
  directory.deleteUser(request.params.id);
  return noContent();
};

export const getManager: Operation = (request, { directory }) => {
  const user = directory.requireUser(request.params.id);
  const managerId = directory.managerOf(user.id);
  const manager = managerId ? directory.getLive(managerId) : undefined;
  if (!manager) throw notFound('manager');
  return json(200, { '@odata.context': metadataUrl(request, 'directoryObjects/$entity'), ...renderDirectoryObject(manager, undefined) });
};

export const setManager: Operation = (request, { directory }) => {
  directory.setManager(request.params.id, referenceFromBody(request, 'manager'));
  return noContent();
};

export const removeManager: Operation = (request, { directory }) => {
  directory.removeManager(request.params.id);
  return noContent();
};

export const listDirectReports: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'User');
  const user = directory.requireUser(request.params.id);
  const reports = liveObjects(directory, directory.directReports(user.id));
  return page(request, options, reports, (o) => renderDirectoryObject(o, options.select), { context: 'directoryObjects' });
};

export const listMemberOf: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const object = directory.getUser(request.params.id) ?? directory.requireGroup(request.params.id);
  return page(request, options, memberOfItems(directory, object.id, options.select), (x) => x, { context: 'directoryObjects' });
};

export const listTransitiveMemberOf: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const object = directory.getUser(request.params.id) ?? directory.requireGroup(request.params.id);
  const seen = new Set<string>();
  const queue = [object.id];
  const items: Record<string, unknown>[] = [];
  const roles = new Set<string>();
  while (queue.length) {
    const current = queue.shift()!;
    const { groups, roles: directRoles } = directory.memberOf(current);
    for (const r of directRoles) roles.add(r);
    for (const g of groups) {
      if (seen.has(g)) continue;
      seen.add(g);
      queue.push(g);
      items.push(renderDirectoryObject(directory.getLive(g)!, options.select));
    }
  }
  for (const roleId of roles) items.push(renderRoleRef(directory.directoryRoles.get(roleId)!));
  return page(request, options, items, (x) => x, { context: 'directoryObjects' });
};

function memberOfItems(directory: Directory, id: string, select?: string[]) {
  const { groups, units, roles } = directory.memberOf(id);
  return [
    ...liveObjects(directory, groups).map((g) => renderDirectoryObject(g, select)),
    ...roles.map((r) => renderRoleRef(directory.directoryRoles.get(r)!)),
    ...liveObjects(directory, units).map((u) => renderDirectoryObject(u, select)),
  ];
}

function renderRoleRef(role: { id: string; displayName: string; description: string; roleTemplateId: string }) {
  return {
    '@odata.type': ODATA_TYPE.directoryRole,
    id: role.id,
    deletedDateTime: null,
    description: role.description,
    displayName: role.displayName,
    roleTemplateId: role.roleTemplateId,
  };
}

export const listOwnedObjects: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const user = directory.requireUser(request.params.id);
  const owned = liveObjects(directory, directory.ownedObjects(user.id));
  return page(request, options, owned, (o) => renderDirectoryObject(o, options.select), { context: 'directoryObjects' });
};

export const listLicenseDetails: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'LicenseDetails');
  const user = directory.requireUser(request.params.id);
  const licenses = (user.props.assignedLicenses as { skuId: string; disabledPlans: string[] }[]) ?? [];
  const items = licenses.map((l) => {
    const sku = directory.skus.get(l.skuId);
    return {
      id: Buffer.from(`${user.id}|${l.skuId}`).toString('base64url'),
      skuId: l.skuId,
      skuPartNumber: sku?.skuPartNumber ?? null,
      servicePlans: (sku?.servicePlans ?? []).map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
        provisioningStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Disabled' : p.provisioningStatus,
        appliesTo: p.appliesTo,
      })),
    };
  });
  return page(request, options, items, (x) => x, { context: `users('${user.id}')/licenseDetails` });
};

export const assignLicense: Operation = (request, { directory }) => {
  const body = bodyObject(request);
  const missing = ['addLicenses', 'removeLicenses'].filter((k) => body[k] === undefined);
  if (missing.length) {
    throw badRequest(
      `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${missing.join(', ')}.`,
    );
  }
  if (!Array.isArray(body.addLicenses) || !Array.isArray(body.removeLicenses)) {
    throw badRequest("Invalid value specified for the parameters of the operation 'assignLicense'.");
  }
  const add = (body.addLicenses as unknown[]).map((l) => {
    const entry = l as { skuId?: unknown; disabledPlans?: unknown };
    if (typeof entry?.skuId !== 'string') throw badRequest("Invalid value specified for property 'skuId' of resource 'AssignedLicense'.");
    const disabled = entry.disabledPlans ?? [];
    if (!Array.isArray(disabled)) throw badRequest("Invalid value specified for property 'disabledPlans' of resource 'AssignedLicense'.");
    return { skuId: entry.skuId, disabledPlans: disabled.map(String) };
  });
  const remove = (body.removeLicenses as unknown[]).map(String);
  const user = directory.assignLicense(request.params.id, add, remove);
  return json(200, { '@odata.context': metadataUrl(request, 'users/$entity'), ...renderUser(user) });
};

export const createTemporaryAccessPass: Operation = (request, { directory }) => {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const user = directory.requireUser(request.params.id);
  const tap = directory.addTemporaryAccessPass(user.id, {
    startDateTime: typeof body.startDateTime === 'string' ? body.startDateTime : undefined,
    lifetimeInMinutes: typeof body.lifetimeInMinutes === 'number' ? body.lifetimeInMinutes : undefined,
    isUsableOnce: typeof body.isUsableOnce === 'boolean' ? body.isUsableOnce : undefined,
  });
  const pass = randomPass();
  return json(201, {
    '@odata.context': metadataUrl(request, `users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`),
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    ...tap,
    temporaryAccessPass: pass,
    ...tapUsability(tap, directory.clock.now()),
  });
};

export const listTemporaryAccessPasses: Operation = (request, { directory }) => {
  const user = directory.requireUser(request.params.id);
  return json(200, {
    '@odata.context': metadataUrl(request, `users('${user.id}')/authentication/temporaryAccessPassMethods`),
    value: (user.temporaryAccessPasses ?? []).map((t) => ({ ...t, temporaryAccessPass: null, ...tapUsability(t, directory.clock.now()) })),
  });
};

/** The pass is returned once, here, and not stored (contract §6.4, W10). */
function randomPass(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+-!';
  let out = '';
  for (let i = 0; i < 8; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `isUsable` / `methodUsabilityReason` of a Temporary Access Pass at a moment (fixture F12: a future start is NotYetValid). */
function tapUsability(tap: { startDateTime: string; lifetimeInMinutes: number }, nowInMs: number) {
  const start = Date.parse(tap.startDateTime);
  if (nowInMs < start) return { isUsable: false, methodUsabilityReason: 'NotYetValid' };
  if (nowInMs >= start + tap.lifetimeInMinutes * 60_000) return { isUsable: false, methodUsabilityReason: 'Expired' };
  return { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
}
