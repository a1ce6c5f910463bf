/**
 * `rewind diff <kind> <name> [--from <sel>] [--to <sel>]`: only what differs between two versions of one object —
 * its attributes, and the relationships that differ between the two sides' snapshots: for users and groups their
 * links, for roles their members (principal and scope, from `roleAssignments:<id>`).
 *
 * A selector is a version hash (prefix) from `rewind versions`, a snapshot id, or a time. Defaults: the last two
 * distinct versions (by when each was last current); with only `--from`, the latest version; with only `--to`, the
 * version current before it. A version's side is read at the last snapshot it was current in. A role's versions are
 * its periods (`SnapshotQueries.roleVersions`): a change of its members alone makes a new one.
 */
import type { AttributeChange, NamedObject, RoleVersionInfo, SnapshotQueries, SnapshotRef, VersionInfo } from '../../query/snapshot-queries';
import { entryKey } from '../../snapshot/keys';
import type { CommandContext } from '../context';
import { ExitCode, NotFoundError } from '../errors';
import { cell, formatSnapshot, json, kindLabel, objectName, table, truncate } from '../format';
import { LinkedObject, linkSetAt, roleAssignmentsAt } from '../links';
import { ENTRY_KIND, ObjectEntryKind, resolveObject } from '../resolve';

interface Side {
  hash: string;
  snapshot: SnapshotRef;
  /** How it was chosen: `version`, `snapshot` (id or time) or `default`. */
  by: 'version' | 'snapshot' | 'default';
}

/** A linked object; for role assignments (a user's `roles`, a role's `members`) with the assignment's scope. */
export type ScopedObject = LinkedObject & { directoryScopeId?: string };

export interface RelationshipDifference {
  relationship: 'memberOf' | 'ownerOf' | 'administrativeUnits' | 'roles' | 'members' | 'owners';
  change: 'added' | 'removed';
  object: ScopedObject;
}

export async function diffCommand(ctx: CommandContext<'diff'>): Promise<number> {
  const { queries, output, options } = ctx;
  const object = await resolveObject(queries, options.kind, options.name);
  const entryKind = ENTRY_KIND[options.kind];
  const versions = (await queries.versions(entryKind, object.id)).sort((a, b) => a.lastSeen.snapshotId.localeCompare(b.lastSeen.snapshotId));
  if (!versions.length) throw new NotFoundError(`no version of ${options.kind} ${objectName(object)} is stored`, 'run `rewind check`');
  const rolePeriods = entryKind === 'roleDefinition' ? await queries.roleVersions(object.id) : undefined;
  const header = `${kindLabel(object.kind)} ${objectName(object)} (${object.id})`;
  if ((rolePeriods ?? versions).length === 1 && options.from === undefined && options.to === undefined) {
    const [only] = rolePeriods ?? versions;
    if (options.global.json) {
      output.stdout(json({ object: describe(object), from: null, to: side(only, 'default'), attributes: [], relationships: [], note: 'only one version is stored' }));
    } else {
      output.stdout(`${header}\nOnly one version is stored (${only.hash.slice(0, 12)}, seen ${formatSnapshot(only.firstSeen)} to ${formatSnapshot(only.lastSeen)}): nothing to compare.\nCompare relationships over time with --from <time|snapshot>.\n`);
    }
    return ExitCode.ok;
  }
  const to = options.to !== undefined ? await select(queries, entryKind, object.id, versions, options.to, '--to') : side((rolePeriods ?? versions).at(-1)!, 'default');
  const from = options.from !== undefined
    ? await select(queries, entryKind, object.id, versions, options.from, '--from')
    : (rolePeriods ? previousPeriod(rolePeriods, to) : previousSide(versions, to)) ?? to;
  const diff = from.hash === to.hash ? { attributes: [] as AttributeChange[] } : await queries.diffVersions(entryKind, object.id, from.hash, to.hash);
  const attributes = await withManagerNames(queries, diff.attributes);
  const relationships = entryKind === 'user' || entryKind === 'group'
    ? await relationshipDifferences(queries, entryKind, object.id, from.snapshot, to.snapshot)
    : entryKind === 'roleDefinition' ? await roleMemberDifferences(queries, object.id, from.snapshot, to.snapshot) : [];

  if (options.global.json) {
    output.stdout(json({ object: describe(object), from, to, attributes, ...(diff.links ? { links: diff.links } : {}), relationships }));
    return ExitCode.ok;
  }
  output.stdout(`${header}\n`);
  output.stdout(table(['', 'VERSION', 'SNAPSHOT'], [['from', from.hash.slice(0, 12), formatSnapshot(from.snapshot)], ['to', to.hash.slice(0, 12), formatSnapshot(to.snapshot)]]));
  if (!attributes.length && !relationships.length) {
    output.stdout(`\nNo differences.${from.snapshot.snapshotId === to.snapshot.snapshotId && options.from === undefined ? ' Only one version is current in that range.' : ''}\n`);
    return ExitCode.ok;
  }
  if (attributes.length) {
    output.stdout(`\nAttributes (${attributes.length})\n`);
    output.stdout(table(['ATTRIBUTE', 'FROM', 'TO'], attributes.map((a) => [a.name, truncate(cell(a.from), 60), truncate(cell(a.to), 60)]), { indent: '  ' }));
  }
  if (relationships.length) {
    output.stdout(`\nRelationships (${relationships.length})\n`);
    output.stdout(table(['CHANGE', 'RELATIONSHIP', 'NAME', 'ID'], relationships.map((r) => [r.change === 'added' ? '+ added' : '- removed', RELATIONSHIP_LABEL[r.relationship], display(r.object), r.object.id]), { indent: '  ' }));
  }
  return ExitCode.ok;
}

