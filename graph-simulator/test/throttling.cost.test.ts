import { routes } from '../src/routes';
import { resourceUnitCost } from '../src/throttling/cost';

const plain = { hasSelect: false, hasExpand: false };

describe('resourceUnitCost base table (contract §1.3)', () => {
  it.each([
    ['GET', '/users', 2, 0],
    ['GET', '/users/{id}', 1, 0],
    ['GET', '/users/$count', 1, 0],
    ['GET', '/users/delta', 1, 0],
    ['GET', '/users/{id}/manager', 1, 0],
    ['GET', '/users/{id}/directReports', 1, 0],
    ['GET', '/users/{id}/memberOf', 2, 0],
    ['GET', '/users/{id}/transitiveMemberOf', 2, 0],
    ['GET', '/users/{id}/ownedObjects', 2, 0],
    ['GET', '/users/{id}/licenseDetails', 2, 0],
    ['GET', '/me/memberOf', 2, 0],
    ['GET', '/groups', 1, 0],
    ['GET', '/groups/delta', 1, 0],
    ['GET', '/groups/{id}', 1, 0],
    ['GET', '/groups/{id}/members', 3, 0],
    ['GET', '/groups/{id}/transitiveMembers', 5, 0],
    ['GET', '/groups/{id}/owners', 1, 0],
    ['GET', '/groups/{id}/memberOf', 1, 0],
    ['GET', '/directoryRoles/{id}/members', 1, 0],
    ['GET', '/roleManagement/directory/roleAssignments', 1, 0],
    ['GET', '/directory/administrativeUnits/{id}/members', 1, 0],
    ['GET', '/directory/deletedItems/{id}', 1, 0],
    ['GET', '/subscribedSkus', 3, 0],
    ['GET', '/organization', 1, 0],
    ['GET', '/applications', 2, 0],
    ['GET', '/domains/{id}/domainNameReferences', 4, 0],
    ['POST', '/directoryObjects/getByIds', 5, 0],
    ['POST', '/users/{id}/getMemberGroups', 2, 0],
    ['POST', '/users/{id}/checkMemberGroups', 4, 0],
    ['POST', '/users', 1, 1],
    ['PATCH', '/users/{id}', 1, 1],
    ['DELETE', '/users/{id}', 1, 1],
    ['PUT', '/users/{id}/manager/$ref', 1, 1],
    ['DELETE', '/users/{id}/manager/$ref', 1, 1],
    ['POST', '/users/{id}/assignLicense', 1, 1],
    ['POST', '/groups/{id}/members/$ref', 1, 1],
    ['DELETE', '/groups/{id}/members/{id}/$ref', 1, 1],
    ['POST', '/directoryRoles/{id}/members/$ref', 1, 1],
    ['POST', '/roleManagement/directory/roleAssignments', 1, 1],
    ['POST', '/directory/deletedItems/{id}/restore', 1, 1],
    ['DELETE', '/directory/deletedItems/{id}', 1, 1],
  ])('When %s %s, then it costs %i RU and %i writes', (method, route, resourceUnits, writes) => {
    expect(resourceUnitCost({ method, route, ...plain })).toEqual({ resourceUnits, writes });
  });

  it('When the route template keeps its own parameter names and case, then it is priced like the {id} form', () => {
    expect(resourceUnitCost({ method: 'get', route: '/Groups/{groupId}/Members/', ...plain })).toEqual({ resourceUnits: 3, writes: 0 });
  });
});

describe('resourceUnitCost modifiers (contract §1.3)', () => {
  it.each([
    ['GET /users?$select', 1, { method: 'GET', route: '/users', hasSelect: true, hasExpand: false }],
    ['GET /users?$select&$top=999 (worked example)', 1, { method: 'GET', route: '/users', hasSelect: true, hasExpand: false, top: 999 }],
    ['GET /users?$top=19', 1, { method: 'GET', route: '/users', hasSelect: false, hasExpand: false, top: 19 }],
    ['GET /users?$top=20', 2, { method: 'GET', route: '/users', hasSelect: false, hasExpand: false, top: 20 }],
    ['GET /users?$expand', 3, { method: 'GET', route: '/users', hasSelect: false, hasExpand: true }],
    ['GET /users/{id}?$expand=manager (worked example)', 2, { method: 'GET', route: '/users/{id}', hasSelect: false, hasExpand: true }],
    ['GET /groups/{id}/members?$select=id (worked example)', 2, { method: 'GET', route: '/groups/{id}/members', hasSelect: true, hasExpand: false }],
    ['GET /groups/{id}/transitiveMembers?$select&$expand&$top=5', 4, { method: 'GET', route: '/groups/{id}/transitiveMembers', hasSelect: true, hasExpand: true, top: 5 }],
    ['GET /groups?$select (floor)', 1, { method: 'GET', route: '/groups', hasSelect: true, hasExpand: false }],
    ['GET /users?$select&$top=5 (floor)', 1, { method: 'GET', route: '/users', hasSelect: true, hasExpand: false, top: 5 }],
    ['GET /groups?$select&$expand (floor applies to the sum)', 1, { method: 'GET', route: '/groups', hasSelect: true, hasExpand: true }],
    ['GET /users?$top=NaN (ignored)', 2, { method: 'GET', route: '/users', hasSelect: false, hasExpand: false, top: Number.NaN }],
    ['POST /directoryObjects/getByIds?$select (own row, 2)', 2, { method: 'POST', route: '/directoryObjects/getByIds', hasSelect: true, hasExpand: false }],
    ['POST /groups/{id}/members/$ref?$expand', 2, { method: 'POST', route: '/groups/{id}/members/$ref', hasSelect: false, hasExpand: true }],
  ])('When %s, then it costs %i RU', (_title, resourceUnits, request) => {
    expect(resourceUnitCost(request).resourceUnits).toBe(resourceUnits);
  });
});

describe('resourceUnitCost input checks', () => {
  it('When the method is not one Graph routes, then it throws naming the allowed methods', () => {
    expect(() => resourceUnitCost({ method: 'HEAD', route: '/users', ...plain })).toThrow(
      "resourceUnitCost: unsupported method 'HEAD'; expected GET, POST, PATCH, PUT or DELETE",
    );
  });

  it('When the route is not a template starting with a slash, then it throws', () => {
    expect(() => resourceUnitCost({ method: 'GET', route: 'users', ...plain })).toThrow(RangeError);
  });
});

describe('resourceUnitCost over the simulator route table', () => {
  const asTemplate = (path: string) => path.replace(/\{[^}]+\}/g, '{id}');

  it.each(routes.filter((r) => r.method !== 'GET' && r.path !== '/directoryObjects/getByIds').map((r) => [r.method, r.path]))(
    'When %s %s changes the directory, then it costs 1 RU and 1 write',
    (method, path) => {
      expect(resourceUnitCost({ method, route: asTemplate(path), ...plain })).toEqual({ resourceUnits: 1, writes: 1 });
    },
  );

  it.each(routes.filter((r) => r.method === 'GET').map((r) => [r.method, r.path]))('When %s %s reads, then it costs no write', (method, path) => {
    expect(resourceUnitCost({ method, route: asTemplate(path), ...plain }).writes).toBe(0);
  });
});
