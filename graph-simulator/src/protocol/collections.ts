/**
 * Server-driven paging (contract §2): a page holds `$top` items (default 100, max 999); when more remain the
 * response carries an absolute `@odata.nextLink` that repeats the query with a `$skiptoken`. `@odata.count`
 * appears on the first page only. The skip token is opaque to clients; here it encodes an offset.
 */
import { DirectoryObject } from '../model/directory';
import { badRequest } from '../model/errors';
import {
  ADMINISTRATIVE_UNIT_PROPERTIES,
  GROUP_DEFAULT_PROPERTIES,
  GROUP_PROPERTIES,
  ODATA_TYPE,
  USER_DEFAULT_PROPERTIES,
  USER_PROPERTIES,
} from '../model/schema';
import { DEFAULT_PAGE_SIZE, QueryOptions, project } from './odata';
import { OperationRequest, OperationResult, json, metadataUrl } from './operation';

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw badRequest(`Invalid value '${token}' for $skiptoken.`);
}

export interface PageOptions {
  /** `@odata.context` fragment, e.g. `users` or `directoryObjects`. */
  context: string;
  defaultPageSize?: number;
  /** Resources such as directoryRoles do not page at all (contract §2). */
  unpaged?: boolean;
}

export function page<T>(
  request: OperationRequest,
  options: QueryOptions,
  items: readonly T[],
  render: (item: T) => Record<string, unknown>,
  pageOptions: PageOptions,
): OperationResult {
  const offset = options.skipToken ? decodeSkipToken(options.skipToken) : 0;
  const size = pageOptions.unpaged ? items.length : options.top ?? pageOptions.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  const slice = items.slice(offset, offset + size);
  const context = options.select
    ? `${pageOptions.context}(${options.select.join(',')})`
    : pageOptions.context;
  const body: Record<string, unknown> = { '@odata.context': metadataUrl(request, context) };
  if (options.count && offset === 0) body['@odata.count'] = items.length;
  if (offset + size < items.length) body['@odata.nextLink'] = nextLink(request, offset + size);
  body.value = slice.map(render);
  return json(200, body);
}

function nextLink(request: OperationRequest, offset: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of request.query) {
    if (key !== '$skiptoken' && key !== '$count') query.set(key, value);
  }
  query.set('$skiptoken', encodeSkipToken(offset));
  return `${request.origin}/v1.0${request.path}?${decodeODataKeys(query.toString())}`;
}

/** Keeps `$` readable in generated links, as Graph's own links do. */
export function decodeODataKeys(query: string): string {
  return query.replace(/%24/g, '$');
}

/** A directory object as it appears in a mixed collection (members, memberOf, deletedItems). */
export function renderDirectoryObject(object: DirectoryObject, select: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': ODATA_TYPE[object.kind] };
  if (object.kind === 'user') {
    Object.assign(out, projectLenient(object.props, select, USER_DEFAULT_PROPERTIES, USER_PROPERTIES));
  } else if (object.kind === 'group') {
    Object.assign(out, projectLenient(object.props, select, GROUP_DEFAULT_PROPERTIES, GROUP_PROPERTIES));
  } else {
    Object.assign(out, projectLenient(object.props, select, ADMINISTRATIVE_UNIT_PROPERTIES, ADMINISTRATIVE_UNIT_PROPERTIES));
  }
  return out;
}

/**
 * In mixed collections a `$select` may name a property one type lacks (e.g. `userPrincipalName` on a group
 * member); Graph then omits it for that object rather than failing.
 */
function projectLenient(
  props: Record<string, unknown>,
  select: string[] | undefined,
  defaults: readonly string[],
  known: readonly string[],
): Record<string, unknown> {
  if (!select) return project(props, undefined, defaults, known, '');
  return project(props, select.filter((k) => known.includes(k)), defaults, known, '');
}