const RELATIONSHIP_LABEL: Record<RelationshipDifference['relationship'], string> = {
  memberOf: 'member of', ownerOf: 'owner of', administrativeUnits: 'unit', roles: 'role', members: 'member', owners: 'owner',
};

function describe(object: NamedObject & { existsNow?: boolean }) {
  return { kind: kindLabel(object.kind), id: object.id, displayName: object.displayName, userPrincipalName: object.userPrincipalName, existsNow: object.existsNow };
}

function side(version: VersionInfo | RoleVersionInfo, by: Side['by']): Side {
  return { hash: version.hash, snapshot: version.lastSeen, by };
}

/** A role's period current before `to`'s snapshot (its definition or its members differ from `to`'s). */
function previousPeriod(periods: RoleVersionInfo[], to: Side): Side | undefined {
  const chosen = periods.filter((p) => p.lastSeen.snapshotId < to.snapshot.snapshotId).at(-1);
  return chosen ? side(chosen, 'default') : undefined;
}

/** The distinct version current before `to` (the one last seen most recently before `to` was). */
function previousSide(versions: VersionInfo[], to: Side): Side | undefined {
  const before = versions.filter((v) => v.hash !== to.hash && v.lastSeen.snapshotId < to.snapshot.snapshotId);
  const chosen = before.at(-1);
  return chosen ? side(chosen, 'default') : undefined;
}

async function select(queries: SnapshotQueries, kind: ObjectEntryKind, id: string, versions: VersionInfo[], selector: string, option: string): Promise<Side> {
  if (/^[0-9a-f]{6,64}$/i.test(selector)) {
    const byHash = versions.filter((v) => v.hash.startsWith(selector.toLowerCase()));
    if (byHash.length === 1) return side(byHash[0], 'version');
  }
  const snapshot = await queries.resolveSnapshot(selector);
  const hash = await queries.hashAt(entryKey(kind, id), snapshot);
  if (!hash) {
    throw new NotFoundError(
      `${option} ${selector}: the object did not exist in snapshot ${snapshot.id} (${snapshot.completedAt})`,
      `see when it did with \`rewind versions ${kindLabel(kind)} ${id}\``,
    );
  }
  return { hash, snapshot: { snapshotId: snapshot.id, at: snapshot.completedAt }, by: 'snapshot' };
}

