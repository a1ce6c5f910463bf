/**
 * One backup of one tenant: read the directory through the gateway, store what changed, commit a snapshot.
 *
 * Algorithm:
 * 1. Take the tenant's lease; find a checkpoint of an interrupted backup (resume its snapshot id) or start one.
 * 2. Start from the parent snapshot's manifest (incremental) or from nothing (full). Users and groups come from
 *    Graph delta rounds: incremental from the parent's deltaLinks, or an initial round that lists everything (then
 *    entries the round did not see are gone). An expired delta link falls back to a full round, noted on the snapshot.
 *    Roles, role assignments, directory roles, administrative units, SKUs and the recycle bin have no delta: they are
 *    read whole every time (a handful of requests).
 * 3. Every entry's body is hashed; only bodies whose hash differs from the parent's are written (versions first).
 * 4. The reverse index (`links:<principal>`) is updated from the differences of the forward sets.
 * 5. History events, the name index, the manifest tree, and last the snapshot header; then the checkpoint is removed.
 * A crash anywhere before the header leaves the previous snapshot as the latest, and the next run resumes.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { GroupDelta, LinkChange, LinkRef, UserDelta } from '../model/directory';
import { DirectoryGateway, GatewayStats } from '../ports/directory-gateway';
import { SnapshotStore } from '../ports/snapshot-store';
import { isConfigurationError, isDeltaTokenExpiredError } from '../errors';
import {
  DirectoryRoleBody,
  LinkSetBody,
  PrincipalLinksBody,
  RecycleBinBody,
  RoleAssignmentsBody,
  SubscribedSkusBody,
  UserBody,
  byId,
  emptyPrincipalLinks,
  sortedLinks,
} from '../snapshot/bodies';
import { withoutVolatile } from '../snapshot/canonical';
import { ChangeCounts, CheckpointDocument, EntryCounts, EntryLabel, HistoryEvent, SnapshotDocument } from '../snapshot/documents';
import { EntryKind, entryKey, parseEntryKey } from '../snapshot/keys';
import { LoadedManifest, buildManifest, loadManifest } from '../snapshot/manifest';
import { PendingVersion, SnapshotRepository } from '../snapshot/repository';
import { updateNameIndex } from '../query/name-index';
import { DEFAULT_LEASE_TTL_MS, acquireLease, holdLease } from './lease';
import { readAhead } from './read-ahead';

export interface BackupOptions {
  /** `auto` (default): incremental from the latest snapshot when there is one; `full`: re-read everything. */
  mode?: 'auto' | 'full';
  leaseOwner?: string;
  leaseTtlMs?: number;
  now?: () => Date;
  onProgress?: (progress: BackupProgress) => void;
}

export interface BackupProgress {
  phase: 'users' | 'groups' | 'roles' | 'administrativeUnits' | 'licenses' | 'recycleBin' | 'links' | 'commit';
  pages: number;
  entries: number;
}

export interface BackupResult {
  snapshot: SnapshotDocument;
  resumed: boolean;
}

/** Versions buffered before a write; writes run behind the Graph reads, at most MAX_WRITES_IN_FLIGHT at a time. */
const FLUSH_AT = 5_000;
const MAX_WRITES_IN_FLIGHT = 2;

type LinkRole = 'memberOf' | 'ownerOf' | 'unitMemberOf' | 'directReports';

interface PrincipalChange {
  add: Map<LinkRole | 'roles', Set<string>>;
  remove: Map<LinkRole | 'roles', Set<string>>;
}

export async function runBackup(gateway: DirectoryGateway, store: SnapshotStore, options: BackupOptions = {}): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  const startedClock = Date.now();
  const baseline = gateway.stats();
  const tenant = await gateway.getTenant();
  const repository = new SnapshotRepository(store, tenant.tenantId);
  const owner = options.leaseOwner ?? `${hostname()}:${process.pid}`;
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const lease = holdLease(await acquireLease(repository, owner, leaseTtlMs, now), leaseTtlMs, 'this tenant\'s backup');
  try {
    const run = new BackupRun(gateway, repository, options, now, owner, baseline);
    const result = await run.execute();
    result.snapshot.stats.durationMs = Date.now() - startedClock;
    // A backup whose lease was taken over while it stalled must not commit: the new holder may be writing histories.
    lease.assertHeld();
    await repository.commitSnapshot(result.snapshot);
    await store.delete('snapshots', { pk: tenant.tenantId, id: 'checkpoint' });
    return result;
  } finally {
    await lease.release();
  }
}

