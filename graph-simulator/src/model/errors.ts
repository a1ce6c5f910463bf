/**
 * Errors the directory model raises. Each carries the HTTP status and Graph error code it maps to, so the HTTP
 * layer renders Graph's envelope (contract §7) without knowing model internals.
 */
export interface GraphErrorDetail {
  code: string;
  target?: string;
}

export const DIRECTORY_ERROR_NAME = 'DirectoryError';

export class DirectoryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: GraphErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = DIRECTORY_ERROR_NAME;
  }
}

export function isDirectoryError(e: unknown): e is DirectoryError {
  return e instanceof Error && e.name === DIRECTORY_ERROR_NAME;
}

/** 404 with the text Graph uses for directory objects (fixture F8). */
export function notFound(id: string): DirectoryError {
  return new DirectoryError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, details?: GraphErrorDetail[]): DirectoryError {
  return new DirectoryError(400, 'Request_BadRequest', message, details);
}

export function conflict(property: string): DirectoryError {
  return badRequest(`Another object with the same value for property ${property} already exists.`, [
    { target: property, code: 'ObjectConflict' },
  ]);
}

export function readOnly(property: string): DirectoryError {
  return badRequest(`Property '${property}' is read-only and cannot be set.`);
}

export function linkExists(relationship: string): DirectoryError {
  return badRequest(
    `One or more added object references already exist for the following modified properties: '${relationship}'.`,
  );
}

export const MAIL_ENABLED_WRITE_MESSAGE = 'Cannot Update a mail-enabled security groups and or distribution list.';
export const SYNCED_WRITE_MESSAGE =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
/** Status and code are Graph's usual ones; the text is the simulator's own (no documented body, see README). */
export const DYNAMIC_WRITE_MESSAGE =
  'Members of a group with dynamic membership cannot be added or removed; membership is computed from membershipRule.';

export function unsupportedQuery(message: string): DirectoryError {
  return new DirectoryError(400, 'Request_UnsupportedQuery', message);
}
