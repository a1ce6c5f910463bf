/**
 * The read side of the engine: what the bot and the CLI ask of stored snapshots. Every query starts from the list of
 * committed snapshot headers (restic's read order), so events of a backup that never committed are invisible.
 *
 * Lookups are point reads: an entry's history (`history` document in the entry's partition), its versions (by
 * hash), the name index; a tenant diff walks only the manifest subtrees that differ.
 *
 * Object lineage (lineage/lineage.ts): an object Rewind recreated is the same object under a new id. Every query
 * here follows the chain — an entry's history is the merged history of every id the object had, names and ids
 * resolve to the current id, and diffs compare sets by current ids — so "versions of Bob" spans the recreate and a
 * diff across it shows what changed, not "Bob deleted, Bob created".
 */
import { LinkRef, ObjectKind } from '../model/directory';
import { SnapshotStore } from '../ports/snapshot-store';
import { LinkSetBody, PrincipalLinksBody, emptyPrincipalLinks, RecycleBinBody, RoleAssignmentsBody, SubscribedSkusBody, UserBody } from '../snapshot/bodies';
import { canonicalJson } from '../snapshot/canonical';
import { HistoryDocument, HistoryEvent, SnapshotDocument } from '../snapshot/documents';
import { EntryKind, entryKey, parseEntryKey } from '../snapshot/keys';
import { diffManifests } from '../snapshot/manifest';
import { Lineage, Recreation } from '../lineage/lineage';
import { SnapshotRepository } from '../snapshot/repository';
import { lookupNames } from './name-index';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type NamedKind = ObjectKind | 'roleDefinition';
const NAMED_KINDS: NamedKind[] = ['user', 'group', 'administrativeUnit', 'roleDefinition'];

export interface NamedObject {
  kind: NamedKind;
  id: string;
  displayName: string;
  userPrincipalName?: string;
}

export interface FoundObject extends NamedObject {
  /** Present in the latest snapshot; false when it was deleted since (look for it in the recycle bin). */
  existsNow: boolean;
}

export interface SnapshotRef {
  snapshotId: string;
  at: string;
}

export interface VersionInfo {
  hash: string;
  /** The object id this version was stored under (an earlier id when Rewind recreated the object since). */
  objectId: string;
  firstSeen: SnapshotRef;
  lastSeen: SnapshotRef;
  /** How many separate periods the object had this exact version (it can change and change back). */
  periods: number;
}

/** One principal holding a role at one scope (a role's members are these pairs). */
export interface RoleMember {
  principal: NamedObject;
  directoryScopeId: string;
}

/**
 * One period of a role in which neither its definition nor its assignments changed. A new period starts at every
 * snapshot where either did, so a role whose members changed has several periods with the same definition `hash`.
 */
export interface RoleVersionInfo {
  /** Version hash of the role definition (`roleDefinition:<id>`). */
  hash: string;
  /** Version hash of its assignments (`roleAssignments:<id>`); null when none were stored. */
  assignmentsHash: string | null;
  firstSeen: SnapshotRef;
  lastSeen: SnapshotRef;
  memberCount: number;
  /** Against the previous period; empty for the first. */
  changedAttributes: string[];
  membersAdded: RoleMember[];
  membersRemoved: RoleMember[];
}

export interface AttributeChange {
  name: string;
  from: unknown;
  to: unknown;
}

export interface LinkDifference {
  added: NamedObject[];
  removed: NamedObject[];
}

export interface Relationships {
  snapshot: SnapshotRef;
  memberOf: NamedObject[];
  ownerOf: NamedObject[];
  administrativeUnits: NamedObject[];
  roles: { role: NamedObject; directoryScopeId: string }[];
  manager: NamedObject | null;
  directReports: NamedObject[];
  licenses: { skuId: string; skuPartNumber: string }[];
}

export interface RelationshipChange {
  snapshot: SnapshotRef;
  memberOf: LinkDifference;
  ownerOf: LinkDifference;
  administrativeUnits: LinkDifference;
  roles: LinkDifference;
}

