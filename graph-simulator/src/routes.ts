/**
 * The simulator's whole Graph surface, as data: method, path pattern below /v1.0, and the operation.
 * `{name}` segments are parameters; literal segments match case-insensitively, as Graph's do.
 */
import * as units from './handlers/administrative-units';
import * as objects from './handlers/directory-objects';
import * as groups from './handlers/groups';
import * as roles from './handlers/roles';
import * as users from './handlers/users';
import { deltaOperation } from './protocol/delta';
import { Operation } from './protocol/operation';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  operation: Operation;
}

export const routes: readonly Route[] = [
  { method: 'GET', path: '/users', operation: users.listUsers },
  { method: 'POST', path: '/users', operation: users.createUser },
  { method: 'GET', path: '/users/$count', operation: users.countUsers },
  { method: 'GET', path: '/users/delta', operation: deltaOperation('users') },
  { method: 'GET', path: '/users/{id}', operation: users.getUser },
  { method: 'PATCH', path: '/users/{id}', operation: users.updateUser },
  { method: 'DELETE', path: '/users/{id}', operation: users.deleteUser },
  { method: 'GET', path: '/users/{id}/manager', operation: users.getManager },
  { method: 'PUT', path: '/users/{id}/manager/$ref', operation: users.setManager },
  { method: 'DELETE', path: '/users/{id}/manager/$ref', operation: users.removeManager },
  { method: 'GET', path: '/users/{id}/directReports', operation: users.listDirectReports },
  { method: 'GET', path: '/users/{id}/memberOf', operation: users.listMemberOf },
  { method: 'GET', path: '/users/{id}/transitiveMemberOf', operation: users.listTransitiveMemberOf },
  { method: 'GET', path: '/users/{id}/ownedObjects', operation: users.listOwnedObjects },
  { method: 'GET', path: '/users/{id}/licenseDetails', operation: users.listLicenseDetails },
  { method: 'POST', path: '/users/{id}/assignLicense', operation: users.assignLicense },
  { method: 'GET', path: '/users/{id}/authentication/temporaryAccessPassMethods', operation: users.listTemporaryAccessPasses },
  { method: 'POST', path: '/users/{id}/authentication/temporaryAccessPassMethods', operation: users.createTemporaryAccessPass },

  { method: 'GET', path: '/groups', operation: groups.listGroups },
  { method: 'POST', path: '/groups', operation: groups.createGroup },
  { method: 'GET', path: '/groups/$count', operation: groups.countGroups },
  { method: 'GET', path: '/groups/delta', operation: deltaOperation('groups') },
  { method: 'GET', path: '/groups/{id}', operation: groups.getGroup },
  { method: 'PATCH', path: '/groups/{id}', operation: groups.updateGroup },
  { method: 'DELETE', path: '/groups/{id}', operation: groups.deleteGroup },
  { method: 'GET', path: '/groups/{id}/members', operation: groups.listMembers },
  { method: 'POST', path: '/groups/{id}/members/$ref', operation: groups.addMember },
  { method: 'DELETE', path: '/groups/{id}/members/{memberId}/$ref', operation: groups.removeMember },
  { method: 'GET', path: '/groups/{id}/transitiveMembers', operation: groups.listTransitiveMembers },
  { method: 'GET', path: '/groups/{id}/owners', operation: groups.listOwners },
  { method: 'POST', path: '/groups/{id}/owners/$ref', operation: groups.addOwner },
  { method: 'DELETE', path: '/groups/{id}/owners/{memberId}/$ref', operation: groups.removeOwner },
  { method: 'GET', path: '/groups/{id}/memberOf', operation: users.listMemberOf },

  { method: 'GET', path: '/directoryRoles', operation: roles.listDirectoryRoles },
  { method: 'GET', path: '/directoryRoles/{roleId}', operation: roles.getDirectoryRole },
  { method: 'GET', path: '/directoryRoles/{roleId}/members', operation: roles.listDirectoryRoleMembers },
  { method: 'POST', path: '/directoryRoles/{roleId}/members/$ref', operation: roles.addDirectoryRoleMember },
  { method: 'DELETE', path: '/directoryRoles/{roleId}/members/{memberId}/$ref', operation: roles.removeDirectoryRoleMember },
  { method: 'GET', path: '/roleManagement/directory/roleDefinitions', operation: roles.listRoleDefinitions },
  { method: 'GET', path: '/roleManagement/directory/roleDefinitions/{id}', operation: roles.getRoleDefinition },
  { method: 'GET', path: '/roleManagement/directory/roleAssignments', operation: roles.listRoleAssignments },
  { method: 'POST', path: '/roleManagement/directory/roleAssignments', operation: roles.createRoleAssignment },
  { method: 'GET', path: '/roleManagement/directory/roleAssignments/{id}', operation: roles.getRoleAssignment },
  { method: 'DELETE', path: '/roleManagement/directory/roleAssignments/{id}', operation: roles.deleteRoleAssignment },

  { method: 'GET', path: '/directory/administrativeUnits', operation: units.listAdministrativeUnits },
  { method: 'POST', path: '/directory/administrativeUnits', operation: units.createAdministrativeUnit },
  { method: 'GET', path: '/directory/administrativeUnits/{id}', operation: units.getAdministrativeUnit },
  { method: 'PATCH', path: '/directory/administrativeUnits/{id}', operation: units.updateAdministrativeUnit },
  { method: 'DELETE', path: '/directory/administrativeUnits/{id}', operation: units.deleteAdministrativeUnit },
  { method: 'GET', path: '/directory/administrativeUnits/{id}/members', operation: units.listAdministrativeUnitMembers },
  { method: 'POST', path: '/directory/administrativeUnits/{id}/members/$ref', operation: units.addAdministrativeUnitMember },
  { method: 'DELETE', path: '/directory/administrativeUnits/{id}/members/{memberId}/$ref', operation: units.removeAdministrativeUnitMember },

  { method: 'GET', path: '/directory/deletedItems', operation: objects.listDeletedItemsWithoutCast },
  { method: 'GET', path: '/directory/deletedItems/{cast}', operation: objects.listDeletedItems },
  { method: 'GET', path: '/directory/deletedItems/{id}', operation: objects.getDeletedItem },
  { method: 'POST', path: '/directory/deletedItems/{id}/restore', operation: objects.restoreDeletedItem },
  { method: 'DELETE', path: '/directory/deletedItems/{id}', operation: objects.purgeDeletedItem },
  { method: 'GET', path: '/directoryObjects/{id}', operation: objects.getDirectoryObject },
  { method: 'POST', path: '/directoryObjects/getByIds', operation: objects.getDirectoryObjectsByIds },
  { method: 'GET', path: '/subscribedSkus', operation: objects.listSubscribedSkus },
  { method: 'GET', path: '/organization', operation: objects.listOrganization },
];
