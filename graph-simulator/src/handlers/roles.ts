/** Directory roles (activated roles and their members), role definitions and unified role assignments. */
import { RoleAssignment } from '../model/directory';
import { notFound, unsupportedQuery } from '../model/errors';
import { DIRECTORY_ROLE_PROPERTIES, ROLE_ASSIGNMENT_PROPERTIES, ROLE_DEFINITION_PROPERTIES } from '../model/schema';
import { page, renderDirectoryObject } from '../protocol/collections';
import { assertFilterable, matchesFilter, parseQueryOptions, project } from '../protocol/odata';
import { Operation, OperationRequest, json, metadataUrl, noContent } from '../protocol/operation';
import { bodyObject, liveObjects, referenceFromBody } from './common';

/** `/directoryRoles/{id}` also accepts the alternate key `roleTemplateId={templateId}` (contract §6.4, W6). */
function roleKey(request: OperationRequest): { id?: string; roleTemplateId?: string } {
  const m = /^roleTemplateId=(.+)$/.exec(request.params.roleId);
  return m ? { roleTemplateId: m[1] } : { id: request.params.roleId };
}

export const listDirectoryRoles: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryRole');
  if (options.top !== undefined || options.skipToken !== undefined) {
    throw unsupportedQuery('directoryRoles do not support paging ($top).');
  }
  const roles = [...directory.directoryRoles.values()];
  return page(request, options, roles, (r) => project({ ...r }, options.select, DIRECTORY_ROLE_PROPERTIES, DIRECTORY_ROLE_PROPERTIES, 'directoryRole'), {
    context: 'directoryRoles',
    unpaged: true,
  });
};

export const getDirectoryRole: Operation = (request, { directory }) => {
  const role = directory.requireDirectoryRole(roleKey(request));
  return json(200, { '@odata.context': metadataUrl(request, 'directoryRoles/$entity'), ...role });
};

/** directoryRoles members are not paged (contract §2). */
export const listDirectoryRoleMembers: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const role = directory.requireDirectoryRole(roleKey(request));
  const members = liveObjects(directory, directory.directoryRoleMembers(role.id));
  return page(request, options, members, (m) => renderDirectoryObject(m, options.select), { context: 'directoryObjects', unpaged: true });
};

export const addDirectoryRoleMember: Operation = (request, { directory }) => {
  const role = directory.requireDirectoryRole(roleKey(request));
  directory.createRoleAssignment({ roleDefinitionId: role.roleTemplateId, principalId: referenceFromBody(request), directoryScopeId: '/' });
  return noContent();
};

export const removeDirectoryRoleMember: Operation = (request, { directory }) => {
  const role = directory.requireDirectoryRole(roleKey(request));
  const assignment = directory
    .assignmentsOf(request.params.memberId)
    .find((a) => a.roleDefinitionId === role.roleTemplateId && a.directoryScopeId === '/');
  if (!assignment) throw notFound(request.params.memberId);
  directory.deleteRoleAssignment(assignment.id);
  return noContent();
};

export const listRoleDefinitions: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'UnifiedRoleDefinition');
  if (options.filter) assertFilterable(options.filter, new Set(['id', 'displayName', 'templateId', 'isBuiltIn']), 'UnifiedRoleDefinition');
  const definitions = [...directory.roleDefinitions.values()].filter((d) => !options.filter || matchesFilter(options.filter, { ...d }));
  return page(request, options, definitions, (d) => project({ ...d }, options.select, ROLE_DEFINITION_PROPERTIES, ROLE_DEFINITION_PROPERTIES, 'unifiedRoleDefinition'), {
    context: 'roleManagement/directory/roleDefinitions',
    unpaged: true,
  });
};

export const getRoleDefinition: Operation = (request, { directory }) => {
  const definition = directory.roleDefinitions.get(request.params.id);
  if (!definition) throw notFound(request.params.id);
  return json(200, { '@odata.context': metadataUrl(request, 'roleManagement/directory/roleDefinitions/$entity'), ...definition });
};

/** Graph's documented responses (fixture F12) leave `appScopeId` out unless it is selected. */
const ROLE_ASSIGNMENT_DEFAULT_PROPERTIES = ROLE_ASSIGNMENT_PROPERTIES.filter((p) => p !== 'appScopeId');

function renderAssignment(a: RoleAssignment, select?: string[]) {
  return project({ ...a }, select, ROLE_ASSIGNMENT_DEFAULT_PROPERTIES, ROLE_ASSIGNMENT_PROPERTIES, 'unifiedRoleAssignment');
}

export const listRoleAssignments: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'UnifiedRoleAssignment');
  if (options.filter) assertFilterable(options.filter, new Set(['id', 'principalId', 'roleDefinitionId', 'directoryScopeId']), 'UnifiedRoleAssignment');
  const assignments = directory.liveRoleAssignments().filter((a) => !options.filter || matchesFilter(options.filter, { ...a }));
  return page(request, options, assignments, (a) => renderAssignment(a, options.select), { context: 'roleManagement/directory/roleAssignments' });
};

export const getRoleAssignment: Operation = (request, { directory }) => {
  const assignment = directory.roleAssignments.get(request.params.id);
  if (!assignment || !directory.isLive(assignment.principalId)) throw notFound(request.params.id);
  return json(200, { '@odata.context': metadataUrl(request, 'roleManagement/directory/roleAssignments/$entity'), ...renderAssignment(assignment) });
};

export const createRoleAssignment: Operation = (request, { directory }) => {
  const assignment = directory.createRoleAssignment(bodyObject(request));
  return json(
    201,
    { '@odata.context': metadataUrl(request, 'roleManagement/directory/roleAssignments/$entity'), ...renderAssignment(assignment) },
    { Location: `${request.origin}/v1.0/roleManagement/directory/roleAssignments/${assignment.id}` },
  );
};

export const deleteRoleAssignment: Operation = (request, { directory }) => {
  directory.deleteRoleAssignment(request.params.id);
  return noContent();
};