export interface TenantDiff {
  from: SnapshotRef;
  to: SnapshotRef;
  created: NamedObject[];
  deleted: NamedObject[];
  changed: NamedObject[];
  /** Per role: principals added or removed, each with the snapshot where the change was first seen. */
  roleChanges: { role: NamedObject; added: (NamedObject & { firstSeen: SnapshotRef })[]; removed: (NamedObject & { firstSeen: SnapshotRef })[] }[];
  /** Relationship sets (members, owners, AU members) that changed, by owner. */
  changedLinkSets: { owner: NamedObject; kind: 'members' | 'owners' | 'unitMembers'; added: NamedObject[]; removed: NamedObject[] }[];
}

export class SnapshotNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotNotFoundError';
  }
}

/** A history event with the entry key it was recorded under (one of the keys of an object's lineage). */
type KeyedEvent = HistoryEvent & { key: string };

export class SnapshotQueries {
  readonly repository: SnapshotRepository;
  private snapshotsCache?: SnapshotDocument[];
  private lineageCache?: Promise<Lineage>;

  constructor(readonly store: SnapshotStore, readonly tenantId: string) {
    this.repository = new SnapshotRepository(store, tenantId);
  }

  /** The tenant's object lineage (one partition read per instance). */
  lineage(): Promise<Lineage> {
    this.lineageCache ??= Lineage.load(this.store, this.tenantId);
    return this.lineageCache;
  }

  /** The recreates of an object, oldest first: when, by which restore, from which id to which. */
  async recreations(id: string): Promise<Recreation[]> {
    return (await this.lineage()).recreations(id);
  }

  async listSnapshots(): Promise<SnapshotDocument[]> {
    this.snapshotsCache ??= await this.repository.listSnapshots();
    return this.snapshotsCache;
  }

  /** A snapshot by id (or unique id prefix), the latest completed at or before a time, or the latest. */
  async resolveSnapshot(at?: string | Date): Promise<SnapshotDocument> {
    const snapshots = await this.listSnapshots();
    if (!snapshots.length) throw new SnapshotNotFoundError('there are no snapshots yet: run a backup first (`rewind backup`)');
    if (at === undefined) return snapshots.at(-1)!;
    if (typeof at === 'string') {
      const byId = snapshots.filter((s) => s.id.startsWith(at));
      if (byId.length === 1) return byId[0];
      if (byId.length > 1) throw new SnapshotNotFoundError(`"${at}" matches ${byId.length} snapshots; give more of the id`);
    }
    const time = at instanceof Date ? at.getTime() : Date.parse(at);
    if (Number.isNaN(time)) throw new SnapshotNotFoundError(`"${String(at)}" is neither a snapshot id nor a date (use e.g. 2026-11-20 or 2026-11-20T08:00Z)`);
    const candidates = snapshots.filter((s) => Date.parse(s.completedAt) <= time);
    if (!candidates.length) throw new SnapshotNotFoundError(`no snapshot was completed by ${new Date(time).toISOString()}; the first is ${snapshots[0].completedAt}`);
    return candidates.at(-1)!;
  }

  /**
   * Objects by id, UPN, mail or name prefix, each once under its current id (an object Rewind recreated is found
   * by its old and its new id and names, as one object).
   */
  async findObjects(text: string): Promise<FoundObject[]> {
    const trimmed = text.trim();
    const latest = (await this.listSnapshots()).at(-1);
    const lineage = await this.lineage();
    let keys: string[];
    if (GUID.test(trimmed)) {
      const ids = lineage.chain(trimmed.toLowerCase());
      keys = NAMED_KINDS.flatMap((k) => ids.map((id) => entryKey(k, id)));
    } else {
      keys = [...new Set((await lookupNames(this.repository, trimmed)).map((e) => e.key))];
    }
    const histories = (await this.repository.readHistories(keys)).filter((h): h is HistoryDocument => !!h);
    return this.describe(histories, latest, lineage);
  }

  private async describe(histories: HistoryDocument[], latest: SnapshotDocument | undefined, lineage: Lineage): Promise<FoundObject[]> {
    const byObject = new Map<string, { kind: NamedKind; id: string }>();
    for (const history of histories) {
      const { kind, id } = parseEntryKey(history.key);
      const current = lineage.current(id!);
      byObject.set(`${kind}:${current}`, { kind: kind as NamedKind, id: current });
    }
    const found: FoundObject[] = [];
    for (const { kind, id } of byObject.values()) {
      const events = await this.events(entryKey(kind, id));
      if (!events.length) continue;
      const label = await this.labelOf(kind, id, lineage);
      found.push({
        kind, id, displayName: label?.displayName ?? label?.userPrincipalName ?? id,
        userPrincipalName: label?.userPrincipalName, existsNow: !!latest && events.at(-1)!.hash !== null,
      });
    }
    return found;
  }

