/**
 * Delta queries for users and groups (contract §3).
 *
 * A round starts with `GET /users/delta` (initial: every object that exists now) or with a deltaLink's
 * `$deltatoken` (incremental: what changed since the token's version). It is served as pages that each hold at
 * most {@link DELTA_PAGE_OBJECTS} objects and {@link DELTA_PAGE_LINKS} relationship entries; a large group's
 * `members@delta` is split across pages, the group repeated on each. Every page but the last has an
 * `@odata.nextLink` (`$skiptoken`); the last has an `@odata.deltaLink` (`$deltatoken`) and never both.
 *
 * Delta tokens are stateless: they encode the directory version at the start of the round, the `$select`, the
 * tenant generation and the issue time. They expire after 7 days on the simulator clock (400 syncStateNotFound),
 * and a tenant reset (new generation) answers 410 Gone with a Location for a full resync. Skip tokens point into
 * a round kept server-side (the object list is fixed when the round starts; representations are read when a page
 * is served, so an object changed mid-round shows its newest state and shows up again next round: a replay, which
 * the contract allows).
 */
import { randomUUID } from 'node:crypto';
import { DAY_IN_MS } from '../model/clock';
import { Directory, DirectoryObject, LinkEvent, ObjectKind } from '../model/directory';
import { DirectoryError, badRequest, unsupportedQuery } from '../model/errors';
import {
  GROUP_DEFAULT_PROPERTIES,
  GROUP_DELTA_NAVIGATION,
  GROUP_PROPERTIES,
  ODATA_TYPE,
  USER_DEFAULT_PROPERTIES,
  USER_DELTA_NAVIGATION,
  USER_PROPERTIES,
} from '../model/schema';
import { decodeODataKeys } from './collections';
import { project } from './odata';
import { OperationRequest, OperationResult, json, metadataUrl } from './operation';

export const DELTA_PAGE_OBJECTS = 200;
export const DELTA_PAGE_LINKS = 1000;
export const DELTA_TOKEN_LIFETIME_IN_MS = 7 * DAY_IN_MS;
const MAX_ROUNDS_KEPT = 256;
const MAX_FILTER_IDS = 50;

type DeltaResource = 'users' | 'groups';

interface DeltaTokenState {
  resource: DeltaResource;
  version: number;
  select: string[] | null;
  generation: string;
  issuedAt: number;
}

interface LinkChange {
  id: string;
  type: string;
  removed: boolean;
}

interface RoundEntry {
  id: string;
  /** Set for objects that left: soft delete ('changed') or permanent delete ('deleted'). */
  removed?: 'changed' | 'deleted';
  /** Incremental group rounds: only the links that changed; undefined means "all current links". */
  memberChanges?: LinkChange[];
  ownerChanges?: LinkChange[];
}

interface Round {
  id: string;
  resource: DeltaResource;
  select: string[] | null;
  entries: RoundEntry[];
  /** Directory version at the start of the round: the next deltaLink's version. */
  version: number;
  /** Version the round reports changes since (0 for an initial round). */
  sinceVersion: number;
  createdAt: number;
}

interface Cursor {
  round: string;
  entry: number;
  link: number;
}

/** Rounds in progress, keyed by id; the oldest are dropped past {@link MAX_ROUNDS_KEPT}. */
export class DeltaSessions {
  private readonly rounds = new Map<string, Round>();

  add(round: Round): void {
    this.rounds.set(round.id, round);
    while (this.rounds.size > MAX_ROUNDS_KEPT) {
      const oldest = this.rounds.keys().next().value as string;
      this.rounds.delete(oldest);
    }
  }

  get(id: string): Round | undefined {
    return this.rounds.get(id);
  }

  clear(): void {
    this.rounds.clear();
  }
}