class BackupRun {
  private entries = new Map<string, string>();
  private parentManifest?: LoadedManifest;
  private pending: PendingVersion[] = [];
  private writes: Promise<void>[] = [];
  private events: { key: string; event: HistoryEvent; label?: EntryLabel }[] = [];
  private changes: ChangeCounts = { created: {}, changed: {}, deleted: {} };
  private principalChanges = new Map<string, PrincipalChange>();
  /** Users whose entry changed or left in this backup → their manager now (null: none, or the user is gone). */
  private managerEdges = new Map<string, string | null>();
  private snapshotId = '';
  private startedAt = '';
  private notes: string[] = [];
  private progress: BackupProgress = { phase: 'users', pages: 0, entries: 0 };
  constructor(
    private readonly gateway: DirectoryGateway,
    private readonly repository: SnapshotRepository,
    private readonly options: BackupOptions,
    private readonly now: () => Date,
    private readonly owner: string,
    /** Gateway counters before the backup's first request (the tenant lookup), so the snapshot counts all of it. */
    private readonly baseline: GatewayStats,
  ) {}

  async execute(): Promise<BackupResult> {
    const snapshots = await this.repository.listSnapshots();
    const parent = snapshots.at(-1);
    const checkpoint = await this.repository.read<CheckpointDocument>('snapshots', { pk: this.repository.tenantId, id: 'checkpoint' });
    const resumed = !!checkpoint && checkpoint.document.parentId === (parent?.id ?? null);
    let mode: 'full' | 'incremental' = this.options.mode === 'full' || !parent ? 'full' : 'incremental';
    if (resumed) {
      this.snapshotId = checkpoint.document.snapshotId;
      this.startedAt = checkpoint.document.startedAt;
      mode = checkpoint.document.mode;
    } else {
      const started = this.now();
      this.startedAt = started.toISOString();
      this.snapshotId = newSnapshotId(started, parent?.id);
      const document: CheckpointDocument = {
        id: 'checkpoint', pk: this.repository.tenantId, tenantId: this.repository.tenantId, type: 'checkpoint',
        snapshotId: this.snapshotId, startedAt: this.startedAt, mode, parentId: parent?.id ?? null, owner: this.owner,
      };
      await this.repository.store.upsert('snapshots', document);
    }
    if (parent) {
      this.parentManifest = await loadManifest(this.repository, parent.manifestHash);
      this.entries = new Map(this.parentManifest.entries);
    }
    // The two delta rounds are independent chains of pages; the other reads are a handful of requests. Running
    // them side by side makes the longer round, not the sum, the backup's critical path.
    const [usersLink, groupsLink] = await Promise.all([
      this.roundWithFallback('users', mode === 'incremental' ? parent?.deltaLinks.users : undefined, (link) => this.usersRound(link)),
      this.roundWithFallback('groups', mode === 'incremental' ? parent?.deltaLinks.groups : undefined, (link) => this.groupsRound(link)),
      this.backupRoles(),
      this.backupAdministrativeUnits(),
      this.backupLicensesAndRecycleBin(),
    ]);
    await this.updateReverseIndex();
    await this.flush(true);
    this.report('commit');
    await this.repository.appendHistoryEvents(this.events, { firstBackup: !parent });
    await updateNameIndex(this.repository, this.events.filter((e) => e.label && e.event.hash !== null).map((e) => ({ key: e.key, label: e.label! })));
    const { manifest, newNodes } = buildManifest(this.repository.tenantId, this.entries, this.parentManifest);
    await this.repository.store.createMany('objects', newNodes);
    const stats = this.gateway.stats();
    const snapshot: SnapshotDocument = {
      id: this.snapshotId, pk: this.repository.tenantId, tenantId: this.repository.tenantId, type: 'snapshot',
      mode, parentId: parent?.id ?? null, startedAt: this.startedAt, completedAt: this.now().toISOString(),
      manifestHash: manifest.rootHash, counts: countEntries(this.entries), changes: this.changes,
      deltaLinks: { users: usersLink, groups: groupsLink },
      stats: {
        requests: stats.requests - this.baseline.requests,
        operations: stats.operations - this.baseline.operations,
        resourceUnits: stats.resourceUnits - this.baseline.resourceUnits,
        throttled: stats.throttled - this.baseline.throttled,
        retries: stats.retries - this.baseline.retries,
        durationMs: 0,
        storedBytes: this.repository.storedBytes + newNodes.reduce((sum, n) => sum + Buffer.byteLength(JSON.stringify(n)), 0),
      },
      notes: this.notes,
    };
    return { snapshot, resumed };
  }