  /** The newest label any id of the object's lineage has (the current id's, once a backup has seen it). */
  private async labelOf(kind: NamedKind, id: string, lineage: Lineage): Promise<HistoryDocument['label'] | undefined> {
    const ids = lineage.chain(id).reverse();
    const histories = await this.repository.readHistories(ids.map((i) => entryKey(kind, i)));
    return histories.find((h) => h?.label)?.label;
  }

  private async committedIds(): Promise<Set<string>> {
    return new Set((await this.listSnapshots()).map((s) => s.id));
  }

  /**
   * The committed history of an entry, merged across every id of the object's lineage: `user:<new id>` includes the
   * events of `user:<old id>`, each event keeping the key its version is stored under. Events of one snapshot
   * keep the lineage's order (the old id's deletion before the new id's first version).
   */
  private async events(key: string): Promise<KeyedEvent[]> {
    const { kind, id } = parseEntryKey(key);
    const keys = id === undefined ? [key] : (await this.lineage()).chain(id).map((chainId) => entryKey(kind, chainId));
    const histories = await this.repository.readHistories(keys);
    const committed = await this.committedIds();
    const merged = histories.flatMap((history, order) => (history?.events ?? []).filter((e) => committed.has(e.snapshotId)).map((e) => ({ ...e, key: keys[order], order })));
    merged.sort((a, b) => (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : a.order - b.order));
    return merged.map(({ order: _order, ...event }) => event);
  }

  /** The event current at a snapshot (undefined: the entry did not exist yet). */
  private async eventAt(key: string, snapshot: SnapshotDocument): Promise<KeyedEvent | undefined> {
    return (await this.events(key)).filter((e) => e.snapshotId <= snapshot.id).at(-1);
  }

  /** Distinct versions of an entry, oldest first, with when each was first and last seen. */
  async versions(kind: EntryKind, id: string): Promise<VersionInfo[]> {
    const snapshots = await this.listSnapshots();
    const events = await this.events(entryKey(kind, id));
    const byHash = new Map<string, VersionInfo>();
    events.forEach((event, index) => {
      if (event.hash === null) return;
      const next = events[index + 1];
      const lastSnapshot = next ? snapshots.filter((s) => s.id < next.snapshotId).at(-1)! : snapshots.at(-1)!;
      const firstSnapshot = snapshots.find((s) => s.id === event.snapshotId)!;
      const info = byHash.get(event.hash);
      const lastSeen = { snapshotId: lastSnapshot.id, at: lastSnapshot.completedAt };
      const objectId = parseEntryKey(event.key).id!;
      if (info) {
        info.lastSeen = lastSeen;
        info.objectId = objectId;
        info.periods++;
      } else {
        byHash.set(event.hash, { hash: event.hash, objectId, firstSeen: { snapshotId: firstSnapshot.id, at: firstSnapshot.completedAt }, lastSeen, periods: 1 });
      }
    });
    return [...byHash.values()];
  }

