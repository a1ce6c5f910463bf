/** Request parsing shared by the handlers: bodies, `@odata.id` references, list queries. */
import { Directory, DirectoryObject, isGuid } from '../model/directory';
import { badRequest, unsupportedQuery } from '../model/errors';
import { QueryOptions, assertFilterable, assertSelectable, matchesFilter, parseQueryOptions } from '../protocol/odata';
import { OperationRequest } from '../protocol/operation';

export function bodyObject(request: OperationRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  return body as Record<string, unknown>;
}

/**
 * The object id in a `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` reference.
 * Graph accepts `directoryObjects/`, `users/` or `groups/` URLs; the id is the last segment.
 */
export function referencedId(value: unknown, relationship = 'members'): string {
  if (typeof value !== 'string') {
    throw badRequest(`Invalid URL format specified in @odata.id for ${relationship}.`);
  }
  const m = /\/(?:directoryObjects|users|groups|servicePrincipals|contacts|devices)\/([^/?#]+)\/?$/i.exec(value);
  if (!m || !isGuid(m[1])) throw badRequest(`Invalid URL format specified in @odata.id for ${relationship}.`);
  return m[1].toLowerCase();
}

export function referenceFromBody(request: OperationRequest, relationship = 'members'): string {
  return referencedId(bodyObject(request)['@odata.id'], relationship);
}

export function listQuery(
  request: OperationRequest,
  typeName: string,
  known: readonly string[],
  filterable: ReadonlySet<string>,
): QueryOptions {
  const options = parseQueryOptions(request.query, request.headers, typeName);
  assertSelectable(options.select, known, typeName.charAt(0).toLowerCase() + typeName.slice(1), new Set(['passwordProfile']));
  if (options.filter) assertFilterable(options.filter, filterable, typeName);
  return options;
}

const ORDERABLE = new Set(['displayName', 'userPrincipalName', 'deletedDateTime', 'createdDateTime']);

/** Filters and orders a list of objects; `$orderby` together with `$filter` is an advanced query (contract §2). */
export function selectObjects(objects: Iterable<DirectoryObject>, options: QueryOptions): DirectoryObject[] {
  const out: DirectoryObject[] = [];
  for (const object of objects) {
    if (!options.filter || matchesFilter(options.filter, object.props)) out.push(object);
  }
  if (options.orderBy) {
    const { property, descending } = options.orderBy;
    if (!ORDERABLE.has(property)) throw unsupportedQuery(`Sorting by '${property}' is not supported.`);
    if ((options.filter || property === 'deletedDateTime') && !options.advanced) {
      throw unsupportedQuery(
        `Sorting with '${property}'${options.filter ? ' together with $filter' : ''} needs an advanced query: add $count=true and the ConsistencyLevel: eventual header.`,
      );
    }
    out.sort((a, b) => {
      const x = String(a.props[property] ?? '').toLowerCase();
      const y = String(b.props[property] ?? '').toLowerCase();
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
  }
  return out;
}

export function liveObjects(directory: Directory, ids: readonly string[]): DirectoryObject[] {
  const out: DirectoryObject[] = [];
  for (const id of ids) {
    const object = directory.getLive(id);
    if (object) out.push(object);
  }
  return out;
}

/** `$expand` on directory relationships (here only `manager`) — other expansions are refused explicitly. */
export function expandsManager(options: QueryOptions): boolean {
  if (!options.expand) return false;
  for (const e of options.expand) {
    if (e !== 'manager') throw badRequest(`Expanding '${e}' is not supported by this simulator (only 'manager').`);
  }
  return true;
}
