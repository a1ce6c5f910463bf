/** Seeding steps shared by every tenant: role catalogue, activated roles, SKUs and group property bags. */
import { Directory, Props } from '../model/directory';
import { SeededRandom } from './random';
import { BUILT_IN_ROLES, ROLE_TEMPLATE, roleDefinitionOf } from './roles';
import { SKU_CATALOGUE, subscribedSku } from './skus';
import { TenantIdentity, isoSeconds } from './people';

/** Adds every built-in role definition and activates Global Administrator (always active in a real tenant). */
export function addBuiltInRoles(directory: Directory, ids: SeededRandom): void {
  for (const role of BUILT_IN_ROLES) directory.addRoleDefinition(roleDefinitionOf(role), false);
  directory.activateDirectoryRole(ROLE_TEMPLATE.globalAdministrator, ids.guid());
}

/**
 * Assigns a built-in role. A tenant-scope assignment activates the directory role first with an id from `ids`
 * (Directory would otherwise pick a random one, and the seed would not be deterministic).
 */
export function assignRole(directory: Directory, ids: SeededRandom, templateId: string, principalId: string, directoryScopeId = '/'): void {
  if (directoryScopeId === '/' && !directory.directoryRoleFor(templateId)) directory.activateDirectoryRole(templateId, ids.guid());
  directory.createRoleAssignment({ roleDefinitionId: templateId, principalId, directoryScopeId });
}

/** Adds every catalogued SKU with `enabledUnitsOf(skuId)` seats. */
export function addSubscribedSkus(directory: Directory, enabledUnitsOf: (skuId: string, defaultUnits: number) => number): void {
  for (const template of SKU_CATALOGUE) {
    directory.addSubscribedSku(subscribedSku(template, enabledUnitsOf(template.skuId, template.defaultEnabledUnits)));
  }
}

export type GroupKind = 'security' | 'unified' | 'mailEnabledSecurity' | 'distribution';

export interface GroupSpec {
  displayName: string;
  mailNickname: string;
  description: string;
  kind: GroupKind;
  /** Dynamic membership rule (membership-rule.ts grammar); makes the group dynamic. */
  membershipRule?: string;
  isAssignableToRole?: boolean;
  visibility?: 'Public' | 'Private' | 'HiddenMembership';
  /** A Microsoft 365 group with a team. */
  team?: boolean;
  /** Synced from on-premises AD (security groups only). */
  synced?: boolean;
}

export function groupProps(spec: GroupSpec, tenant: TenantIdentity, nowMs: number, relativeId: number): Props {
  const mailEnabled = spec.kind !== 'security';
  const securityEnabled = spec.kind === 'security' || spec.kind === 'mailEnabledSecurity';
  const groupTypes: string[] = [];
  if (spec.kind === 'unified') groupTypes.push('Unified');
  if (spec.membershipRule) groupTypes.push('DynamicMembership');
  const props: Props = {
    displayName: spec.displayName,
    description: spec.description,
    mailNickname: spec.mailNickname,
    mailEnabled,
    securityEnabled,
    groupTypes,
  };
  if (spec.membershipRule) {
    props.membershipRule = spec.membershipRule;
    props.membershipRuleProcessingState = 'On';
  }
  if (spec.isAssignableToRole) props.isAssignableToRole = true;
  if (spec.visibility) props.visibility = spec.visibility;
  if (spec.team) {
    props.resourceProvisioningOptions = ['Team'];
    props.creationOptions = ['Team', 'ExchangeProvisioningFlags:3552'];
  }
  if (spec.synced) {
    Object.assign(props, {
      onPremisesSyncEnabled: true,
      onPremisesSamAccountName: spec.mailNickname.slice(0, 20),
      onPremisesDomainName: tenant.onPremisesDomain,
      onPremisesNetBiosName: tenant.onPremisesNetBiosName,
      onPremisesSecurityIdentifier: `${tenant.onPremisesDomainSid}-${relativeId}`,
      onPremisesLastSyncDateTime: isoSeconds(nowMs - 17 * 60 * 1000),
    });
  }
  return props;
}