  /**
   * A role's history, oldest first: one period per snapshot where its definition or its assignments changed (see
   * `RoleVersionInfo`), each with what changed against the period before. Snapshots where the definition was absent
   * (a deleted custom role) start no period, and the next period is compared with the last one that existed.
   */
  async roleVersions(roleId: string): Promise<RoleVersionInfo[]> {
    const snapshots = await this.listSnapshots();
    const definitionKey = entryKey('roleDefinition', roleId);
    const assignmentsKey = entryKey('roleAssignments', roleId);
    const [definitionEvents, assignmentEvents] = [await this.events(definitionKey), await this.events(assignmentsKey)];
    const changedIn = [...new Set([...definitionEvents, ...assignmentEvents].map((e) => e.snapshotId))].sort();
    const hashIn = (events: HistoryEvent[], snapshotId: string) => events.filter((e) => e.snapshotId <= snapshotId).at(-1)?.hash ?? null;
    const periods = changedIn.map((snapshotId, i) => ({
      snapshotId, next: changedIn[i + 1], hash: hashIn(definitionEvents, snapshotId), assignmentsHash: hashIn(assignmentEvents, snapshotId),
    })).filter((p): p is typeof p & { hash: string } => p.hash !== null);

    const assignmentHashes = [...new Set(periods.map((p) => p.assignmentsHash).filter((h): h is string => h !== null))];
    const bodies = await this.repository.readVersions<RoleAssignmentsBody>(assignmentHashes.map((hash) => ({ key: assignmentsKey, hash })));
    const membersOf = new Map(assignmentHashes.map((hash, i) => [hash, bodies[i]?.assignments ?? []]));
    const lineage = await this.lineage();
    const memberKey = (a: { principalId: string; directoryScopeId: string }) => `${lineage.current(a.principalId)}|${a.directoryScopeId}`;
    const principals = new Map((await this.principalNames([...new Set([...membersOf.values()].flat().map((a) => a.principalId))])).map((p) => [p.id, p]));
    const member = (a: { principalId: string; directoryScopeId: string }): RoleMember => ({ principal: principals.get(a.principalId)!, directoryScopeId: a.directoryScopeId });

    const result: RoleVersionInfo[] = [];
    for (const [i, period] of periods.entries()) {
      const previous = periods[i - 1];
      // A period whose only change is a member's id (Rewind recreated that member) is the same period: extended.
      const sameMembers = (x?: string | null, y?: string | null) => {
        const [a, b] = [x ? membersOf.get(x)! : [], y ? membersOf.get(y)! : []];
        return a.length === b.length && a.map(memberKey).sort().join() === b.map(memberKey).sort().join();
      };
      if (previous && result.length && previous.hash === period.hash && sameMembers(previous.assignmentsHash, period.assignmentsHash)) {
        const last = snapshots.filter((s) => period.next === undefined || s.id < period.next).at(-1)!;
        result[result.length - 1].lastSeen = ref(last);
        periods[i] = previous;
        continue;
      }
      const after = period.assignmentsHash ? membersOf.get(period.assignmentsHash)! : [];
      const before = previous?.assignmentsHash ? membersOf.get(previous.assignmentsHash)! : [];
      const [beforeKeys, afterKeys] = [new Set(before.map(memberKey)), new Set(after.map(memberKey))];
      const first = snapshots.find((s) => s.id === period.snapshotId)!;
      const last = snapshots.filter((s) => period.next === undefined || s.id < period.next).at(-1)!;
      result.push({
        hash: period.hash, assignmentsHash: period.assignmentsHash, firstSeen: ref(first), lastSeen: ref(last), memberCount: after.length,
        changedAttributes: previous && previous.hash !== period.hash ? (await this.diffVersions('roleDefinition', roleId, previous.hash, period.hash)).attributes.map((a) => a.name) : [],
        membersAdded: previous ? after.filter((a) => !beforeKeys.has(memberKey(a))).map(member) : [],
        membersRemoved: previous ? before.filter((a) => !afterKeys.has(memberKey(a))).map(member) : [],
      });
    }
    return result;
  }

  /** The entry's version hash in a snapshot (undefined: it did not exist then). */
  async hashAt(key: string, snapshot: SnapshotDocument): Promise<string | undefined> {
    return (await this.eventAt(key, snapshot))?.hash ?? undefined;
  }

  async bodyAt<T>(key: string, snapshot: SnapshotDocument): Promise<T | undefined> {
    const event = await this.eventAt(key, snapshot);
    return event?.hash ? this.repository.readVersion<T>(event.key, event.hash) : undefined;
  }

  async objectAt(kind: EntryKind, id: string, at?: string | Date): Promise<{ snapshot: SnapshotRef; hash: string; body: Record<string, unknown> } | undefined> {
    const snapshot = await this.resolveSnapshot(at);
    const event = await this.eventAt(entryKey(kind, id), snapshot);
    if (!event?.hash) return undefined;
    const body = await this.repository.readVersion<Record<string, unknown>>(event.key, event.hash);
    if (!body) throw new Error(`version ${event.hash} of ${event.key} is missing from the store: run \`rewind check\``);
    return { snapshot: ref(snapshot), hash: event.hash, body };
  }

