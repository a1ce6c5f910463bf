/**
 * A per-tenant backup lease in the `snapshots` container, so two workers never back up one tenant at once.
 * Acquire: create the lease document (a conflict means someone holds it), or take over an expired one with an
 * etag-conditional replace (two workers racing for an expired lease: exactly one replace wins). The holder renews it
 * well before expiry and deletes it when done.
 */
import { LeaseDocument } from '../snapshot/documents';
import { SnapshotRepository } from '../snapshot/repository';
import { isConflictError, isPreconditionFailedError } from '../ports/snapshot-store';

export const LEASE_HELD_ERROR_NAME = 'LeaseHeldError';

export class LeaseHeldError extends Error {
  constructor(readonly owner: string, readonly expiresAt: string) {
    super(`another backup of this tenant is running (held by ${owner} until ${expiresAt}); wait for it, or for the lease to expire`);
    this.name = LEASE_HELD_ERROR_NAME;
  }
}

export function isLeaseHeldError(e: unknown): e is LeaseHeldError {
  return e instanceof Error && e.name === LEASE_HELD_ERROR_NAME;
}

export interface Lease {
  owner: string;
  /** Extends the lease; throws `LeaseHeldError` if it was lost meanwhile. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function acquireLease(repository: SnapshotRepository, owner: string, ttlMs: number, now: () => Date): Promise<Lease> {
  const key = repository.leaseKey();
  let etag: string;
  try {
    etag = await repository.store.insert('snapshots', repository.newLease(owner, now(), ttlMs));
  } catch (error) {
    if (!isConflictError(error)) throw error;
    const current = await repository.store.read<LeaseDocument>('snapshots', key);
    if (!current) return acquireLease(repository, owner, ttlMs, now);
    const held = current.document;
    if (held.owner !== owner && Date.parse(held.expiresAt) > now().getTime()) throw new LeaseHeldError(held.owner, held.expiresAt);
    try {
      etag = await repository.store.upsert('snapshots', repository.newLease(owner, now(), ttlMs), { ifMatch: current.etag });
    } catch (raceError) {
      if (isPreconditionFailedError(raceError)) throw new LeaseHeldError('another worker', 'unknown');
      throw raceError;
    }
  }
  return {
    owner,
    async renew() {
      try {
        etag = await repository.store.upsert('snapshots', repository.newLease(owner, now(), ttlMs), { ifMatch: etag });
      } catch (error) {
        if (isPreconditionFailedError(error)) throw new LeaseHeldError('another worker', 'unknown');
        throw error;
      }
    },
    async release() {
      await repository.store.delete('snapshots', key, { ifMatch: etag }).catch((error: unknown) => {
        if (!isPreconditionFailedError(error)) throw error;
      });
    },
  };
}