  // ------------------------------------------------------------ entries

  /** Records `body` as the entry's version in this snapshot; writes it only if it differs from the parent's. */
  private async put(key: string, body: unknown, label?: EntryLabel): Promise<boolean> {
    const hash = SnapshotRepository.hashOf(body);
    const previous = this.entries.get(key);
    if (previous === hash) return false;
    const parentHash = this.parentManifest?.entries.get(key);
    this.entries.set(key, hash);
    const kind = parseEntryKey(key).kind;
    bump(parentHash === undefined ? this.changes.created : this.changes.changed, kind);
    this.pending.push({ key, hash, body });
    this.events.push({ key, event: { snapshotId: this.snapshotId, at: this.startedAt, hash }, label });
    if (this.pending.length >= FLUSH_AT) await this.flush();
    return true;
  }

  private remove(key: string): void {
    if (!this.entries.has(key)) return;
    this.entries.delete(key);
    const parsed = parseEntryKey(key);
    if (parsed.kind === 'user' && parsed.id) this.managerEdges.set(parsed.id, null);
    bump(this.changes.deleted, parseEntryKey(key).kind);
    this.events.push({ key, event: { snapshotId: this.snapshotId, at: this.startedAt, hash: null } });
  }

  /**
   * Starts writing the buffered versions without waiting for them (the next Graph page is fetched meanwhile);
   * waits only when too many writes are in flight, or for all of them with `drain`. History events and the manifest
   * are written after a drain, so they never reference a version that is not stored.
   */
  private async flush(drain = false): Promise<void> {
    if (this.pending.length) {
      const write = this.repository.writeVersions(this.pending);
      write.catch(() => undefined);
      this.writes.push(write);
      this.pending = [];
    }
    while (this.writes.length > (drain ? 0 : MAX_WRITES_IN_FLIGHT)) await this.writes.shift();
  }

  /** The entry's body as of the parent snapshot (for applying incremental changes). */
  private async parentBodies<T>(keys: string[]): Promise<Map<string, T>> {
    const refs = keys.flatMap((key) => {
      const hash = this.parentManifest?.entries.get(key);
      return hash ? [{ key, hash }] : [];
    });
    const bodies = await this.repository.readVersions<T>(refs);
    const result = new Map<string, T>();
    refs.forEach((ref, i) => {
      const body = bodies[i];
      if (body === undefined) throw new Error(`version ${ref.hash} of ${ref.key} is missing from the store: run \`rewind check\``);
      result.set(ref.key, body);
    });
    return result;
  }

  private report(phase: BackupProgress['phase'], pages = 0): void {
    this.progress = { phase, pages, entries: this.entries.size };
    this.options.onProgress?.(this.progress);
  }

  // ------------------------------------------------------------ users