export function deltaOperation(resource: DeltaResource) {
  return (request: OperationRequest, context: { directory: Directory; deltaSessions: DeltaSessions }): OperationResult => {
    const { directory, deltaSessions } = context;
    for (const unsupported of ['$expand', '$top', '$orderby', '$count', '$search']) {
      if (request.query.has(unsupported)) {
        throw unsupportedQuery(`The query parameter '${unsupported}' is not supported with change tracking over the '${resource}' resource.`);
      }
    }
    const skipToken = request.query.get('$skiptoken');
    if (skipToken !== null) {
      const cursor = decodeCursor(skipToken);
      const round = deltaSessions.get(cursor.round);
      if (!round || round.resource !== resource) throw syncStateNotFound();
      return servePage(request, directory, round, cursor);
    }
    const deltaToken = request.query.get('$deltatoken');
    if (deltaToken === 'latest') {
      const select = parseDeltaSelect(request.query.get('$select'), resource);
      return json(200, {
        '@odata.context': metadataUrl(request, resource),
        '@odata.deltaLink': deltaLink(request, resource, {
          resource,
          version: directory.version,
          select,
          generation: directory.generation,
          issuedAt: directory.clock.now(),
        }),
        value: [],
      });
    }
    let state: DeltaTokenState;
    if (deltaToken !== null) {
      state = decodeDeltaToken(deltaToken, resource);
      if (state.generation !== directory.generation) {
        throw new DirectoryError(410, 'resyncRequired', 'The delta token is no longer valid; start a full synchronization.', undefined, {
          Location: `${request.origin}/v1.0/${resource}/delta?$deltatoken=`,
        });
      }
      if (directory.clock.now() - state.issuedAt > DELTA_TOKEN_LIFETIME_IN_MS) throw syncStateNotFound();
      if (request.query.has('$select')) {
        state.select = parseDeltaSelect(request.query.get('$select'), resource);
      }
    } else {
      state = {
        resource,
        version: 0,
        select: parseDeltaSelect(request.query.get('$select'), resource),
        generation: directory.generation,
        issuedAt: directory.clock.now(),
      };
    }
    const ids = parseIdFilter(request.query.get('$filter'));
    const round: Round = {
      id: randomUUID(),
      resource,
      select: state.select,
      entries: collectEntries(directory, resource, state, ids),
      version: directory.version,
      sinceVersion: state.version,
      createdAt: directory.clock.now(),
    };
    deltaSessions.add(round);
    return servePage(request, directory, round, { round: round.id, entry: 0, link: 0 });
  };
}

function syncStateNotFound(): DirectoryError {
  return new DirectoryError(400, 'syncStateNotFound', 'The sync state has expired or is not found; start a full synchronization.');
}

function parseDeltaSelect(select: string | null, resource: DeltaResource): string[] | null {
  if (select === null) return null;
  const known: readonly string[] = resource === 'users' ? USER_PROPERTIES : GROUP_PROPERTIES;
  const navigation = resource === 'users' ? USER_DELTA_NAVIGATION : GROUP_DELTA_NAVIGATION;
  const list = select.split(',').map((s) => s.trim()).filter(Boolean);
  for (const key of list) {
    if (!known.includes(key) && !navigation.has(key)) {
      throw badRequest(`Could not find a property named '${key}' on type 'microsoft.graph.${resource === 'users' ? 'user' : 'group'}'.`);
    }
  }
  return list;
}

/** Delta accepts `$filter` only as `id eq '…'` joined by `or`, at most 50 ids (contract §3.1). */
function parseIdFilter(filter: string | null): Set<string> | undefined {
  if (filter === null) return undefined;
  const parts = filter.split(/\s+or\s+/i);
  const ids = new Set<string>();
  for (const part of parts) {
    const m = /^\s*id\s+eq\s+'([^']*)'\s*$/i.exec(part);
    if (!m) throw unsupportedQuery(`Change tracking supports $filter only on id ('id eq ...' joined by 'or').`);
    ids.add(m[1]);
  }
  if (ids.size > MAX_FILTER_IDS) {
    throw unsupportedQuery(`Change tracking supports at most ${MAX_FILTER_IDS} ids in $filter.`);
  }
  return ids;
}

function selectedNavigation(select: string[] | null, name: string): boolean {
  return select !== null && select.includes(name);
}

