/**
 * A snapshot manifest maps every entry key to its version hash. It is stored as a content-addressed tree (a
 * Merkle tree, like restic's trees): a root → 64 inner nodes → up to 256 leaves each; an entry lives in the leaf
 * chosen by the first 14 bits of SHA-256(key). Leaves hold few entries, so an incremental backup rewrites only the
 * leaves its changes touch, and comparing two snapshots reads only the subtrees whose hashes differ.
 */
import { contentHash, sha256Hex } from './canonical';
import { TreeNodeDocument } from './documents';
import { manifestPartition } from './keys';
import { SnapshotRepository } from './repository';

const LEAVES_PER_INNER = 256;

export interface LoadedManifest {
  rootHash: string;
  innerHashes: Map<number, string>;
  leafHashes: Map<number, string>;
  entries: Map<string, string>;
}

export interface ManifestDiff {
  created: { key: string; hash: string }[];
  deleted: { key: string; hash: string }[];
  changed: { key: string; from: string; to: string }[];
}

export function leafIndexOf(key: string): number {
  return parseInt(sha256Hex(key).slice(0, 4), 16) >> 2;
}

function node(tenantId: string, content: Pick<TreeNodeDocument, 'children' | 'entries'>): TreeNodeDocument {
  return { id: contentHash(content), pk: manifestPartition(tenantId), tenantId, type: 'tree', ...content };
}

/**
 * Builds the tree for `entries`; returns its root hash and the nodes that `previous` does not already have
 * (those are the only ones to write).
 */
export function buildManifest(tenantId: string, entries: Map<string, string>, previous?: LoadedManifest): {
  manifest: LoadedManifest;
  newNodes: TreeNodeDocument[];
} {
  const leaves = new Map<number, [string, string][]>();
  for (const [key, hash] of entries) {
    const index = leafIndexOf(key);
    let leaf = leaves.get(index);
    if (!leaf) leaves.set(index, (leaf = []));
    leaf.push([key, hash]);
  }
  const newNodes: TreeNodeDocument[] = [];
  const leafHashes = new Map<number, string>();
  const innerChildren = new Map<number, Record<string, string>>();
  for (const [index, leafEntries] of [...leaves].sort((a, b) => a[0] - b[0])) {
    leafEntries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const leaf = node(tenantId, { entries: leafEntries });
    leafHashes.set(index, leaf.id);
    if (previous?.leafHashes.get(index) !== leaf.id) newNodes.push(leaf);
    const inner = Math.floor(index / LEAVES_PER_INNER);
    let children = innerChildren.get(inner);
    if (!children) innerChildren.set(inner, (children = {}));
    children[String(index % LEAVES_PER_INNER)] = leaf.id;
  }
  const innerHashes = new Map<number, string>();
  const rootChildren: Record<string, string> = {};
  for (const [index, children] of [...innerChildren].sort((a, b) => a[0] - b[0])) {
    const inner = node(tenantId, { children });
    innerHashes.set(index, inner.id);
    rootChildren[String(index)] = inner.id;
    if (previous?.innerHashes.get(index) !== inner.id) newNodes.push(inner);
  }
  const root = node(tenantId, { children: rootChildren });
  if (previous?.rootHash !== root.id) newNodes.push(root);
  return { manifest: { rootHash: root.id, innerHashes, leafHashes, entries }, newNodes };
}

async function readNodes(repository: SnapshotRepository, hashes: string[]): Promise<TreeNodeDocument[]> {
  const pk = manifestPartition(repository.tenantId);
  const documents = await repository.store.readMany<TreeNodeDocument>('objects', hashes.map((id) => ({ pk, id })));
  return documents.map((d, i) => {
    if (!d) throw new Error(`manifest node ${hashes[i]} is missing: run \`rewind check\``);
    return d;
  });
}

export async function loadManifest(repository: SnapshotRepository, rootHash: string): Promise<LoadedManifest> {
  const [root] = await readNodes(repository, [rootHash]);
  const innerIndexes = Object.keys(root.children ?? {}).map(Number);
  const inners = await readNodes(repository, innerIndexes.map((i) => root.children![String(i)]));
  const innerHashes = new Map<number, string>();
  const leafRefs: { index: number; hash: string }[] = [];
  inners.forEach((inner, position) => {
    const innerIndex = innerIndexes[position];
    innerHashes.set(innerIndex, inner.id);
    for (const [child, hash] of Object.entries(inner.children ?? {})) {
      leafRefs.push({ index: innerIndex * LEAVES_PER_INNER + Number(child), hash });
    }
  });
  const leaves = await readNodes(repository, leafRefs.map((l) => l.hash));
  const leafHashes = new Map<number, string>();
  const entries = new Map<string, string>();
  leaves.forEach((leaf, position) => {
    leafHashes.set(leafRefs[position].index, leaf.id);
    for (const [key, hash] of leaf.entries ?? []) entries.set(key, hash);
  });
  return { rootHash, innerHashes, leafHashes, entries };
}