  /**
   * Runs an incremental round from `deltaLink`. Falls back to a full round, noted on the snapshot, when the link
   * expired or was reset by Graph, or when the adapter refuses it before any request because it is not on the
   * configured Graph (another origin: data made against another simulator port or environment). A foreign link is
   * never followed. Both refusals come before the round's first page, so nothing of the round has been applied.
   */
  private async roundWithFallback(resource: 'users' | 'groups', deltaLink: string | undefined, round: (link: string | undefined) => Promise<string>): Promise<string> {
    try {
      return await round(deltaLink);
    } catch (error) {
      if (!deltaLink) throw error;
      if (isDeltaTokenExpiredError(error)) {
        this.notes.push(`${resource}: the stored delta link had expired or was reset by Graph; a full round was read instead`);
      } else if (isConfigurationError(error) && error.refusedLink === deltaLink) {
        this.notes.push(`${resource}: the stored delta link points at ${this.originOf(deltaLink)}, not the configured Graph; it was not followed, and a full round was read instead`);
      } else {
        throw error;
      }
      return round(undefined);
    }
  }

  /** Where a link points, for a note: its origin only (the query holds the delta token). */
  private originOf(link: string): string {
    try {
      return new URL(link).origin;
    } catch {
      return 'something that is not a URL';
    }
  }

