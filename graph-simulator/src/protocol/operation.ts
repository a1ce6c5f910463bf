/**
 * What handlers receive and return. Operations are HTTP-free: they get a parsed request and give back
 * `{ status, headers, body }`, so `$batch` runs the very same operations as top-level requests.
 */
import type { Directory } from '../model/directory';
import type { DeltaSessions } from './delta';

export interface OperationRequest {
  method: string;
  /** Path below /v1.0, without query, e.g. `/users/abc/memberOf`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  /** Scheme, host and port the client used, for `@odata.context`, nextLink and Location. */
  origin: string;
}

export interface OperationResult {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; `text` wins when set (e.g. `$count` answers text/plain). */
  body?: unknown;
  text?: string;
}

export interface OperationContext {
  directory: Directory;
  deltaSessions: DeltaSessions;
}

export type Operation = (request: OperationRequest, context: OperationContext) => OperationResult;

export function json(status: number, body: unknown, headers?: Record<string, string>): OperationResult {
  return { status, body, headers };
}

export function noContent(): OperationResult {
  return { status: 204 };
}

export function metadataUrl(request: OperationRequest, fragment: string): string {
  return `${request.origin}/v1.0/$metadata#${fragment}`;
}
