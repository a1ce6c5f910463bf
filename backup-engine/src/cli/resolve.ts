/**
 * `<kind> <name>` → one stored object, through `SnapshotQueries.findObjects` (id, UPN, mail or name prefix).
 * Exactly one match of the kind → it. Several → the one whose display name or UPN equals the text, if exactly one
 * does; otherwise `AmbiguousNameError` listing them all. None → `NotFoundError`, with a hint: the same name as
 * another kind, or close names.
 */
import type { FoundObject, NamedKind, SnapshotQueries } from '../query/snapshot-queries';
import { AmbiguousNameError, NotFoundError } from './errors';
import { kindLabel } from './format';
import type { KindArgument } from './parse-args';

export type ObjectEntryKind = 'user' | 'group' | 'roleDefinition' | 'administrativeUnit';

export const ENTRY_KIND: Record<KindArgument, ObjectEntryKind> = {
  user: 'user', group: 'group', role: 'roleDefinition', unit: 'administrativeUnit',
};

export async function resolveObject(queries: SnapshotQueries, kind: KindArgument, name: string): Promise<FoundObject> {
  const wanted: NamedKind = ENTRY_KIND[kind];
  await queries.resolveSnapshot(); // no snapshots yet → SnapshotNotFoundError ("run a backup first"), not "no match"
  const all = await queries.findObjects(name);
  const matches = all.filter((f) => f.kind === wanted);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const text = name.trim().toLowerCase();
    const exact = matches.filter((m) => m.displayName.toLowerCase() === text || m.userPrincipalName?.toLowerCase() === text);
    if (exact.length === 1) return exact[0];
    throw new AmbiguousNameError(`"${name}" matches ${matches.length} ${kind}s`, matches);
  }
  const otherKinds = all.filter((f) => (f.kind as string) !== 'directoryRole');
  if (otherKinds.length) {
    const first = otherKinds[0];
    throw new NotFoundError(
      `no ${kind} matches "${name}"`,
      `it matches ${otherKinds.length === 1 ? `a ${kindLabel(first.kind)}` : `${otherKinds.length} objects of other kinds`}: try \`rewind find ${name}\``,
      otherKinds,
    );
  }
  const close = await closeNames(queries, wanted, name);
  throw new NotFoundError(
    `no ${kind} matches "${name}"`,
    close.length ? `close names: ${close.map((c) => c.userPrincipalName ?? c.displayName).join(', ')}` : 'names are matched by prefix (a UPN, a mail, a name, or a word of it); try `rewind find <text>`',
    close,
  );
}

/** Objects of the kind whose names share the first three characters of `name`. */
async function closeNames(queries: SnapshotQueries, kind: NamedKind, name: string): Promise<FoundObject[]> {
  const text = name.trim();
  if (text.length <= 3) return [];
  const found = await queries.findObjects(text.slice(0, 3)).catch(() => [] as FoundObject[]);
  return found.filter((f) => f.kind === kind).slice(0, 5);
}