  private async usersRound(deltaLink: string | undefined): Promise<string> {
    const full = deltaLink === undefined;
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of readAhead(this.gateway.deltaUsers({ deltaLink }))) {
      pages++;
      const previous = full ? new Map<string, UserBody>() : await this.parentBodies<UserBody>(
        page.items.filter((u) => !u.removed && (u.attributes === undefined || u.managerId === undefined)).map((u) => entryKey('user', u.id)),
      );
      for (const user of page.items) {
        seen.add(user.id);
        await this.applyUser(user, previous.get(entryKey('user', user.id)), full);
      }
      this.report('users', pages);
      if (page.deltaLink) {
        if (full) this.removeUnseen('user', seen);
        return page.deltaLink;
      }
    }
    throw new Error('the users delta round ended without a deltaLink');
  }

  private async applyUser(user: UserDelta, previous: UserBody | undefined, full: boolean): Promise<void> {
    const key = entryKey('user', user.id);
    if (user.removed) {
      this.remove(key);
      this.remove(entryKey('links', user.id));
      return;
    }
    const attributes = user.attributes ? withoutVolatile(user.attributes) : previous ? withoutPrevious(previous) : undefined;
    if (!attributes) return;
    const managerId = user.managerId !== undefined ? user.managerId : full ? null : (previous?.managerId ?? null);
    const body: UserBody = { ...attributes, managerId };
    if (await this.put(key, body, labelOf(body))) this.managerEdges.set(user.id, managerId);
  }

  private removeUnseen(kind: EntryKind, seen: Set<string>, companions: EntryKind[] = []): void {
    for (const key of [...this.entries.keys()]) {
      const parsed = parseEntryKey(key);
      if (parsed.kind === kind && parsed.id && !seen.has(parsed.id)) {
        this.remove(key);
        for (const companion of companions) this.remove(entryKey(companion, parsed.id));
      }
    }
  }

  // ------------------------------------------------------------ groups

  private async groupsRound(deltaLink: string | undefined): Promise<string> {
    const full = deltaLink === undefined;
    const seen = new Set<string>();
    const members = new Map<string, LinkChange[]>();
    const owners = new Map<string, LinkChange[]>();
    const removed = new Set<string>();
    let pages = 0;
    let link: string | undefined;
    for await (const page of readAhead(this.gateway.deltaGroups({ deltaLink }))) {
      pages++;
      for (const group of page.items) await this.applyGroup(group, seen, members, owners, removed);
      this.report('groups', pages);
      if (page.deltaLink) {
        link = page.deltaLink;
        break;
      }
    }
    if (!link) throw new Error('the groups delta round ended without a deltaLink');
    for (const id of removed) {
      await this.removeLinkSet('members', id, 'memberOf');
      await this.removeLinkSet('owners', id, 'ownerOf');
    }
    if (full) {
      for (const id of seen) {
        if (removed.has(id)) continue;
        await this.putLinkSet('members', id, 'memberOf', members.get(id) ?? [], true);
        await this.putLinkSet('owners', id, 'ownerOf', owners.get(id) ?? [], true);
      }
      for (const key of [...this.entries.keys()]) {
        const parsed = parseEntryKey(key);
        if (parsed.kind === 'group' && parsed.id && !seen.has(parsed.id)) {
          this.remove(key);
          await this.removeLinkSet('members', parsed.id, 'memberOf');
          await this.removeLinkSet('owners', parsed.id, 'ownerOf');
        }
      }
    } else {
      for (const [id, changes] of members) if (!removed.has(id)) await this.putLinkSet('members', id, 'memberOf', changes, false);
      for (const [id, changes] of owners) if (!removed.has(id)) await this.putLinkSet('owners', id, 'ownerOf', changes, false);
    }
    return link;
  }

  private async applyGroup(group: GroupDelta, seen: Set<string>, members: Map<string, LinkChange[]>, owners: Map<string, LinkChange[]>, removed: Set<string>): Promise<void> {
    const key = entryKey('group', group.id);
    if (group.removed) {
      removed.add(group.id);
      this.remove(key);
      return;
    }
    removed.delete(group.id);
    seen.add(group.id);
    if (group.attributes) {
      const body = withoutVolatile(group.attributes);
      await this.put(key, body, labelOf(body));
    }
    if (group.members) appendTo(members, group.id, group.members);
    if (group.owners) appendTo(owners, group.id, group.owners);
  }

  /**
   * Stores a forward link set (members, owners, unit members) and records, per principal, what it gained or lost
   * against the parent's set, for the reverse index. `complete`: `changes` list the whole set (initial round);
   * otherwise they are applied to the parent's set.
   */
  private async putLinkSet(kind: 'members' | 'owners' | 'unitMembers', ownerId: string, role: LinkRole, changes: LinkChange[], complete: boolean): Promise<void> {
    const key = entryKey(kind, ownerId);
    const parentSet = this.parentManifest?.entries.has(key) ? (await this.parentBodies<LinkSetBody>([key])).get(key)! : { links: [] };
    const current = new Map<string, LinkRef>(complete ? [] : parentSet.links.map((l) => [l.id, l]));
    for (const change of changes) {
      if (change.removed) current.delete(change.id);
      else current.set(change.id, { id: change.id, type: change.type });
    }
    const body: LinkSetBody = { links: sortedLinks(current.values()) };
    if (SnapshotRepository.hashOf(body) === this.entries.get(key)) return;
    const before = new Set(parentSet.links.map((l) => l.id));
    for (const id of current.keys()) if (!before.has(id)) this.principalChange(id, 'add', role, ownerId);
    for (const id of before) if (!current.has(id)) this.principalChange(id, 'remove', role, ownerId);
    await this.put(key, body);
  }

  private async removeLinkSet(kind: 'members' | 'owners' | 'unitMembers', ownerId: string, role: LinkRole): Promise<void> {
    const key = entryKey(kind, ownerId);
    if (!this.entries.has(key)) return;
    const parentSet = this.parentManifest?.entries.has(key) ? (await this.parentBodies<LinkSetBody>([key])).get(key)! : { links: [] };
    for (const link of parentSet.links) this.principalChange(link.id, 'remove', role, ownerId);
    this.remove(key);
  }

  private principalChange(principalId: string, direction: 'add' | 'remove', role: LinkRole | 'roles', target: string): void {
    let change = this.principalChanges.get(principalId);
    if (!change) this.principalChanges.set(principalId, (change = { add: new Map(), remove: new Map() }));
    const opposite = direction === 'add' ? change.remove : change.add;
    if (opposite.get(role)?.delete(target)) return;
    const side = direction === 'add' ? change.add : change.remove;
    let set = side.get(role);
    if (!set) side.set(role, (set = new Set()));
    set.add(target);
  }

  // ------------------------------------------------------------ roles, units, licenses, recycle bin

  private async backupRoles(): Promise<void> {
    this.report('roles');
    const definitions = await this.gateway.listRoleDefinitions();
    const seen = new Set<string>();
    for (const definition of definitions) {
      seen.add(definition.id);
      await this.put(entryKey('roleDefinition', definition.id), definition, { displayName: definition.displayName });
    }
    const assignments = await this.gateway.listRoleAssignments();
    const byRole = new Map<string, RoleAssignmentsBody['assignments']>();
    const changedRoleDefinitions = new Set<string>();
    for (const a of assignments) appendTo(byRole, a.roleDefinitionId, [{ id: a.id, principalId: a.principalId, directoryScopeId: a.directoryScopeId }]);
    for (const definition of definitions) {
      const key = entryKey('roleAssignments', definition.id);
      const list = (byRole.get(definition.id) ?? []).sort(byId);
      const body: RoleAssignmentsBody = { assignments: list };
      if (SnapshotRepository.hashOf(body) === this.entries.get(key)) continue;
      const parentBody = this.parentManifest?.entries.has(key) ? (await this.parentBodies<RoleAssignmentsBody>([key])).get(key)! : { assignments: [] };
      const roleToken = (a: { principalId: string; directoryScopeId: string }) => `${definition.id}|${a.directoryScopeId}`;
      const before = new Set(parentBody.assignments.map((a) => `${a.principalId}\n${roleToken(a)}`));
      const after = new Set(list.map((a) => `${a.principalId}\n${roleToken(a)}`));
      for (const token of after) if (!before.has(token)) this.principalChange(token.split('\n')[0], 'add', 'roles', token.split('\n')[1]);
      for (const token of before) if (!after.has(token)) this.principalChange(token.split('\n')[0], 'remove', 'roles', token.split('\n')[1]);
      changedRoleDefinitions.add(definition.id);
      await this.put(key, body);
    }
    this.removeUnseen('roleDefinition', seen, ['roleAssignments']);
    // A directory role's members are its assignments at the tenant scope seen through the legacy API: they are read
    // again only for roles whose assignments changed (or that the parent does not have), which keeps an incremental
    // backup from paying a $batch item per role.
    const templateOf = new Map(definitions.map((d) => [d.id, d.templateId]));
    const changedTemplates = new Set([...changedRoleDefinitions].map((id) => templateOf.get(id) ?? id));
    const roles = await this.gateway.listDirectoryRoles({
      readMembers: (templateId) => !this.parentManifest?.entries.has(entryKey('directoryRole', templateId)) || changedTemplates.has(templateId),
    });
    const seenRoles = new Set<string>();
    for (const role of roles) {
      seenRoles.add(role.roleTemplateId);
      if (!role.members) continue;
      const body: DirectoryRoleBody = { displayName: role.displayName, roleTemplateId: role.roleTemplateId, links: sortedLinks(role.members) };
      await this.put(entryKey('directoryRole', role.roleTemplateId), body, { displayName: role.displayName });
    }
    this.removeUnseen('directoryRole', seenRoles);
  }

  private async backupAdministrativeUnits(): Promise<void> {
    this.report('administrativeUnits');
    const units = await this.gateway.listAdministrativeUnits();
    const seen = new Set<string>();
    for (const unit of units) {
      seen.add(unit.id);
      const body = withoutVolatile(unit.attributes);
      await this.put(entryKey('administrativeUnit', unit.id), body, labelOf(body));
      await this.putLinkSet('unitMembers', unit.id, 'unitMemberOf', unit.members.map((m) => ({ ...m, removed: false })), true);
    }
    for (const key of [...this.entries.keys()]) {
      const parsed = parseEntryKey(key);
      if (parsed.kind === 'administrativeUnit' && parsed.id && !seen.has(parsed.id)) {
        this.remove(key);
        await this.removeLinkSet('unitMembers', parsed.id, 'unitMemberOf');
      }
    }
  }

  private async backupLicensesAndRecycleBin(): Promise<void> {
    this.report('licenses');
    const skus = (await this.gateway.listSubscribedSkus()).sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0));
    await this.put(entryKey('subscribedSkus'), { skus } satisfies SubscribedSkusBody);
    this.report('recycleBin');
    const items = [
      ...(await this.gateway.listDeletedItems('user')),
      ...(await this.gateway.listDeletedItems('group')),
      ...(await this.gateway.listDeletedItems('administrativeUnit')),
    ].sort(byId);
    await this.put(entryKey('recycleBin'), { items } satisfies RecycleBinBody);
  }

  // ------------------------------------------------------------ reverse index

  /** Turns changed manager links into `directReports` changes of the old and new managers. */
  private async collectManagerChanges(): Promise<void> {
    const users = [...this.managerEdges.keys()];
    for (let i = 0; i < users.length; i += FLUSH_AT) {
      const slice = users.slice(i, i + FLUSH_AT);
      const previous = await this.parentBodies<UserBody>(slice.map((id) => entryKey('user', id)));
      for (const userId of slice) {
        const before = previous.get(entryKey('user', userId))?.managerId ?? null;
        const after = this.managerEdges.get(userId) ?? null;
        if (before === after) continue;
        if (before) this.principalChange(before, 'remove', 'directReports', userId);
        if (after) this.principalChange(after, 'add', 'directReports', userId);
      }
    }
  }

  private async updateReverseIndex(): Promise<void> {
    this.report('links');
    await this.collectManagerChanges();
    const principals = [...this.principalChanges.keys()];
    for (let i = 0; i < principals.length; i += FLUSH_AT) {
      const slice = principals.slice(i, i + FLUSH_AT);
      const keys = slice.map((id) => entryKey('links', id));
      const previous = await this.parentBodies<PrincipalLinksBody>(keys.filter((k) => this.entries.has(k)));
      for (const [index, principalId] of slice.entries()) {
        const key = keys[index];
        const base = this.entries.has(key) ? (previous.get(key) ?? emptyPrincipalLinks()) : emptyPrincipalLinks();
        const change = this.principalChanges.get(principalId)!;
        const body = applyPrincipalChange(base, change);
        const principalExists = this.entries.has(entryKey('user', principalId)) || this.entries.has(entryKey('group', principalId));
        if (!principalExists || isEmptyLinks(body)) this.remove(key);
        else await this.put(key, body);
      }
    }
  }
}

