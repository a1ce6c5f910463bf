/**
 * The `$select` lists Rewind asks Graph for: the only place they are written (style practice 1). `$select` matters
 * twice: it lowers the resource-unit cost of a request (−1, contract §1.3) and, for delta, it fixes which property
 * changes are tracked (contract §3.1).
 *
 * Users and groups: every readable, non-secret property of contract §4.1 that Rewind backs up. Properties Graph only
 * returns on single-object reads or never returns on lists (`signInActivity`, `skills`, …) are left out: asking for
 * them on a collection fails (501, contract §2). Secrets (`passwordProfile`, authentication methods) never appear.
 * Every name here is one the Graph simulator serves; an unknown name is a 400 there as on Graph.
 */

export const USER_SELECT = [
  'id', 'accountEnabled', 'ageGroup', 'assignedLicenses', 'assignedPlans', 'businessPhones', 'city', 'companyName',
  'country', 'createdDateTime', 'creationType', 'deletedDateTime', 'department', 'displayName', 'employeeHireDate',
  'employeeId', 'employeeOrgData', 'employeeType', 'externalUserState', 'faxNumber', 'givenName', 'identities',
  'imAddresses', 'jobTitle', 'lastPasswordChangeDateTime', 'mail', 'mailNickname', 'mobilePhone', 'officeLocation',
  'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesExtensionAttributes', 'onPremisesImmutableId',
  'onPremisesLastSyncDateTime', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled',
  'onPremisesUserPrincipalName', 'otherMails', 'passwordPolicies', 'postalCode', 'preferredLanguage', 'proxyAddresses',
  'securityIdentifier', 'showInAddressList', 'signInSessionsValidFromDateTime', 'state', 'streetAddress', 'surname',
  'usageLocation', 'userPrincipalName', 'userType',
] as const;

export const GROUP_SELECT = [
  'id', 'classification', 'createdDateTime', 'creationOptions', 'deletedDateTime', 'description', 'displayName',
  'expirationDateTime', 'groupTypes', 'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule',
  'membershipRuleProcessingState', 'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName',
  'onPremisesProvisioningErrors', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled',
  'preferredDataLocation', 'preferredLanguage', 'proxyAddresses', 'renewedDateTime', 'resourceBehaviorOptions',
  'resourceProvisioningOptions', 'securityEnabled', 'securityIdentifier', 'serviceProvisioningErrors', 'theme',
  'visibility',
] as const;

export const ADMINISTRATIVE_UNIT_SELECT = [
  'id', 'description', 'displayName', 'membershipRule', 'membershipRuleProcessingState', 'membershipType', 'visibility',
] as const;

/** Delta tracks the manager link when `manager` is selected (contract §3.1). */
export const USER_DELTA_SELECT = [...USER_SELECT, 'manager'] as const;
/** Delta tracks members and owners when selected (contract §3.1, D3). */
export const GROUP_DELTA_SELECT = [...GROUP_SELECT, 'members', 'owners'] as const;

/** Navigation properties: relationships, never attributes. */
export const NAVIGATION_PROPERTIES = new Set(['manager', 'members', 'owners']);

/** Linked objects (members, owners, AU and role members): only the id; `@odata.type` comes with every entry. */
export const LINK_SELECT = ['id'] as const;

export const ROLE_ASSIGNMENT_SELECT = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId'] as const;
export const DIRECTORY_ROLE_SELECT = ['id', 'displayName', 'roleTemplateId'] as const;
export const SUBSCRIBED_SKU_SELECT = ['skuId', 'skuPartNumber', 'prepaidUnits', 'consumedUnits'] as const;
export const ORGANIZATION_SELECT = ['id', 'displayName', 'verifiedDomains'] as const;

/** Deleted items, per cast: `userPrincipalName` exists on users only. */
export const DELETED_ITEM_SELECT = {
  user: ['id', 'displayName', 'userPrincipalName', 'deletedDateTime'],
  group: ['id', 'displayName', 'deletedDateTime'],
  administrativeUnit: ['id', 'displayName', 'deletedDateTime'],
} as const;

/** The largest page Graph serves for users, groups, members and deleted items (contract §2). */
export const MAX_PAGE_SIZE = 999;

/**
 * A live user as the restore engine compares it with a snapshot (graph-writer.ts `getLiveObject`): the writable
 * properties (profile, account, licensing) plus what identifies the user or collides on restore (`mail`,
 * `proxyAddresses`, `onPremisesSyncEnabled`, `userType`, `createdDateTime`). No secrets, no sign-in data.
 */
export const USER_LIVE_SELECT = [
  'id', 'accountEnabled', 'ageGroup', 'assignedLicenses', 'businessPhones', 'city', 'companyName', 'country',
  'createdDateTime', 'deletedDateTime', 'department', 'displayName', 'employeeHireDate', 'employeeId', 'employeeOrgData',
  'employeeType', 'faxNumber', 'givenName', 'jobTitle', 'mail', 'mailNickname', 'mobilePhone', 'officeLocation',
  'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'onPremisesSyncEnabled', 'otherMails', 'passwordPolicies',
  'postalCode', 'preferredLanguage', 'proxyAddresses', 'showInAddressList', 'state', 'streetAddress', 'surname',
  'usageLocation', 'userPrincipalName', 'userType',
] as const;

/** A live group for the restore engine: its writable properties, its kind (types, mail/security) and identity. */
export const GROUP_LIVE_SELECT = [
  'id', 'classification', 'createdDateTime', 'deletedDateTime', 'description', 'displayName', 'groupTypes',
  'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule', 'membershipRuleProcessingState',
  'onPremisesSyncEnabled', 'preferredDataLocation', 'preferredLanguage', 'proxyAddresses', 'securityEnabled', 'theme',
  'visibility',
] as const;

/** An administrative unit: every property is writable or identifying. */
export const ADMINISTRATIVE_UNIT_LIVE_SELECT = ADMINISTRATIVE_UNIT_SELECT;
