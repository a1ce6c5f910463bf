/**
 * Built-in Microsoft Entra directory roles. Template ids and the privileged label are those of Microsoft's
 * "Microsoft Entra built-in roles" reference (permissions-reference, 2026 revision). For built-in roles the
 * unifiedRoleDefinition `id` equals its `templateId`. Descriptions here are short summaries, not Microsoft's text.
 */
import { RoleDefinition } from '../model/directory';

export interface BuiltInRole {
  displayName: string;
  templateId: string;
  description: string;
  /** Carries Microsoft's "Privileged" label (can escalate or reach credentials / tenant-wide settings). */
  isPrivileged: boolean;
  /** A representative subset of the role's resource actions (empty where the simulator does not need them). */
  allowedResourceActions?: readonly string[];
}

const role = (
  displayName: string,
  templateId: string,
  description: string,
  isPrivileged = false,
  allowedResourceActions?: readonly string[],
): BuiltInRole => ({ displayName, templateId, description, isPrivileged, allowedResourceActions });

export const ROLE_TEMPLATE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  exchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdministrator: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  billingAdministrator: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  conditionalAccessAdministrator: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  teamsAdministrator: '69091246-20e8-4a56-aa4d-066075b2a7a8',
  complianceAdministrator: '17315797-102d-40b4-93e0-432062caca18',
  intuneAdministrator: '3a2c62db-5318-420d-8d74-23affee5d9d5',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
} as const;

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  role('Global Administrator', ROLE_TEMPLATE.globalAdministrator, 'Manages every aspect of the directory and of services that use Entra identities.', true, ['microsoft.directory/*/allProperties/allTasks']),
  role('Privileged Role Administrator', ROLE_TEMPLATE.privilegedRoleAdministrator, 'Manages role assignments and Privileged Identity Management.', true, ['microsoft.directory/roleAssignments/allProperties/allTasks', 'microsoft.directory/roleDefinitions/allProperties/allTasks']),
  role('User Administrator', ROLE_TEMPLATE.userAdministrator, 'Manages users and groups, including password resets for limited administrators.', true, ['microsoft.directory/users/allProperties/allTasks', 'microsoft.directory/groups/allProperties/allTasks']),
  role('Helpdesk Administrator', ROLE_TEMPLATE.helpdeskAdministrator, 'Resets passwords for non-administrators and other Helpdesk Administrators.', true, ['microsoft.directory/users/password/update', 'microsoft.directory/users/invalidateAllRefreshTokens']),
  role('Security Administrator', ROLE_TEMPLATE.securityAdministrator, 'Reads security information and reports and manages security configuration.', true),
  role('Security Reader', ROLE_TEMPLATE.securityReader, 'Reads security information and reports.', true),
  role('Security Operator', '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', 'Creates and manages security events.', true),
  role('Groups Administrator', ROLE_TEMPLATE.groupsAdministrator, 'Creates and manages groups and group settings such as naming and expiration policies.', false, ['microsoft.directory/groups/allProperties/allTasks']),
  role('Exchange Administrator', ROLE_TEMPLATE.exchangeAdministrator, 'Manages the Exchange Online service.'),
  role('Exchange Recipient Administrator', '31392ffb-586c-42d1-9346-e59415a2cc4e', 'Creates and updates Exchange Online recipients.'),
  role('SharePoint Administrator', ROLE_TEMPLATE.sharePointAdministrator, 'Manages the SharePoint service.'),
  role('Global Reader', ROLE_TEMPLATE.globalReader, 'Reads everything a Global Administrator can, without changing anything.', true, ['microsoft.directory/*/allProperties/read']),
  role('Authentication Administrator', ROLE_TEMPLATE.authenticationAdministrator, 'Views, sets and resets authentication methods of non-administrators.', true),
  role('Privileged Authentication Administrator', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', 'Views, sets and resets authentication methods of any user, administrators included.', true),
  role('Authentication Policy Administrator', '0526716b-113d-4c15-b2c8-68e3c22b9f80', 'Manages the authentication methods policy, MFA settings and password protection.'),
  role('Billing Administrator', ROLE_TEMPLATE.billingAdministrator, 'Performs billing tasks such as updating payment information.'),
  role('License Administrator', ROLE_TEMPLATE.licenseAdministrator, 'Manages product licenses on users and groups.', false, ['microsoft.directory/users/assignLicense', 'microsoft.directory/groups/assignLicense']),
  role('Password Administrator', ROLE_TEMPLATE.passwordAdministrator, 'Resets passwords for non-administrators and other Password Administrators.', true, ['microsoft.directory/users/password/update']),
  role('Application Administrator', '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Manages app registrations and enterprise applications.', true),
  role('Application Developer', 'cf1c38e5-3621-4004-a7cb-879624dced7c', 'Registers applications regardless of the user app-registration setting.', true),
  role('Cloud Application Administrator', '158c047a-c907-4556-b7ef-446551a6b5f7', 'Manages app registrations and enterprise applications, except Application Proxy.', true),
  role('Cloud Device Administrator', '7698a772-787b-4ac8-901f-60d6b08affd2', 'Enables, disables and deletes devices in the directory.', true),
  role('Conditional Access Administrator', ROLE_TEMPLATE.conditionalAccessAdministrator, 'Manages Conditional Access policies.', true),
  role('Intune Administrator', ROLE_TEMPLATE.intuneAdministrator, 'Manages the Intune service.', true),
  role('Teams Administrator', ROLE_TEMPLATE.teamsAdministrator, 'Manages the Microsoft Teams service.'),
  role('Teams Communications Administrator', 'baf37b3a-610e-45da-9e62-d9d1e5e8914b', 'Manages calling and meeting features in Teams.'),
  role('Teams Communications Support Engineer', 'f70938a0-fc10-4177-9e90-2178f8765737', 'Troubleshoots Teams communications with advanced tools.'),
  role('Teams Communications Support Specialist', 'fcf91098-03e3-41a9-b5ba-6f0ec8188a12', 'Troubleshoots Teams communications with basic tools.'),
  role('Teams Devices Administrator', '3d762c5a-1b6c-493f-843e-55a3b42923d4', 'Manages Teams-certified devices.'),
  role('Teams Reader', '1076ac91-f3d9-41a7-a339-dcdf5f480acc', 'Reads everything in the Teams admin center.'),
  role('Teams Telephony Administrator', 'aa38014f-0993-46e9-9b45-30501a20909d', 'Manages voice and telephony features in Teams.'),
  role('Compliance Administrator', ROLE_TEMPLATE.complianceAdministrator, 'Reads and manages compliance configuration and reports.'),
  role('Compliance Data Administrator', 'e6d1a23a-da11-4be4-9570-befc86d067a7', 'Creates and manages compliance content.'),
  role('Directory Readers', ROLE_TEMPLATE.directoryReaders, 'Reads basic directory information.', false, ['microsoft.directory/users/standard/read', 'microsoft.directory/groups/standard/read']),
  role('Directory Writers', '9360feb5-f418-4baa-8175-e2a00bac4301', 'Reads and writes basic directory information; meant for applications.', true),
  role('Directory Synchronization Accounts', 'd29b2b05-8046-44ba-8758-1e26182fcf32', 'Used only by the Entra Connect synchronization service.'),
  role('Domain Name Administrator', '8329153b-31d0-4727-b945-745eb3bc5f31', 'Manages cloud and on-premises domain names.', true),
  role('Hybrid Identity Administrator', '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', 'Manages Entra Connect, cloud provisioning and federation settings.', true),
  role('External Identity Provider Administrator', 'be2f45a1-457d-42af-a067-6ec1fa63bc45', 'Configures identity providers for direct federation.', true),
  role('Guest Inviter', '95e79109-95c0-4d8e-aee3-d01accf2d47b', 'Invites guest users regardless of the member invitation setting.'),
  role('Identity Governance Administrator', '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e', 'Manages access reviews, entitlement management and lifecycle of access.'),
  role('Lifecycle Workflows Administrator', '59d46f88-662b-457b-bceb-5c3809e5908f', 'Manages Lifecycle Workflows and their tasks.', true),
  role('Reports Reader', '4a5d8f65-41da-4de4-8968-e035b65339cf', 'Reads sign-in and audit reports.'),
  role('Service Support Administrator', 'f023fd81-a637-4b56-95fd-791ac0226033', 'Reads service health and manages support tickets.'),
  role('Message Center Reader', '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b', 'Reads Message Center posts.'),
  role('Message Center Privacy Reader', 'ac16e43d-7b2d-40e0-ac05-243ff356ab5b', 'Reads Message Center posts, including data-privacy messages.'),
  role('Usage Summary Reports Reader', '75934031-6c7e-415a-99d7-48dbd49e875e', 'Reads usage reports and Adoption Score without user details.'),
  role('Azure DevOps Administrator', 'e3973bdf-4987-49ae-837a-ba8e231c7286', 'Manages Azure DevOps organisation policies.'),
  role('Azure Information Protection Administrator', '7495fdc4-34c4-4d15-a289-98788ce399fd', 'Manages Azure Information Protection.'),
  role('B2C IEF Keyset Administrator', 'aaf43236-0c0d-4d5f-883a-6955382ac081', 'Manages Identity Experience Framework keys.', true),
  role('B2C IEF Policy Administrator', '3edaf663-341e-4475-9f94-5c398ef6c070', 'Manages Identity Experience Framework policies.'),
  role('Cloud App Security Administrator', '892c5842-a9a6-463a-8041-72aa08ca3cf6', 'Manages Defender for Cloud Apps.'),
  role('Customer LockBox Access Approver', '5c4f9dcd-47dc-4cf7-8c9a-9e4207cbfc91', 'Approves Microsoft support requests for customer data.'),
  role('Desktop Analytics Administrator', '38a96431-2bdf-4b4c-8b6e-5d3d8abac1a4', 'Manages desktop management tools and services.'),
  role('Dynamics 365 Administrator', '44367163-eba1-44c3-98af-f5787879f96a', 'Manages Dynamics 365.'),
  role('Edge Administrator', '3f1acade-1e04-4fbc-9b69-f0302cd84aef', 'Manages Microsoft Edge.'),
  role('Fabric Administrator', 'a9ea8996-122f-4c74-9520-8edcd192826c', 'Manages Fabric and Power BI.'),
  role('Power Platform Administrator', '11648597-926c-4cf3-9c36-bcebb0ba8dcc', 'Manages Dynamics 365, Power Apps and Power Automate.'),
  role('Insights Administrator', 'eb1f4a8d-243a-41f0-9fbd-c7cdf6c5ef7c', 'Administers the Microsoft 365 Insights app.'),
  role('Insights Business Leader', '31e939ad-9672-4796-9c2e-873181342d2d', 'Views and shares Insights dashboards.'),
  role('Kaizala Administrator', '74ef975b-6605-40af-a5d2-b9539d836353', 'Manages Microsoft Kaizala settings.'),
  role('Knowledge Administrator', 'b5a8dcf3-09d5-43a9-a639-8e29ef291470', 'Configures knowledge and learning features.'),
  role('Knowledge Manager', '744ec460-397e-42ad-a462-8b3f9747a02c', 'Organises and curates topics and knowledge.'),
  role('Microsoft Entra Joined Device Local Administrator', '9f06204d-73c1-4d4c-880a-6edb90606fd8', 'Becomes local administrator on Entra-joined devices.'),
  role('Network Administrator', 'd37c8bed-0711-4417-ba38-b4abe66ce4c2', 'Manages network locations and network design insights.'),
  role('Office Apps Administrator', '2b745bdf-0803-4d80-aa65-822c4493daac', 'Manages Office apps cloud policies and settings.'),
  role('Organizational Messages Writer', '507f53e4-4e52-4077-abd3-d2e1558b6ea2', 'Writes and publishes organisational messages.'),
  role('Partner Tier1 Support', '4ba39ca4-527c-499a-b93d-d9b492c50246', 'Reserved for partners; not for general use.', true),
  role('Partner Tier2 Support', 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8', 'Reserved for partners; not for general use.', true),
  role('Permissions Management Administrator', 'af78dc32-cf4d-46f9-ba4e-4428526346b5', 'Manages Entra Permissions Management.'),
  role('Printer Administrator', '644ef478-e28f-4e28-b9dc-3fdde9aa0b1f', 'Manages printers and printer connectors.'),
  role('Printer Technician', 'e8cef6f1-e4bd-4ea8-bc07-4b8d950f4477', 'Registers printers and updates their status.'),
  role('Search Administrator', '0964bb5e-9bdb-4d7b-ac29-58e794862a40', 'Manages Microsoft Search settings.'),
  role('Search Editor', '8835291a-918c-4fd7-a9ce-faa49f0cf7d9', 'Manages editorial search content.'),
  role('Skype for Business Administrator', '75941009-915a-4869-abe7-691bff18279e', 'Manages Skype for Business.'),
  role('Tenant Creator', '112ca1a2-15ad-4102-995e-45b0bc479a6a', 'Creates new Entra or B2C tenants.'),
  role('Windows 365 Administrator', '11451d60-acb2-45eb-a7d6-43d0f0125c13', 'Provisions and manages Cloud PCs.'),
  role('Windows Update Deployment Administrator', '32696413-001a-46ae-978c-ce0f6b3620d2', 'Manages Windows Update for Business deployments.'),
  role('Yammer Administrator', '810a2642-a034-447f-a5e8-41beaa378541', 'Manages the Yammer service.'),
  role('Attack Simulation Administrator', 'c430b396-e693-46cc-96f3-db01bf8bb62a', 'Manages attack simulation campaigns.'),
  role('Attack Payload Author', '9c6df0f2-1e7c-4dc3-b195-66dfbd24aa8f', 'Creates attack payloads.'),
  role('Attribute Assignment Administrator', '58a13ea3-c632-46ae-9ee0-9c0d43cd7f3d', 'Assigns custom security attributes.'),
  role('Attribute Assignment Reader', 'ffd52fa5-98dc-465c-991d-fc073eb59f8f', 'Reads custom security attribute assignments.'),
  role('Attribute Definition Administrator', '8424c6f0-a189-499e-bbd0-26c1753c96d4', 'Defines custom security attributes.'),
  role('Attribute Definition Reader', '1d336d2c-4ae8-42ef-9711-b3604ce3fc2c', 'Reads custom security attribute definitions.'),
  role('Authentication Extensibility Administrator', '25a516ed-2fa0-40ea-a2d0-12923a21473a', 'Manages custom authentication extensions.', true),
  role('External ID User Flow Administrator', '6e591065-9bad-43ed-90f3-e9424366d2f0', 'Manages user flows.'),
  role('External ID User Flow Attribute Administrator', '0f971eea-41eb-4569-a71e-57bb8a3eff1e', 'Manages the user-flow attribute schema.'),
  role('Global Secure Access Administrator', 'ac434307-12b9-4fa1-a708-88bf58caabc1', 'Manages Global Secure Access.'),
  role('Microsoft Hardware Warranty Administrator', '1501b917-7653-4ff9-a4b5-203eaf33784f', 'Manages hardware warranty claims.'),
  role('Microsoft Hardware Warranty Specialist', '281fe777-fb20-4fbb-b7a3-ccebce5b0d96', 'Creates and reads hardware warranty claims.'),
  role('Virtual Visits Administrator', 'e300d9e7-4a2b-4295-9eff-f1c78b36cc98', 'Manages Virtual Visits information and metrics.'),
  role('Viva Goals Administrator', '92b086b3-e367-4ef2-b869-1de128fb986e', 'Manages Viva Goals.'),
  role('Viva Pulse Administrator', '87761b17-1ed2-4af3-9acd-92a150038160', 'Manages Viva Pulse settings.'),
  role('Extended Directory User Administrator', 'dd13091a-6207-4fc0-82ba-3641e056ab95', 'Manages external user profiles in the Teams extended directory.'),
];

const BY_TEMPLATE = new Map(BUILT_IN_ROLES.map((r) => [r.templateId, r]));

export function builtInRole(templateId: string): BuiltInRole {
  const found = BY_TEMPLATE.get(templateId);
  if (!found) throw new RangeError(`no built-in role with template id ${templateId}`);
  return found;
}

export function isPrivilegedRole(templateId: string): boolean {
  return BY_TEMPLATE.get(templateId)?.isPrivileged ?? false;
}

/** The unifiedRoleDefinition Graph returns for a built-in role. */
export function roleDefinitionOf(builtIn: BuiltInRole): RoleDefinition {
  return {
    id: builtIn.templateId,
    description: builtIn.description,
    displayName: builtIn.displayName,
    isBuiltIn: true,
    isEnabled: true,
    isPrivileged: builtIn.isPrivileged,
    resourceScopes: ['/'],
    templateId: builtIn.templateId,
    version: '1',
    rolePermissions: [{ allowedResourceActions: [...(builtIn.allowedResourceActions ?? [])], condition: null }],
  };
}
