/**
 * Graph's wire format → the domain records of model/directory.ts: the small readers and mappings the gateway and
 * the writer share, so both read a link, a role assignment or a SKU the same way.
 */
import { LinkRef, LinkedObjectType, RoleAssignmentRecord, SubscribedSkuRecord } from '../model/directory';

export type Json = Record<string, unknown>;

export function toLinkRef(link: Json): LinkRef {
  return { id: asString(link.id), type: linkedObjectType(link['@odata.type']) };
}

const LINKED_TYPES: Record<string, LinkedObjectType> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.device': 'device',
  '#microsoft.graph.servicePrincipal': 'servicePrincipal',
  '#microsoft.graph.orgContact': 'orgContact',
  '#microsoft.graph.administrativeUnit': 'administrativeUnit',
};

export function linkedObjectType(odataType: unknown): LinkedObjectType {
  return typeof odataType === 'string' ? LINKED_TYPES[odataType] ?? 'other' : 'other';
}

export function toRoleAssignment(a: Json): RoleAssignmentRecord {
  return {
    id: asString(a.id),
    roleDefinitionId: asString(a.roleDefinitionId),
    principalId: asString(a.principalId),
    directoryScopeId: typeof a.directoryScopeId === 'string' ? a.directoryScopeId : '/',
  };
}

export function toSubscribedSku(s: Json): SubscribedSkuRecord {
  return {
    skuId: asString(s.skuId),
    skuPartNumber: asString(s.skuPartNumber),
    enabledUnits: asNumber(asRecord(s.prepaidUnits).enabled),
    consumedUnits: asNumber(s.consumedUnits),
  };
}

/** An OData string literal for `$filter`: quoted, single quotes doubled (`o'neil` → `'o''neil'`). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The `$filter=…` query parameter, URL-encoded (a UPN may hold `#`, `&` or `+`). */
export function filterParameter(expression: string): string {
  return `$filter=${encodeURIComponent(expression)}`;
}

export function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

export function asNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
