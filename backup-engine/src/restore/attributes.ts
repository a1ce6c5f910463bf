/**
 * Which backed-up attributes a restore writes back (graph-contract §6.1–§6.3). Read-only properties (ids, dates,
 * sync state, proxy addresses, plans), licenses (written with assignLicense) and the manager (a link) are not
 * attributes to patch. Compared as canonical JSON, null and absent being the same.
 */
import { Attributes } from '../model/directory';
import { canonicalJson } from '../snapshot/canonical';

export const WRITABLE_USER_ATTRIBUTES: readonly string[] = [
  'accountEnabled', 'ageGroup', 'businessPhones', 'city', 'companyName', 'country', 'department', 'displayName',
  'employeeHireDate', 'employeeId', 'employeeOrgData', 'employeeType', 'faxNumber', 'givenName', 'jobTitle', 'mail',
  'mailNickname', 'mobilePhone', 'officeLocation', 'otherMails', 'postalCode', 'preferredLanguage', 'showInAddressList',
  'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName',
];

export const WRITABLE_GROUP_ATTRIBUTES: readonly string[] = [
  'classification', 'description', 'displayName', 'mailNickname', 'membershipRule', 'membershipRuleProcessingState',
  'preferredLanguage', 'theme', 'visibility',
];

/** Set once, at creation: a group's type. */
export const GROUP_CREATE_ATTRIBUTES: readonly string[] = ['groupTypes', 'mailEnabled', 'securityEnabled', 'isAssignableToRole'];

export function writableAttributes(kind: 'user' | 'group', attributes: Attributes, forCreate = false): Attributes {
  const names = kind === 'user' ? WRITABLE_USER_ATTRIBUTES : [...WRITABLE_GROUP_ATTRIBUTES, ...(forCreate ? GROUP_CREATE_ATTRIBUTES : [])];
  const result: Attributes = {};
  for (const name of names) {
    const value = attributes[name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0 && !forCreate) continue;
    result[name] = value;
  }
  return result;
}

/** Graph refuses to clear these; a backup without them leaves the live value alone. */
const CANNOT_BE_CLEARED: ReadonlySet<string> = new Set(['displayName', 'userPrincipalName', 'mailNickname', 'accountEnabled', 'mailEnabled', 'securityEnabled']);

export function attributeChanges(kind: 'user' | 'group', current: Attributes, desired: Attributes): { name: string; before: unknown; after: unknown }[] {
  const names = kind === 'user' ? WRITABLE_USER_ATTRIBUTES : WRITABLE_GROUP_ATTRIBUTES;
  const changes: { name: string; before: unknown; after: unknown }[] = [];
  for (const name of names) {
    const before = normalize(current[name]);
    const after = normalize(desired[name]);
    if (canonicalJson(before) === canonicalJson(after)) continue;
    if (after === null && CANNOT_BE_CLEARED.has(name)) continue;
    changes.push({ name, before, after });
  }
  return changes;
}

function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return value;
}