  /** Names by id; an id Rewind recreated since is named by its lineage's newest label, under the id asked for. */
  async names(refs: { kind: NamedKind; id: string }[]): Promise<NamedObject[]> {
    const histories = await this.repository.readHistories(refs.map((r) => entryKey(r.kind, r.id)));
    const lineage = await this.lineage();
    return Promise.all(refs.map(async (r, i) => {
      const label = histories[i]?.label ?? (lineage.has(r.id) ? await this.labelOf(r.kind, r.id, lineage) : undefined);
      return { kind: r.kind, id: r.id, displayName: label?.displayName ?? label?.userPrincipalName ?? `(unknown ${r.kind} ${r.id})`, userPrincipalName: label?.userPrincipalName };
    }));
  }

  /** `id` as the object is known now (its current id, when Rewind recreated it). */
  async currentId(id: string): Promise<string> {
    return (await this.lineage()).current(id);
  }

  private async linkNames(links: LinkRef[]): Promise<NamedObject[]> {
    return this.names(links.map((l) => ({ kind: l.type === 'group' ? 'group' : l.type === 'administrativeUnit' ? 'administrativeUnit' : 'user', id: l.id })));
  }

  /** Memberships, ownerships, AU memberships, role assignments, manager and licenses of a user or group. */
  async relationshipsAt(kind: 'user' | 'group', id: string, at?: string | Date): Promise<Relationships> {
    const snapshot = await this.resolveSnapshot(at);
    const links = (await this.bodyAt<PrincipalLinksBody>(entryKey('links', id), snapshot)) ?? emptyPrincipalLinks();
    const user = kind === 'user' ? await this.bodyAt<UserBody>(entryKey('user', id), snapshot) : undefined;
    const skus = (await this.bodyAt<SubscribedSkusBody>(entryKey('subscribedSkus'), snapshot))?.skus ?? [];
    const assigned = Array.isArray(user?.assignedLicenses) ? (user.assignedLicenses as { skuId: string }[]) : [];
    const roleNames = await this.names(links.roles.map((r) => ({ kind: 'roleDefinition', id: r.roleDefinitionId })));
    // Linked objects under the ids they have now (an object Rewind recreated since is named by its new id).
    const lineage = await this.lineage();
    const now = (named: NamedObject[]) => named.map((n) => ({ ...n, id: lineage.current(n.id) }));
    return {
      snapshot: ref(snapshot),
      memberOf: now(await this.names(links.memberOf.map((g) => ({ kind: 'group', id: g })))),
      ownerOf: now(await this.names(links.ownerOf.map((g) => ({ kind: 'group', id: g })))),
      administrativeUnits: await this.names(links.unitMemberOf.map((a) => ({ kind: 'administrativeUnit', id: a }))),
      roles: links.roles.map((r, i) => ({ role: roleNames[i], directoryScopeId: r.directoryScopeId })),
      manager: user?.managerId ? now(await this.names([{ kind: 'user', id: user.managerId }]))[0] : null,
      directReports: now(await this.names((links.directReports ?? []).map((r) => ({ kind: 'user', id: r })))),
      licenses: assigned.map((l) => ({ skuId: l.skuId, skuPartNumber: skus.find((s) => s.skuId === l.skuId)?.skuPartNumber ?? l.skuId })),
    };
  }

  /** How a principal's memberships, ownerships, AU memberships and roles changed, snapshot by snapshot. */
  async relationshipLog(id: string): Promise<RelationshipChange[]> {
    const snapshots = await this.listSnapshots();
    const key = entryKey('links', id);
    const events = await this.events(key);
    const bodies = await this.repository.readVersions<PrincipalLinksBody>(events.filter((e) => e.hash).map((e) => ({ key: e.key, hash: e.hash! })));
    let previous: PrincipalLinksBody = emptyPrincipalLinks();
    let bodyIndex = 0;
    const log: RelationshipChange[] = [];
    for (const event of events) {
      const current = event.hash ? bodies[bodyIndex++]! : emptyPrincipalLinks();
      const snapshot = snapshots.find((s) => s.id === event.snapshotId)!;
      const roleIds = (b: PrincipalLinksBody) => b.roles.map((r) => r.roleDefinitionId);
      log.push({
        snapshot: ref(snapshot),
        memberOf: await this.setDifference('group', previous.memberOf, current.memberOf),
        ownerOf: await this.setDifference('group', previous.ownerOf, current.ownerOf),
        administrativeUnits: await this.setDifference('administrativeUnit', previous.unitMemberOf, current.unitMemberOf),
        roles: await this.setDifference('roleDefinition', roleIds(previous), roleIds(current)),
      });
      previous = current;
    }
    return log;
  }

