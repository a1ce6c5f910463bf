/** Group operations: CRUD (with owners/members bound at creation), members, owners, transitive members. */
import { DirectoryObject, groupKind } from '../model/directory';
import { badRequest, notFound } from '../model/errors';
import { FILTERABLE, GROUP_DEFAULT_PROPERTIES, GROUP_PROPERTIES } from '../model/schema';
import { page, renderDirectoryObject } from '../protocol/collections';
import { parseQueryOptions, project } from '../protocol/odata';
import { Operation, json, metadataUrl, noContent } from '../protocol/operation';
import { bodyObject, listQuery, liveObjects, referenceFromBody, referencedId, selectObjects } from './common';
import { countOf } from './users';

/** At most 20 relationships can be bound when a group is created (contract §6.3). */
const MAX_BINDS_AT_CREATION = 20;

export function renderGroup(group: DirectoryObject, select?: string[]): Record<string, unknown> {
  return project(group.props, select, GROUP_DEFAULT_PROPERTIES, GROUP_PROPERTIES, 'group');
}

export const listGroups: Operation = (request, { directory }) => {
  const options = listQuery(request, 'Group', GROUP_PROPERTIES, FILTERABLE.group);
  const groups = selectObjects(directory.groups(), options);
  return page(request, options, groups, (g) => renderGroup(g, options.select), { context: 'groups' });
};

export const countGroups: Operation = (request, { directory }) => countOf(request, directory.groupCount);

export const getGroup: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'Group');
  const group = directory.requireGroup(request.params.id);
  return json(200, { '@odata.context': metadataUrl(request, 'groups/$entity'), ...renderGroup(group, options.select) });
};

/**
 * `owners@odata.bind` / `members@odata.bind` are validated before anything is created: any bad reference fails the
 * whole request and nothing is written.
 */
export const createGroup: Operation = (request, { directory }) => {
  const body = { ...bodyObject(request) };
  const binds: Record<'owners' | 'members', string[]> = { owners: [], members: [] };
  for (const relationship of ['owners', 'members'] as const) {
    const key = `${relationship}@odata.bind`;
    if (body[key] === undefined) continue;
    if (!Array.isArray(body[key])) throw badRequest(`Invalid value specified for ${key}.`);
    binds[relationship] = (body[key] as unknown[]).map((v) => referencedId(v, relationship));
    delete body[key];
  }
  if (binds.owners.length + binds.members.length > MAX_BINDS_AT_CREATION) {
    throw badRequest(`A maximum of ${MAX_BINDS_AT_CREATION} relationships can be added when a group is created.`);
  }
  for (const id of [...binds.owners, ...binds.members]) if (!directory.isLive(id)) throw notFound(id);
  for (const id of binds.owners) if (!directory.getUser(id)) throw notFound(id);
  const isUnified = Array.isArray(body.groupTypes) && (body.groupTypes as unknown[]).includes('Unified');
  for (const id of binds.members) {
    if (isUnified && !directory.getUser(id)) throw badRequest('Microsoft 365 groups can have only users as members.');
  }
  const group = directory.createGroup(body);
  for (const id of binds.owners) directory.addOwner(group.id, id);
  for (const id of binds.members) directory.addMember(group.id, id);
  return json(
    201,
    { '@odata.context': metadataUrl(request, 'groups/$entity'), ...renderGroup(group) },
    { Location: `${request.origin}/v2/${directory.tenantId}/directoryObjects/${group.id}/Microsoft.DirectoryServices.Group` },
  );
};

/** PATCH may carry `members@odata.bind` (≤ 20): all are added or none (contract §6.4). */
export const updateGroup: Operation = (request, { directory }) => {
  const body = { ...bodyObject(request) };
  const bind = body['members@odata.bind'];
  delete body['members@odata.bind'];
  let members: string[] = [];
  if (bind !== undefined) {
    if (!Array.isArray(bind) || bind.length > MAX_BINDS_AT_CREATION) throw badRequest('Invalid value specified for members@odata.bind.');
    members = bind.map((v) => referencedId(v));
    for (const id of members) {
      if (!directory.isLive(id)) throw notFound(id);
      if (directory.members.has(request.params.id, id)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
      }
    }
    const group = directory.requireGroup(request.params.id);
    if (groupKind(group.props) === 'unified' && members.some((id) => !directory.getUser(id))) {
      throw badRequest('Microsoft 365 groups can have only users as members.');
    }
  }
  if (Object.keys(body).length) directory.updateGroup(request.params.id, body);
  else directory.requireGroup(request.params.id);
  for (const id of members) directory.addMember(request.params.id, id);
  return noContent();
};

export const deleteGroup: Operation = (request, { directory }) => {
  directory.deleteGroup(request.params.id);
  return noContent();
};

export const listMembers: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const group = directory.requireGroup(request.params.id);
  const members = liveObjects(directory, directory.groupMembers(group.id));
  return page(request, options, members, (m) => renderDirectoryObject(m, options.select), { context: 'directoryObjects' });
};

export const listTransitiveMembers: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const group = directory.requireGroup(request.params.id);
  const seen = new Set<string>([group.id]);
  const out: DirectoryObject[] = [];
  const queue = [group.id];
  while (queue.length) {
    for (const id of directory.groupMembers(queue.shift()!)) {
      if (seen.has(id)) continue;
      seen.add(id);
      const object = directory.getLive(id)!;
      out.push(object);
      if (object.kind === 'group') queue.push(id);
    }
  }
  return page(request, options, out, (m) => renderDirectoryObject(m, options.select), { context: 'directoryObjects' });
};

export const addMember: Operation = (request, { directory }) => {
  directory.addMember(request.params.id, referenceFromBody(request));
  return noContent();
};

export const removeMember: Operation = (request, { directory }) => {
  directory.removeMember(request.params.id, request.params.memberId);
  return noContent();
};

export const listOwners: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const group = directory.requireGroup(request.params.id);
  const owners = liveObjects(directory, directory.groupOwners(group.id));
  return page(request, options, owners, (m) => renderDirectoryObject(m, options.select), { context: 'directoryObjects' });
};

export const addOwner: Operation = (request, { directory }) => {
  directory.addOwner(request.params.id, referenceFromBody(request, 'owners'));
  return noContent();
};

export const removeOwner: Operation = (request, { directory }) => {
  directory.removeOwner(request.params.id, request.params.memberId);
  return noContent();
};
