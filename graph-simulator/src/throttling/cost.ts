/**
 * What one identity & access request costs (contract §1.3): a base cost in resource units (RU) looked up by
 * method and route template, then the query modifiers, floored at 1 RU; and a write cost of 1 for every request
 * that changes the directory (link writes such as `POST …/members/$ref` included), 0 otherwise.
 *
 * Algorithm: normalise the route (lower case, parameters as `{id}`, `users/{id}/…` as `me/…`), look the
 * (method, route) pair up in the documented table, fall back to the documented default for the method, then add
 * the modifiers and apply the floor once, to the final sum.
 */

export interface CostedRequest {
  method: string;
  /** Route template below `/v1.0`, parameters written as `{id}`, e.g. `/groups/{id}/members/$ref`. */
  route: string;
  hasSelect: boolean;
  hasExpand: boolean;
  top?: number;
}

export interface RequestCost {
  resourceUnits: number;
  writes: number;
}

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * GET rows of the base-cost table (contract §1.3 [T1]); keys are normalised routes. Every `me/…` row also
 * stands for `users/{id}/…` (contract §1.3), which `normalise` maps onto `me/…`.
 */
const READ_COSTS: ReadonlyMap<string, number> = new Map([
  ['/users', 2],
  ['/groups/{id}/members', 3],
  ['/groups/{id}/transitivemembers', 5],
  ['/me/memberof', 2],
  ['/me/transitivememberof', 2],
  ['/me/ownedobjects', 2],
  ['/me/licensedetails', 2],
  ['/subscribedskus', 3],
  ['/contracts', 3],
  ['/applications', 2],
  ['/applications/{id}/extensionproperties', 2],
  ['/oauth2permissiongrants', 2],
  ['/oauth2permissiongrants/{id}', 2],
  ['/serviceprincipals/{id}/approleassignments', 2],
  ['/domains/{id}/domainnamereferences', 4],
]);

/** POST actions in the base-cost table that read the directory: listed RU, write cost 0 (contract §1.3 [T1]). */
const READ_ACTION_COSTS: ReadonlyMap<string, number> = new Map([
  ['/me/getmembergroups', 2],
  ['/me/getmemberobjects', 2],
  ['/me/checkmembergroups', 4],
  ['/me/checkmemberobjects', 4],
  ['/directoryobjects/getbyids', 5],
]);

/** `directoryObjects/getByIds` costs 5 RU, or 2 RU with `$select` — a row of its own, not 5 − 1 (contract §1.3). */
const GET_BY_IDS = '/directoryobjects/getbyids';
const GET_BY_IDS_WITH_SELECT = 2;

/** "Any requests not listed have a base cost of 1" (contract §1.3 [T1]). */
const UNLISTED_COST = 1;

/** `$top` below this value takes 1 RU off (contract §1.3 modifiers). */
const SMALL_TOP = 20;

/** "cost never below 1" (contract §1.3 modifiers). */
const MINIMUM_COST = 1;

/**
 * The RU and write cost of one request (contract §1.3). Choices where the contract is silent:
 * - Routes absent from the table cost the documented default, 1 RU, whatever their shape. That covers
 *   `/users/{id}` (the worked example `GET /users/{id}?$expand=manager` = 2 confirms 1 + 1), `/users/delta` and
 *   `/groups/delta` (contract §1.3 "Delta costs", INFERENCE), `/users/$count`, `/groups/{id}/owners`,
 *   `/directoryRoles/{id}/members` and `/directory/administrativeUnits/{id}/members` (no row, so not priced like
 *   `groups/{id}/members`), and `/groups/{id}/memberOf` (the `me/` equivalence is stated for `users/{id}/` only).
 * - Every POST/PATCH/PUT/DELETE outside the read actions is a write: 1 RU and 1 write ("any other identity path"
 *   row), including `$ref` link writes (worked example `POST /groups/{id}/members/$ref` = 1 RU + 1 write),
 *   `assignLicense`, restoring a deleted item and purging one.
 * - Modifiers apply to every request, writes included, and the floor of 1 RU applies to their sum, so
 *   `GET /groups?$select&$expand` = 1 − 1 + 1 = 1.
 * - A `top` that is not a finite number changes nothing; the operation rejects such a `$top` itself.
 * - The B2C user-creation surcharge (+4) is not modelled: the simulated tenant is a workforce tenant.
 */
export function resourceUnitCost(request: CostedRequest): RequestCost {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && !WRITE_METHODS.has(method)) {
    throw new RangeError(`resourceUnitCost: unsupported method '${request.method}'; expected GET, POST, PATCH, PUT or DELETE`);
  }
  if (!request.route.startsWith('/')) {
    throw new RangeError(`resourceUnitCost: route must be a template starting with '/', got '${request.route}'`);
  }
  const route = normalise(request.route);
  const readAction = method === 'POST' ? READ_ACTION_COSTS.get(route) : undefined;
  const selectPricedInRow = readAction !== undefined && route === GET_BY_IDS && request.hasSelect;
  let resourceUnits: number;
  let writes: number;
  if (method === 'GET') {
    resourceUnits = READ_COSTS.get(route) ?? UNLISTED_COST;
    writes = 0;
  } else if (readAction !== undefined) {
    resourceUnits = selectPricedInRow ? GET_BY_IDS_WITH_SELECT : readAction;
    writes = 0;
  } else {
    resourceUnits = UNLISTED_COST;
    writes = 1;
  }
  if (request.hasSelect && !selectPricedInRow) resourceUnits -= 1;
  if (request.hasExpand) resourceUnits += 1;
  if (request.top !== undefined && Number.isFinite(request.top) && request.top < SMALL_TOP) resourceUnits -= 1;
  return { resourceUnits: Math.max(MINIMUM_COST, resourceUnits), writes };
}

/** Lower case (Graph's literal segments are case-insensitive), any `{param}` as `{id}`, `users/{id}/…` as `me/…`. */
function normalise(route: string): string {
  return route
    .replace(/\{[^}]*\}/g, '{id}')
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/^\/users\/\{id\}(?=\/)/, '/me');
}