  private async setDifference(kind: NamedKind, before: string[], after: string[]): Promise<LinkDifference> {
    const lineage = await this.lineage();
    const a = new Set(before.map((id) => lineage.current(id)));
    const b = new Set(after.map((id) => lineage.current(id)));
    return {
      added: await this.names([...b].filter((x) => !a.has(x)).map((id) => ({ kind, id }))),
      removed: await this.names([...a].filter((x) => !b.has(x)).map((id) => ({ kind, id }))),
    };
  }

  /** Only what differs between two versions of an entry: attributes, and links for relationship sets. */
  async diffVersions(kind: EntryKind, id: string, fromHash: string, toHash: string): Promise<{ attributes: AttributeChange[]; links?: LinkDifference }> {
    const key = entryKey(kind, id);
    // A version is stored under the id the object had then (lineage): find each hash's key in the merged history.
    const events = await this.events(key);
    const keyOf = (hash: string) => events.find((e) => e.hash === hash)?.key ?? key;
    const [from, to] = await this.repository.readVersions<Record<string, unknown>>([{ key: keyOf(fromHash), hash: fromHash }, { key: keyOf(toHash), hash: toHash }]);
    if (!from || !to) throw new Error(`version ${!from ? fromHash : toHash} of ${key} is not stored`);
    return diffBodies(from, to, (links) => this.linkNames(links));
  }

