/**
 * Leases: one holder at a time for one piece of work — a tenant's backup or prune (document `lease` in the
 * `snapshots` container), one restore's execution (document `execution` in the restore's partition).
 *
 * Acquire: create the lease document (a conflict means someone holds it), or take over one that expired with an
 * etag-conditional replace (two workers racing for an expired lease: exactly one replace wins). The holder renews
 * it every `ttlMs / 3` (`holdLease`), so a live holder keeps it and a crashed one loses it within `ttlMs` (at once,
 * when the holder was a process of this host that is gone: `holderIsGoneFromThisHost`); a holder
 * whose renewal finds the lease taken (it was stalled past expiry) learns it has lost it and must stop before its
 * next write (`assertHeld`). Release deletes it (etag-guarded).
 */
import { hostname } from 'node:os';
import { CollectionName, DocumentKey, SnapshotStore, StoredDocument, isConflictError, isPreconditionFailedError } from '../ports/snapshot-store';
import { SnapshotRepository } from '../snapshot/repository';

export const LEASE_HELD_ERROR_NAME = 'LeaseHeldError';
export const LEASE_LOST_ERROR_NAME = 'LeaseLostError';

/** How long a lease lasts without renewal: a crashed holder's work can be taken over after this. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

export class LeaseHeldError extends Error {
  constructor(readonly owner: string, readonly expiresAt: string, what = 'another backup of this tenant is running') {
    super(`${what} (held by ${owner} until ${expiresAt}); wait for it, or for the lease to expire`);
    this.name = LEASE_HELD_ERROR_NAME;
  }
}

/** The lease expired while its holder was stalled and someone else took it: the holder must stop. */
export class LeaseLostError extends Error {
  constructor(what: string) {
    super(`the lease of ${what} was lost (this process stalled past its expiry and another worker took it over); stopped before writing more`);
    this.name = LEASE_LOST_ERROR_NAME;
  }
}

export function isLeaseHeldError(e: unknown): e is LeaseHeldError {
  return e instanceof Error && e.name === LEASE_HELD_ERROR_NAME;
}

export function isLeaseLostError(e: unknown): e is LeaseLostError {
  return e instanceof Error && e.name === LEASE_LOST_ERROR_NAME;
}

export interface LeaseDocumentShape extends StoredDocument {
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface LeaseTarget {
  store: SnapshotStore;
  collection: CollectionName;
  key: DocumentKey;
  /** The lease document for `owner`, valid from `at` for `ttlMs`. */
  document(owner: string, at: Date, ttlMs: number): LeaseDocumentShape;
  /** For LeaseHeldError: what the holder is doing ("another backup of this tenant is running"). */
  heldMessage: string;
}

export interface Lease {
  owner: string;
  /** Extends the lease; throws `LeaseHeldError` if it was lost meanwhile. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireDocumentLease(target: LeaseTarget, owner: string, ttlMs: number, now: () => Date): Promise<Lease> {
  const { store, collection, key } = target;
  let etag: string;
  try {
    etag = await store.insert(collection, target.document(owner, now(), ttlMs));
  } catch (error) {
    if (!isConflictError(error)) throw error;
    const current = await store.read<LeaseDocumentShape>(collection, key);
    if (!current) return acquireDocumentLease(target, owner, ttlMs, now);
    const held = current.document;
    if (held.owner !== owner && Date.parse(held.expiresAt) > now().getTime() && !holderIsGoneFromThisHost(held.owner)) {
      throw new LeaseHeldError(held.owner, held.expiresAt, target.heldMessage);
    }
    try {
      etag = await store.upsert(collection, target.document(owner, now(), ttlMs), { ifMatch: current.etag });
    } catch (raceError) {
      if (isPreconditionFailedError(raceError)) throw new LeaseHeldError('another worker', 'unknown', target.heldMessage);
      throw raceError;
    }
  }
  return {
    owner,
    async renew() {
      try {
        etag = await store.upsert(collection, target.document(owner, now(), ttlMs), { ifMatch: etag });
      } catch (error) {
        if (isPreconditionFailedError(error)) throw new LeaseHeldError('another worker', 'unknown', target.heldMessage);
        throw error;
      }
    },
    async release() {
      await store.delete(collection, key, { ifMatch: etag }).catch((error: unknown) => {
        if (!isPreconditionFailedError(error)) throw error;
      });
    },
  };
}

/**
 * Whether a lease owner named `<host>:<pid>` (optionally `<who>@<host>:<pid>`) is a process of this host that no
 * longer exists: then its lease is taken over at once instead of after expiry (a killed CLI run resumed on the same
 * machine). Owners of other hosts, or named otherwise, are never judged: only expiry frees their lease.
 */
export function holderIsGoneFromThisHost(owner: string): boolean {
  const match = /(?:^|@)([^@:]+):(\d+)$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The tenant's backup / prune lease. */
export async function acquireLease(repository: SnapshotRepository, owner: string, ttlMs: number, now: () => Date): Promise<Lease> {
  return acquireDocumentLease({
    store: repository.store, collection: 'snapshots', key: repository.leaseKey(),
    document: (holder, at, ttl) => repository.newLease(holder, at, ttl), heldMessage: 'another backup of this tenant is running',
  }, owner, ttlMs, now);
}

export interface HeldLease {
  /** Throws `LeaseLostError` once a renewal found the lease taken by someone else. */
  assertHeld(): void;
  /** Stops renewing and releases the lease. */
  release(): Promise<void>;
}

/**
 * Keeps `lease` by renewing it every `ttlMs / 3` until released. A renewal that fails because the store is
 * unreachable is tried again at the next tick (the lease may still be ours); one that finds it taken marks it lost.
 */
export function holdLease(lease: Lease, ttlMs: number, what: string): HeldLease {
  let lost = false;
  // Until when the lease is surely ours: a holder that could not renew for a whole lifetime (it stalled, or the store
  // was unreachable) no longer knows it holds the lease, even before a renewal has told it so.
  let heldUntil = Date.now() + ttlMs;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const attempt = Date.now();
    renewal = renewal.then(() => lease.renew()).then(() => {
      heldUntil = attempt + ttlMs;
    }, (error: unknown) => {
      if (isLeaseHeldError(error)) lost = true;
    });
  }, Math.max(1000, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    assertHeld() {
      if (lost || Date.now() >= heldUntil) throw new LeaseLostError(what);
    },
    async release() {
      clearInterval(timer);
      await renewal;
      if (!lost) await lease.release();
    },
  };
}