function collectEntries(directory: Directory, resource: DeltaResource, state: DeltaTokenState, ids?: Set<string>): RoundEntry[] {
  const kind: ObjectKind = resource === 'users' ? 'user' : 'group';
  const objects = resource === 'users' ? directory.users() : directory.groups();
  const entries: RoundEntry[] = [];
  const wanted = (id: string) => ids === undefined || ids.has(id);
  if (state.version === 0) {
    for (const object of objects) if (wanted(object.id)) entries.push({ id: object.id });
    return entries;
  }
  const tracked = state.select === null
    ? (resource === 'users' ? USER_DEFAULT_PROPERTIES : GROUP_DEFAULT_PROPERTIES) as readonly string[]
    : state.select;
  const linkChanges = resource === 'groups' ? foldLinkEvents(directory, state.version, state.select) : new Map<string, GroupLinkChanges>();
  for (const object of objects) {
    if (!wanted(object.id)) continue;
    const appeared = object.createdVersion > state.version;
    const changed = appeared || tracked.some((p) => (object.propVersions[p] ?? 0) > state.version);
    const links = linkChanges.get(object.id);
    if (!changed && !links) continue;
    entries.push({
      id: object.id,
      memberChanges: appeared ? undefined : links?.members ?? [],
      ownerChanges: appeared ? undefined : links?.owners ?? [],
    });
  }
  for (const [id, tombstone] of directory.tombstones) {
    if (tombstone.kind === kind && tombstone.version > state.version && wanted(id)) {
      entries.push({ id, removed: tombstone.reason });
    }
  }
  return entries;
}

interface GroupLinkChanges {
  members: LinkChange[];
  owners: LinkChange[];
}

/** Folds the link log since `version` into the net change per group and related object. */
function foldLinkEvents(directory: Directory, version: number, select: string[] | null): Map<string, GroupLinkChanges> {
  const wantMembers = selectedNavigation(select, 'members');
  const wantOwners = selectedNavigation(select, 'owners');
  const result = new Map<string, GroupLinkChanges>();
  if (!wantMembers && !wantOwners) return result;
  const events = directory.linkEvents;
  const net = new Map<string, { event: LinkEvent; firstAdded: boolean }>();
  for (let i = firstEventAfter(events, version); i < events.length; i++) {
    const event = events[i];
    if (event.relationship === 'members' ? !wantMembers : !wantOwners) continue;
    const key = `${event.groupId}|${event.relationship}|${event.memberId}`;
    const seen = net.get(key);
    net.set(key, { event, firstAdded: seen ? seen.firstAdded : event.added });
  }
  for (const { event } of net.values()) {
    let changes = result.get(event.groupId);
    if (!changes) result.set(event.groupId, (changes = { members: [], owners: [] }));
    const related = directory.getLive(event.memberId) ?? directory.getDeleted(event.memberId);
    const type = ODATA_TYPE[related?.kind ?? 'user'];
    const present = (event.relationship === 'members' ? directory.members : directory.owners).has(event.groupId, event.memberId)
      && directory.isLive(event.memberId);
    changes[event.relationship].push({ id: event.memberId, type, removed: !present });
  }
  return result;
}

function firstEventAfter(events: readonly LinkEvent[], version: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].version <= version) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function servePage(request: OperationRequest, directory: Directory, round: Round, cursor: Cursor): OperationResult {
  const value: Record<string, unknown>[] = [];
  let entryIndex = cursor.entry;
  let linkOffset = cursor.link;
  let linksLeft = DELTA_PAGE_LINKS;
  while (entryIndex < round.entries.length && value.length < DELTA_PAGE_OBJECTS && linksLeft > 0) {
    const entry = round.entries[entryIndex];
    if (entry.removed) {
      value.push({ id: entry.id, '@removed': { reason: entry.removed } });
      entryIndex++;
      continue;
    }
    const object = round.resource === 'users' ? directory.getUser(entry.id) : directory.getGroup(entry.id);
    if (!object) {
      // Deleted after the round started: report it the way the next round would.
      const tombstone = directory.tombstones.get(entry.id);
      value.push({ id: entry.id, '@removed': { reason: tombstone?.reason ?? 'changed' } });
      entryIndex++;
      continue;
    }
    const item = representation(object, round.select);
    if (round.resource === 'users') {
      if (selectedNavigation(round.select, 'manager')) addManagerDelta(directory, object, item, round.sinceVersion);
      value.push(item);
      entryIndex++;
      continue;
    }
    const links = groupLinks(directory, object, round.select, entry);
    const slice = links.slice(linkOffset, linkOffset + linksLeft);
    const members = slice.filter((l) => l.relationship === 'members');
    const owners = slice.filter((l) => l.relationship === 'owners');
    if (members.length) item['members@delta'] = members.map(renderLink);
    if (owners.length) item['owners@delta'] = owners.map(renderLink);
    value.push(item);
    linksLeft -= slice.length;
    if (linkOffset + slice.length < links.length) {
      linkOffset += slice.length;
      break;
    }
    linkOffset = 0;
    entryIndex++;
  }
  const body: Record<string, unknown> = { '@odata.context': metadataUrl(request, round.resource) };
  if (entryIndex < round.entries.length) {
    body['@odata.nextLink'] = `${request.origin}/v1.0/${round.resource}/delta?$skiptoken=${encodeCursor({ round: round.id, entry: entryIndex, link: linkOffset })}`;
  } else {
    body['@odata.deltaLink'] = deltaLink(request, round.resource, {
      resource: round.resource,
      version: round.version,
      select: round.select,
      generation: directory.generation,
      issuedAt: directory.clock.now(),
    });
  }
  body.value = value;
  return json(200, body);
}

