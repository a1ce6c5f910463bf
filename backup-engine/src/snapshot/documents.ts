/**
 * The documents Rewind stores (docs/design.md "Stored documents" shows a real one of each kind).
 *
 * Container `objects`, partition `<tenantId>|<entryKey>`: an entry's immutable versions (id = content hash) and its
 * mutable history (id = `history`). Container `objects`, partition `<tenantId>|manifest`: manifest tree nodes
 * (id = content hash). Container `snapshots`, partition `<tenantId>`: snapshot headers (written last), the backup
 * lease and the checkpoint of a backup in progress. Container `catalog`, partition `<tenantId>|names`: the name index.
 */
import { StoredDocument } from '../ports/snapshot-store';
import { EntryKind } from './keys';

export interface VersionDocument extends StoredDocument {
  type: 'version';
  key: string;
  /** The version itself; absent when it is split into `chunks` (very large relationship sets). */
  body?: unknown;
  /** Content hashes of `chunk` documents holding `body.links` in order, for sets too large for one document. */
  chunks?: string[];
  /** `body` without `links` when chunked. */
  head?: Record<string, unknown>;
  bytes: number;
}

export interface ChunkDocument extends StoredDocument {
  type: 'chunk';
  key: string;
  links: unknown[];
}

export interface HistoryEvent {
  snapshotId: string;
  at: string;
  /** The version current from this snapshot on; null when the entry left the directory (deleted). */
  hash: string | null;
}

export interface EntryLabel {
  displayName?: string;
  userPrincipalName?: string;
  mail?: string;
}

export interface HistoryDocument extends StoredDocument {
  type: 'history';
  key: string;
  kind: EntryKind;
  label?: EntryLabel;
  /** In snapshot order; an event of a snapshot that was never committed is ignored by readers and removed by prune. */
  events: HistoryEvent[];
}

export interface TreeNodeDocument extends StoredDocument {
  type: 'tree';
  /** Root and inner nodes: child index → child hash. Leaves: sorted [entryKey, versionHash] pairs. */
  children?: Record<string, string>;
  entries?: [string, string][];
}

export type EntryCounts = Partial<Record<EntryKind, number>>;

export interface ChangeCounts {
  created: EntryCounts;
  changed: EntryCounts;
  deleted: EntryCounts;
}

export interface BackupStats {
  requests: number;
  operations: number;
  resourceUnits: number;
  throttled: number;
  retries: number;
  durationMs: number;
  /** Bytes of new documents this backup wrote (versions, chunks, tree nodes). */
  storedBytes: number;
}

export interface SnapshotDocument extends StoredDocument {
  type: 'snapshot';
  mode: 'full' | 'incremental';
  parentId: string | null;
  startedAt: string;
  completedAt: string;
  manifestHash: string;
  counts: EntryCounts;
  changes: ChangeCounts;
  deltaLinks: { users: string; groups: string };
  stats: BackupStats;
  /** Why a round was full even though an incremental one was asked for (e.g. an expired delta token). */
  notes: string[];
}

export interface LeaseDocument extends StoredDocument {
  type: 'lease';
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface NameIndexEntry {
  /** Lower-cased token: a UPN, mail, display name, or one word of it. */
  token: string;
  key: string;
  displayName: string;
  userPrincipalName?: string;
}

export interface NameIndexDocument extends StoredDocument {
  type: 'names';
  entries: NameIndexEntry[];
}

/** A backup in progress: a restarted backup finds it and resumes the same snapshot id (nothing is written twice). */
export interface CheckpointDocument extends StoredDocument {
  type: 'checkpoint';
  snapshotId: string;
  startedAt: string;
  mode: 'full' | 'incremental';
  parentId: string | null;
  owner: string;
}