/**
 * Entry lookups that read only the root, the inner nodes and the leaves the asked keys live in: planning a restore
 * of a few objects reads a few dozen nodes instead of every leaf of the manifest. Nodes read are kept for the
 * lookup's lifetime (a node is read again only if two `get` calls ask for it at the same moment). `get` returns the
 * hash of each asked key present in the manifest; absent keys are left out. A failed read fails the `get`.
 */
export class ManifestLookup {
  private root?: Promise<TreeNodeDocument>;
  private readonly inners = new Map<number, TreeNodeDocument | undefined>();
  private readonly leaves = new Map<number, Map<string, string>>();

  constructor(private readonly repository: SnapshotRepository, private readonly rootHash: string) {}

  async get(keys: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(keys.map(leafIndexOf))].filter((leaf) => !this.leaves.has(leaf));
    if (wanted.length) await this.readLeaves(wanted);
    const found = new Map<string, string>();
    for (const key of keys) {
      const hash = this.leaves.get(leafIndexOf(key))?.get(key);
      if (hash !== undefined) found.set(key, hash);
    }
    return found;
  }

  private async readLeaves(leafIndexes: number[]): Promise<void> {
    this.root ??= readNodes(this.repository, [this.rootHash]).then(([root]) => root);
    const root = await this.root.catch((error: unknown) => {
      this.root = undefined; // a failed read is not remembered
      throw error;
    });
    const innerIndexes = [...new Set(leafIndexes.map((leaf) => Math.floor(leaf / LEAVES_PER_INNER)))].filter((i) => !this.inners.has(i));
    const present = innerIndexes.filter((i) => root.children?.[String(i)] !== undefined);
    const inners = await readNodes(this.repository, present.map((i) => root.children![String(i)]));
    for (const i of innerIndexes) this.inners.set(i, present.includes(i) ? inners[present.indexOf(i)] : undefined);
    const refs = leafIndexes.map((leaf) => ({ leaf, hash: this.inners.get(Math.floor(leaf / LEAVES_PER_INNER))?.children?.[String(leaf % LEAVES_PER_INNER)] }));
    const stored = refs.filter((r): r is { leaf: number; hash: string } => r.hash !== undefined);
    const nodes = await readNodes(this.repository, stored.map((r) => r.hash));
    for (const ref of refs) this.leaves.set(ref.leaf, new Map(ref.hash === undefined ? [] : (nodes[stored.indexOf(ref as { leaf: number; hash: string })].entries ?? [])));
  }
}

/** Every node hash a manifest reaches (for prune and check). */
export async function manifestNodeHashes(repository: SnapshotRepository, rootHash: string): Promise<{ nodes: string[]; manifest: LoadedManifest }> {
  const manifest = await loadManifest(repository, rootHash);
  return { nodes: [rootHash, ...manifest.innerHashes.values(), ...manifest.leafHashes.values()], manifest };
}

/** Compares two manifests, descending only into subtrees whose hashes differ. */
export async function diffManifests(repository: SnapshotRepository, fromRoot: string, toRoot: string): Promise<ManifestDiff> {
  const diff: ManifestDiff = { created: [], deleted: [], changed: [] };
  if (fromRoot === toRoot) return diff;
  const [from, to] = await readNodes(repository, [fromRoot, toRoot]);
  const innerIndexes = new Set([...Object.keys(from.children ?? {}), ...Object.keys(to.children ?? {})]);
  const differingInners = [...innerIndexes].filter((i) => from.children?.[i] !== to.children?.[i]);
  const innerPairs = await Promise.all(differingInners.map(async (i) => {
    const [a, b] = await Promise.all([
      from.children?.[i] ? readNodes(repository, [from.children[i]]).then((n) => n[0]) : undefined,
      to.children?.[i] ? readNodes(repository, [to.children[i]]).then((n) => n[0]) : undefined,
    ]);
    return { a, b };
  }));
  const leafPairs: { a?: string; b?: string }[] = [];
  for (const { a, b } of innerPairs) {
    const indexes = new Set([...Object.keys(a?.children ?? {}), ...Object.keys(b?.children ?? {})]);
    for (const i of indexes) {
      if (a?.children?.[i] !== b?.children?.[i]) leafPairs.push({ a: a?.children?.[i], b: b?.children?.[i] });
    }
  }
  const hashes = [...new Set(leafPairs.flatMap((p) => [p.a, p.b]).filter((h): h is string => !!h))];
  const leaves = new Map((await readNodes(repository, hashes)).map((leaf) => [leaf.id, new Map(leaf.entries ?? [])]));
  for (const pair of leafPairs) {
    const a = pair.a ? leaves.get(pair.a)! : new Map<string, string>();
    const b = pair.b ? leaves.get(pair.b)! : new Map<string, string>();
    for (const [key, hash] of a) {
      const other = b.get(key);
      if (other === undefined) diff.deleted.push({ key, hash });
      else if (other !== hash) diff.changed.push({ key, from: hash, to: other });
    }
    for (const [key, hash] of b) if (!a.has(key)) diff.created.push({ key, hash });
  }
  const byKey = (x: { key: string }, y: { key: string }) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  diff.created.sort(byKey);
  diff.deleted.sort(byKey);
  diff.changed.sort(byKey);
  return diff;
}