function representation(object: DirectoryObject, select: string[] | null): Record<string, unknown> {
  const isUser = object.kind === 'user';
  const known: readonly string[] = isUser ? USER_PROPERTIES : GROUP_PROPERTIES;
  const defaults: readonly string[] = isUser ? USER_DEFAULT_PROPERTIES : GROUP_DEFAULT_PROPERTIES;
  const properties = select === null ? null : select.filter((p) => known.includes(p));
  const item = project(object.props, properties ?? undefined, defaults, known, object.kind);
  if (!('id' in item)) item.id = object.id;
  return item;
}

function addManagerDelta(directory: Directory, user: DirectoryObject, item: Record<string, unknown>, sinceVersion: number): void {
  const manager = directory.managerOf(user.id);
  const managerChanged = sinceVersion > 0 && (user.propVersions.manager ?? 0) > sinceVersion;
  if (manager) {
    item['manager@delta'] = [{ '@odata.type': ODATA_TYPE.user, id: manager }];
  } else if (managerChanged && user.previousManagerId) {
    item['manager@delta'] = [{ '@odata.type': ODATA_TYPE.user, id: user.previousManagerId, '@removed': { reason: 'deleted' } }];
  }
}

interface GroupLink {
  relationship: 'members' | 'owners';
  id: string;
  type: string;
  removed: boolean;
}

function groupLinks(directory: Directory, group: DirectoryObject, select: string[] | null, entry: RoundEntry): GroupLink[] {
  const links: GroupLink[] = [];
  for (const relationship of ['members', 'owners'] as const) {
    if (!selectedNavigation(select, relationship)) continue;
    const changes = relationship === 'members' ? entry.memberChanges : entry.ownerChanges;
    if (changes) {
      for (const c of changes) links.push({ relationship, ...c });
      continue;
    }
    const ids = relationship === 'members' ? directory.groupMembers(group.id) : directory.groupOwners(group.id);
    for (const id of ids) {
      links.push({ relationship, id, type: ODATA_TYPE[directory.getLive(id)!.kind], removed: false });
    }
  }
  return links;
}

function renderLink(link: GroupLink): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': link.type, id: link.id };
  if (link.removed) out['@removed'] = { reason: 'deleted' };
  return out;
}

function deltaLink(request: OperationRequest, resource: DeltaResource, state: DeltaTokenState): string {
  const token = Buffer.from(JSON.stringify({ r: state.resource, v: state.version, s: state.select, g: state.generation, t: state.issuedAt })).toString('base64url');
  return decodeODataKeys(`${request.origin}/v1.0/${resource}/delta?$deltatoken=${token}`);
}

function decodeDeltaToken(token: string, resource: DeltaResource): DeltaTokenState {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (raw.r === resource && typeof raw.v === 'number' && typeof raw.g === 'string' && typeof raw.t === 'number') {
      return {
        resource,
        version: raw.v,
        select: Array.isArray(raw.s) ? (raw.s as string[]) : null,
        generation: raw.g,
        issuedAt: raw.t,
      };
    }
  } catch {
    // fall through
  }
  throw syncStateNotFound();
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.round, cursor.entry, cursor.link])).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const [round, entry, link] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [string, number, number];
    if (typeof round === 'string' && Number.isInteger(entry) && Number.isInteger(link)) return { round, entry, link };
  } catch {
    // fall through
  }
  throw syncStateNotFound();
}