  /** Created, deleted and changed objects between two snapshots, role membership changes, changed link sets. */
  async tenantDiff(fromAt?: string | Date, toAt?: string | Date): Promise<TenantDiff> {
    const snapshots = await this.listSnapshots();
    const to = await this.resolveSnapshot(toAt);
    const from = fromAt === undefined ? (snapshots[snapshots.indexOf(to) - 1] ?? to) : await this.resolveSnapshot(fromAt);
    const diff = await diffManifests(this.repository, from.manifestHash, to.manifestHash);
    const lineage = await this.lineage();
    // An entry under an old id that left, and the same entry under the id Rewind recreated it with that arrived, are
    // one entry that changed (or did not): paired here, compared key to key.
    const createdByKey = new Map(diff.created.map((c) => [c.key, c]));
    // The entry under the first later id of its lineage that the newer snapshot has (an object recreated twice
    // between the snapshots is paired with the id it has in the newer one).
    const successorOf = (key: string) => {
      const { kind, id } = parseEntryKey(key);
      return id === undefined ? undefined : lineage.laterIds(id).map((later) => createdByKey.get(entryKey(kind, later))).find((c) => c !== undefined);
    };
    const paired = new Set<string>();
    const changes: { key: string; fromKey: string; from?: string; toKey: string; to?: string }[] = diff.changed.map((c) => ({ key: c.key, fromKey: c.key, from: c.from, toKey: c.key, to: c.to }));
    const deleted = diff.deleted.filter((d) => {
      const successor = successorOf(d.key);
      if (!successor) return true;
      paired.add(successor.key);
      if (successor.hash !== d.hash) changes.push({ key: successor.key, fromKey: d.key, from: d.hash, toKey: successor.key, to: successor.hash });
      return false;
    });
    const created = diff.created.filter((c) => !paired.has(c.key));
    const objectKinds = new Set<EntryKind>(['user', 'group', 'administrativeUnit']);
    const named = async (keys: string[]) => this.names(keys.map((k) => parseEntryKey(k)).filter((p) => objectKinds.has(p.kind)).map((p) => ({ kind: p.kind as NamedKind, id: p.id! })));
    const result: TenantDiff = {
      from: ref(from), to: ref(to),
      created: await named(created.map((c) => c.key)),
      deleted: await named(deleted.map((c) => c.key)),
      changed: await named(changes.map((c) => c.key)),
      roleChanges: [],
      changedLinkSets: [],
    };
    const setChanges = [
      ...changes,
      ...created.map((c) => ({ key: c.key, fromKey: c.key, from: undefined, toKey: c.key, to: c.hash })),
      ...deleted.map((c) => ({ key: c.key, fromKey: c.key, from: c.hash, toKey: c.key, to: undefined })),
    ];
    const readPair = async <T>(change: (typeof setChanges)[number], empty: T): Promise<[T, T]> => {
      const [before, after] = await this.repository.readVersions<T>([
        ...(change.from ? [{ key: change.fromKey, hash: change.from }] : []),
        ...(change.to ? [{ key: change.toKey, hash: change.to }] : []),
      ]).then((bodies) => [change.from ? bodies[0] : empty, change.to ? bodies[change.from ? 1 : 0] : empty]);
      return [before ?? empty, after ?? empty];
    };
    for (const change of setChanges) {
      const parsed = parseEntryKey(change.key);
      if (parsed.kind === 'roleAssignments') {
        const [before, after] = await readPair<RoleAssignmentsBody>(change, { assignments: [] });
        const a = new Set(before.assignments.map((x) => lineage.current(x.principalId)));
        const b = new Set(after.assignments.map((x) => lineage.current(x.principalId)));
        const added = [...b].filter((p) => !a.has(p));
        const removed = [...a].filter((p) => !b.has(p));
        if (!added.length && !removed.length) continue;
        const [role] = await this.names([{ kind: 'roleDefinition', id: parsed.id! }]);
        const withFirstSeen = async (ids: string[], present: boolean) => {
          const people = await this.principalNames(ids);
          return Promise.all(people.map(async (p) => ({ ...p, firstSeen: await this.firstSeen(change.key, from, to, (body: RoleAssignmentsBody) => body.assignments.some((x) => lineage.current(x.principalId) === p.id) === present) })));
        };
        result.roleChanges.push({ role, added: await withFirstSeen(added, true), removed: await withFirstSeen(removed, false) });
      } else if (parsed.kind === 'members' || parsed.kind === 'owners' || parsed.kind === 'unitMembers') {
        const [before, after] = await readPair<LinkSetBody>(change, { links: [] });
        const now = (links: LinkRef[]) => links.map((l) => ({ ...l, id: lineage.current(l.id) }));
        const a = new Set(now(before.links).map((l) => l.id));
        const b = new Set(now(after.links).map((l) => l.id));
        const added = now(after.links).filter((l) => !a.has(l.id));
        const removed = now(before.links).filter((l) => !b.has(l.id));
        if (!added.length && !removed.length) continue;
        const [owner] = await this.names([{ kind: parsed.kind === 'unitMembers' ? 'administrativeUnit' : 'group', id: parsed.id! }]);
        result.changedLinkSets.push({ owner, kind: parsed.kind, added: await this.linkNames(added), removed: await this.linkNames(removed) });
      }
    }
    return result;
  }

  /** Principals by id, as users, else as groups (role assignments do not record the principal's type). */
  async principalNames(ids: string[]): Promise<NamedObject[]> {
    const unknown = (n: NamedObject) => n.displayName.startsWith('(unknown');
    const asUsers = await this.names(ids.map((id) => ({ kind: 'user', id })));
    const missing = asUsers.filter(unknown);
    if (!missing.length) return asUsers;
    const asGroups = new Map((await this.names(missing.map((n) => ({ kind: 'group', id: n.id })))).map((n) => [n.id, n]));
    return asUsers.map((n) => {
      const group = asGroups.get(n.id);
      return unknown(n) && group && !unknown(group) ? group : n;
    });
  }

  /** The first snapshot in (from, to] whose version of `key` satisfies `holds`. */
  private async firstSeen<T>(key: string, from: SnapshotDocument, to: SnapshotDocument, holds: (body: T) => boolean): Promise<SnapshotRef> {
    const snapshots = await this.listSnapshots();
    const events = (await this.events(key)).filter((e) => e.snapshotId > from.id && e.snapshotId <= to.id);
    for (const event of events) {
      const body = event.hash ? await this.repository.readVersion<T>(event.key, event.hash) : undefined;
      if (body ? holds(body) : holds({ assignments: [], links: [] } as T)) return ref(snapshots.find((s) => s.id === event.snapshotId)!);
    }
    return ref(to);
  }

