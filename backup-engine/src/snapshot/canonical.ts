/**
 * Content addressing (restic's "Trees and Data"): a stored version is identified by the SHA-256 of its canonical
 * JSON, so an unchanged object costs nothing on the next backup and any stored version can be verified by
 * re-hashing it.
 *
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped, arrays kept in
 * order (callers sort sets before hashing). Volatile attributes — values Entra changes without anyone changing the
 * object (sync heartbeats, token validity stamps) — are removed before hashing and storing, so they never create a
 * new version.
 */
import { createHash } from 'node:crypto';

/** Attributes that change on their own; never part of a version (documented in docs/design.md). */
export const VOLATILE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'onPremisesLastSyncDateTime',
  'refreshTokensValidFromDateTime',
  'signInSessionsValidFromDateTime',
  'signInActivity',
  'lastPasswordChangeDateTime',
  'renewedDateTime',
  'expirationDateTime',
]);

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function withoutVolatile<T extends Record<string, unknown>>(attributes: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!VOLATILE_ATTRIBUTES.has(key) && !key.startsWith('@odata.')) copy[key] = value;
  }
  return copy as T;
}
