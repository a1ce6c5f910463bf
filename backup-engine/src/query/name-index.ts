/**
 * The name index: find a user, group, administrative unit or role by UPN, mail or name with point reads, never a
 * scan of the tenant (the local Cosmos server scans whole containers for every query; point reads stay ~1 ms).
 *
 * Tokens are lower-cased: the whole UPN, its part before '@', the mail, the display name, and each word of the
 * display name. A token is filed in the bucket named by its first three characters (`catalog` container, partition
 * `<tenantId>|names`). A lookup of "bob k" reads the bucket "bob" and keeps the entries whose token starts with the
 * text. Entries are never removed when an object is renamed or deleted: old names still find it (its history says
 * what it is called now); prune drops entries of objects no kept snapshot knows.
 */
import { EntryLabel, NameIndexDocument, NameIndexEntry } from '../snapshot/documents';
import { SnapshotRepository } from '../snapshot/repository';

export const NAME_PREFIX_LENGTH = 3;

export const NAME_QUERY_ERROR_NAME = 'NameQueryError';

/** A name too short to look up (fewer than three characters once normalised): bad input, never a crash. */
export class NameQueryError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = NAME_QUERY_ERROR_NAME;
  }
}

export function isNameQueryError(e: unknown): e is NameQueryError {
  return e instanceof Error && e.name === NAME_QUERY_ERROR_NAME;
}

export function normalizeName(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function tokensOf(label: EntryLabel): string[] {
  const tokens = new Set<string>();
  const add = (value: string | undefined) => {
    if (!value) return;
    const normalized = normalizeName(value);
    if (normalized.length >= NAME_PREFIX_LENGTH) tokens.add(normalized);
  };
  add(label.userPrincipalName);
  add(label.userPrincipalName?.split('@')[0]);
  add(label.mail);
  add(label.displayName);
  for (const word of normalizeName(label.displayName ?? '').split(/[\s,.()'"-]+/)) add(word);
  return [...tokens];
}

export async function updateNameIndex(repository: SnapshotRepository, labelled: { key: string; label: EntryLabel }[]): Promise<void> {
  const additions = new Map<string, NameIndexEntry[]>();
  for (const { key, label } of labelled) {
    for (const token of tokensOf(label)) {
      const prefix = token.slice(0, NAME_PREFIX_LENGTH);
      const list = additions.get(prefix) ?? [];
      list.push({ token, key, displayName: label.displayName ?? label.userPrincipalName ?? key, userPrincipalName: label.userPrincipalName });
      additions.set(prefix, list);
    }
  }
  const prefixes = [...additions.keys()];
  const existing = await repository.readNameBuckets(prefixes);
  const changed: NameIndexDocument[] = [];
  prefixes.forEach((prefix, i) => {
    const bucket = existing[i] ?? repository.newNameBucket(prefix);
    const index = new Map(bucket.entries.map((e) => [`${e.token}\n${e.key}`, e]));
    let dirty = !existing[i];
    for (const entry of additions.get(prefix)!) {
      const id = `${entry.token}\n${entry.key}`;
      const before = index.get(id);
      if (!before || before.displayName !== entry.displayName || before.userPrincipalName !== entry.userPrincipalName) {
        index.set(id, entry);
        dirty = true;
      }
    }
    if (dirty) {
      bucket.entries = [...index.values()].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : a.key < b.key ? -1 : 1));
      changed.push(bucket);
    }
  });
  await repository.writeNameBuckets(changed);
}

/** Entry keys whose tokens start with `text` (case-insensitive), most exact first. */
export async function lookupNames(repository: SnapshotRepository, text: string): Promise<NameIndexEntry[]> {
  const query = normalizeName(text);
  if (query.length < NAME_PREFIX_LENGTH) throw new NameQueryError(`type at least ${NAME_PREFIX_LENGTH} characters of a name, UPN or mail`);
  const [bucket] = await repository.readNameBuckets([query.slice(0, NAME_PREFIX_LENGTH)]);
  const best = new Map<string, { entry: NameIndexEntry; exact: boolean }>();
  for (const entry of bucket?.entries ?? []) {
    if (!entry.token.startsWith(query)) continue;
    const exact = entry.token === query;
    const current = best.get(entry.key);
    if (!current || (exact && !current.exact)) best.set(entry.key, { entry, exact });
  }
  return [...best.values()]
    .sort((a, b) => Number(b.exact) - Number(a.exact) || a.entry.displayName.localeCompare(b.entry.displayName))
    .map((v) => v.entry);
}
