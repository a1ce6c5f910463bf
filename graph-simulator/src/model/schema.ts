/**
 * Property sets of the directory resources, as graph-contract.md §4.1 and §6 list them.
 * Order matters: representations are emitted in this order, like Graph's.
 */

/** Returned by GET/list without $select (contract §4.1, fixture F1). */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation',
  'preferredLanguage', 'surname', 'userPrincipalName', 'id',
] as const;

/** Every readable, non-secret user property the simulator stores. `passwordProfile` is writable, never returned. */
export const USER_PROPERTIES = [
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

/** Rejected on POST/PATCH with "Property 'x' is read-only and cannot be set." (contract §6.1). */
export const USER_READ_ONLY = new Set<string>([
  'id', 'createdDateTime', 'creationType', 'assignedPlans', 'proxyAddresses', 'imAddresses', 'deletedDateTime',
  'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime', 'onPremisesDistinguishedName', 'onPremisesDomainName',
  'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesUserPrincipalName', 'securityIdentifier',
  'signInSessionsValidFromDateTime', 'lastPasswordChangeDateTime', 'externalUserState',
  // assignedLicenses is written only through assignLicense (contract §6.1, INFERENCE from W9).
  'assignedLicenses',
]);

/** Properties a synced (onPremisesSyncEnabled) user still accepts from the cloud. */
export const USER_CLOUD_WRITABLE_WHEN_SYNCED = new Set<string>(['usageLocation', 'passwordPolicies']);

/** Navigation properties that delta accepts in $select (contract §3.1). */
export const USER_DELTA_NAVIGATION = new Set<string>(['manager']);
export const GROUP_DELTA_NAVIGATION = new Set<string>(['members', 'owners']);

/** v1.0 group list default representation (group-list.md example). */
export const GROUP_DEFAULT_PROPERTIES = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'creationOptions', 'description', 'displayName',
  'expirationDateTime', 'groupTypes', 'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule',
  'membershipRuleProcessingState', 'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName',
  'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'preferredDataLocation',
  'preferredLanguage', 'proxyAddresses', 'renewedDateTime', 'resourceBehaviorOptions', 'resourceProvisioningOptions',
  'securityEnabled', 'securityIdentifier', 'theme', 'visibility', 'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
] as const;

export const GROUP_PROPERTIES = GROUP_DEFAULT_PROPERTIES;

export const GROUP_READ_ONLY = new Set<string>([
  'id', 'createdDateTime', 'deletedDateTime', 'mail', 'proxyAddresses', 'renewedDateTime', 'expirationDateTime',
  'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'securityIdentifier', 'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
]);
/** Settable only at creation (contract §6.3, W11). */
export const GROUP_CREATE_ONLY = new Set<string>(['isAssignableToRole']);

export const ADMINISTRATIVE_UNIT_PROPERTIES = [
  'id', 'deletedDateTime', 'displayName', 'description', 'visibility', 'membershipType', 'membershipRule',
  'membershipRuleProcessingState',
] as const;
export const ADMINISTRATIVE_UNIT_READ_ONLY = new Set<string>(['id', 'deletedDateTime']);

export const DIRECTORY_ROLE_PROPERTIES = ['id', 'deletedDateTime', 'description', 'displayName', 'roleTemplateId'] as const;
export const ROLE_DEFINITION_PROPERTIES = [
  'id', 'description', 'displayName', 'isBuiltIn', 'isEnabled', 'isPrivileged', 'resourceScopes', 'templateId', 'version',
  'rolePermissions',
] as const;
export const ROLE_ASSIGNMENT_PROPERTIES = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'] as const;
export const SUBSCRIBED_SKU_PROPERTIES = [
  'accountId', 'accountName', 'appliesTo', 'capabilityStatus', 'consumedUnits', 'id', 'prepaidUnits', 'servicePlans',
  'skuId', 'skuPartNumber', 'subscriptionIds',
] as const;

/** Properties that `$filter` accepts (the subset this simulator implements; contract §2 and issue #3). */
export const FILTERABLE = {
  user: new Set(['id', 'userPrincipalName', 'mail', 'displayName', 'mailNickname', 'accountEnabled']),
  group: new Set(['id', 'mail', 'displayName', 'mailNickname']),
  administrativeUnit: new Set(['id', 'displayName']),
} as const;

export const ODATA_TYPE = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  administrativeUnit: '#microsoft.graph.administrativeUnit',
  directoryRole: '#microsoft.graph.directoryRole',
} as const;