function applyPrincipalChange(base: PrincipalLinksBody, change: PrincipalChange): PrincipalLinksBody {
  const apply = (values: string[], role: LinkRole | 'roles') => {
    const set = new Set(values);
    for (const v of change.remove.get(role) ?? []) set.delete(v);
    for (const v of change.add.get(role) ?? []) set.add(v);
    return [...set].sort();
  };
  const roles = apply(base.roles.map((r) => `${r.roleDefinitionId}|${r.directoryScopeId}`), 'roles').map((token) => {
    const [roleDefinitionId, directoryScopeId] = token.split('|');
    return { roleDefinitionId, directoryScopeId };
  });
  return {
    memberOf: apply(base.memberOf, 'memberOf'), ownerOf: apply(base.ownerOf, 'ownerOf'), unitMemberOf: apply(base.unitMemberOf, 'unitMemberOf'),
    roles, directReports: apply(base.directReports ?? [], 'directReports'),
  };
}

function isEmptyLinks(body: PrincipalLinksBody): boolean {
  return !body.memberOf.length && !body.ownerOf.length && !body.unitMemberOf.length && !body.roles.length && !body.directReports.length;
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}

function bump(counts: EntryCounts, kind: EntryKind): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

function countEntries(entries: Map<string, string>): EntryCounts {
  const counts: EntryCounts = {};
  for (const key of entries.keys()) bump(counts, parseEntryKey(key).kind);
  return counts;
}

function labelOf(body: Record<string, unknown>): EntryLabel {
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { displayName: text(body.displayName), userPrincipalName: text(body.userPrincipalName), mail: text(body.mail) };
}

function withoutPrevious(previous: UserBody): Record<string, unknown> {
  const { managerId: _managerId, ...attributes } = previous;
  void _managerId;
  return attributes;
}

/**
 * Snapshot ids sort in commit order (readers rely on it): `20261125T120000123Z-1a2b3c`, the start time to the
 * millisecond, moved past `after` (the parent's id) if the clock is behind it, plus a random suffix.
 */
export function newSnapshotId(at: Date, after?: string): string {
  const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '');
  let time = at.getTime();
  if (after) {
    const parentTime = parseSnapshotTime(after);
    if (parentTime !== undefined && time <= parentTime) time = parentTime + 1;
  }
  return `${stamp(new Date(time))}-${randomBytes(3).toString('hex')}`;
}

function parseSnapshotTime(id: string): number | undefined {
  const match = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z-/.exec(id);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}