  /** Users, groups and AUs that existed at `since` (or appeared after it) and are gone in the latest snapshot. */
  async deletedSince(since: string | Date): Promise<(NamedObject & { deletedIn: SnapshotRef; inRecycleBin: boolean })[]> {
    const snapshots = await this.listSnapshots();
    const latest = await this.resolveSnapshot();
    const time = since instanceof Date ? since.getTime() : Date.parse(since);
    if (Number.isNaN(time)) throw new SnapshotNotFoundError(`"${String(since)}" is not a date`);
    const base = snapshots.filter((s) => Date.parse(s.completedAt) <= time).at(-1) ?? snapshots[0];
    const diff = await diffManifests(this.repository, base.manifestHash, latest.manifestHash);
    const bin = (await this.bodyAt<RecycleBinBody>(entryKey('recycleBin'), latest))?.items ?? [];
    const inBin = new Set(bin.map((i) => i.id));
    const lineage = await this.lineage();
    const createdKeys = new Set(diff.created.map((c) => c.key));
    // An object Rewind recreated since is not deleted: it lives on under its new id.
    const deletedKeys = diff.deleted.map((d) => d.key)
      .filter((k) => ['user', 'group', 'administrativeUnit'].includes(parseEntryKey(k).kind))
      .filter((k) => { const { kind, id } = parseEntryKey(k); return !lineage.laterIds(id!).some((later) => createdKeys.has(entryKey(kind, later))); });
    const names = await this.names(deletedKeys.map((k) => ({ kind: parseEntryKey(k).kind as NamedKind, id: parseEntryKey(k).id! })));
    return Promise.all(names.map(async (n, i) => {
      const events = await this.events(deletedKeys[i]);
      const gone = events.filter((e) => e.hash === null).at(-1);
      const snapshot = snapshots.find((s) => s.id === gone?.snapshotId) ?? latest;
      // After an undo of a recreate, the object in the recycle bin is its later id.
      return { ...n, deletedIn: ref(snapshot), inRecycleBin: lineage.chain(n.id).some((id) => inBin.has(id)) };
    }));
  }

  /**
   * Snapshots in which every selected object existed: the restore points a multi-object restore can use, newest
   * first (a snapshot missing any of them could not restore that one).
   */
  async commonRestorePoints(objects: { kind: EntryKind; id: string }[]): Promise<SnapshotRef[]> {
    const snapshots = await this.listSnapshots();
    const histories = await Promise.all(objects.map((o) => this.events(entryKey(o.kind, o.id))));
    return snapshots
      .filter((snapshot) => histories.every((events) => {
        const current = events.filter((e) => e.snapshotId <= snapshot.id).at(-1);
        return !!current && current.hash !== null;
      }))
      .map(ref)
      .reverse();
  }

}

function ref(snapshot: SnapshotDocument): SnapshotRef {
  return { snapshotId: snapshot.id, at: snapshot.completedAt };
}

/** Attribute-level difference of two bodies; `links` arrays are compared as sets of ids. */
export async function diffBodies(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  nameLinks: (links: LinkRef[]) => Promise<NamedObject[]>,
): Promise<{ attributes: AttributeChange[]; links?: LinkDifference }> {
  const attributes: AttributeChange[] = [];
  const names = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((n) => n !== 'links').sort();
  for (const name of names) {
    if (canonicalJson(from[name] ?? null) !== canonicalJson(to[name] ?? null)) attributes.push({ name, from: from[name] ?? null, to: to[name] ?? null });
  }
  if (!Array.isArray(from.links) && !Array.isArray(to.links)) return { attributes };
  const a = (Array.isArray(from.links) ? from.links : []) as LinkRef[];
  const b = (Array.isArray(to.links) ? to.links : []) as LinkRef[];
  const aIds = new Set(a.map((l) => l.id));
  const bIds = new Set(b.map((l) => l.id));
  return {
    attributes,
    links: { added: await nameLinks(b.filter((l) => !aIds.has(l.id))), removed: await nameLinks(a.filter((l) => !bIds.has(l.id))) },
  };
}