/** `managerId` values shown with the manager's name. */
async function withManagerNames(queries: SnapshotQueries, attributes: AttributeChange[]): Promise<AttributeChange[]> {
  return Promise.all(attributes.map(async (a) => {
    if (a.name !== 'managerId') return a;
    const label = async (value: unknown) => (typeof value === 'string' ? `${objectName((await queries.names([{ kind: 'user', id: value }]))[0])} (${value})` : value);
    return { name: a.name, from: await label(a.from), to: await label(a.to) };
  }));
}

export async function relationshipDifferences(queries: SnapshotQueries, kind: 'user' | 'group', id: string, from: SnapshotRef, to: SnapshotRef): Promise<RelationshipDifference[]> {
  if (from.snapshotId === to.snapshotId) return [];
  const [a, b] = [await queries.relationshipsAt(kind, id, from.snapshotId), await queries.relationshipsAt(kind, id, to.snapshotId)];
  const result: RelationshipDifference[] = [];
  const compare = (relationship: RelationshipDifference['relationship'], before: LinkedObject[], after: LinkedObject[], keyOf: (o: LinkedObject) => string = (o) => o.id) => {
    const beforeKeys = new Set(before.map(keyOf));
    const afterKeys = new Set(after.map(keyOf));
    for (const o of after) if (!beforeKeys.has(keyOf(o))) result.push({ relationship, change: 'added', object: o });
    for (const o of before) if (!afterKeys.has(keyOf(o))) result.push({ relationship, change: 'removed', object: o });
  };
  compare('memberOf', a.memberOf, b.memberOf);
  compare('ownerOf', a.ownerOf, b.ownerOf);
  compare('administrativeUnits', a.administrativeUnits, b.administrativeUnits);
  const roles = (r: typeof a.roles) => r.map((x) => ({ ...x.role, directoryScopeId: x.directoryScopeId }));
  compare('roles', roles(a.roles), roles(b.roles), (o) => `${o.id}|${(o as { directoryScopeId?: string }).directoryScopeId ?? ''}`);
  if (kind === 'group') {
    const [fromSnapshot, toSnapshot] = [await queries.resolveSnapshot(from.snapshotId), await queries.resolveSnapshot(to.snapshotId)];
    compare('members', await linkSetAt(queries, 'members', id, fromSnapshot), await linkSetAt(queries, 'members', id, toSnapshot));
    compare('owners', await linkSetAt(queries, 'owners', id, fromSnapshot), await linkSetAt(queries, 'owners', id, toSnapshot));
  }
  return result;
}

/** Members (principal and scope) given or taken the role between the two snapshots; a principal is a user or a group. */
export async function roleMemberDifferences(queries: SnapshotQueries, roleId: string, from: SnapshotRef, to: SnapshotRef): Promise<RelationshipDifference[]> {
  if (from.snapshotId === to.snapshotId) return [];
  const [fromSnapshot, toSnapshot] = [await queries.resolveSnapshot(from.snapshotId), await queries.resolveSnapshot(to.snapshotId)];
  const [before, after] = [await roleAssignmentsAt(queries, roleId, fromSnapshot), await roleAssignmentsAt(queries, roleId, toSnapshot)];
  const keyOf = (a: { principal: NamedObject; directoryScopeId: string }) => `${a.principal.id}|${a.directoryScopeId}`;
  const [beforeKeys, afterKeys] = [new Set(before.map(keyOf)), new Set(after.map(keyOf))];
  const difference = (change: 'added' | 'removed', a: { principal: NamedObject; directoryScopeId: string }): RelationshipDifference => ({
    relationship: 'members', change, object: { ...a.principal, directoryScopeId: a.directoryScopeId },
  });
  return [
    ...after.filter((a) => !beforeKeys.has(keyOf(a))).map((a) => difference('added', a)),
    ...before.filter((a) => !afterKeys.has(keyOf(a))).map((a) => difference('removed', a)),
  ];
}

function display(o: ScopedObject): string {
  const name = 'userPrincipalName' in o ? objectName(o) : o.displayName;
  return o.directoryScopeId && o.directoryScopeId !== '/' ? `${name} (scope ${o.directoryScopeId})` : name;
}
