/**
 * Subscribed SKUs with Microsoft's real skuIds, skuPartNumbers and service plan ids (from "Product names and service
 * plan identifiers for licensing"). Note: eec0eb4f-6444-4f95-aba0-50c24d67f998 is the AAD_PREMIUM_P2 *service plan*;
 * the AAD_PREMIUM_P2 *SKU* is 84a661c4-e949-4bd2-a560-ed7766fcaf2b.
 */
import { SubscribedSku } from '../model/directory';

type ServicePlan = SubscribedSku['servicePlans'][number];

const plan = (servicePlanName: string, servicePlanId: string): ServicePlan => ({
  servicePlanId,
  servicePlanName,
  provisioningStatus: 'Success',
  appliesTo: 'User',
});

const PLANS = {
  exchangeEnterprise: plan('EXCHANGE_S_ENTERPRISE', 'efb87545-963c-4e0d-99df-69c6916d9eb0'),
  sharePointEnterprise: plan('SHAREPOINTENTERPRISE', '5dbe027f-2339-4123-9542-606e4d348a72'),
  teams: plan('TEAMS1', '57ff2da0-773e-42df-b2af-ffb7a2317929'),
  officeApps: plan('OFFICESUBSCRIPTION', '43de0ff5-c92c-492b-9116-175376d08c38'),
  entraP1: plan('AAD_PREMIUM', '41781fb2-bc02-4b7c-bd55-b576c07bb09d'),
  entraP2: plan('AAD_PREMIUM_P2', 'eec0eb4f-6444-4f95-aba0-50c24d67f998'),
  intune: plan('INTUNE_A', 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5'),
  mfa: plan('MFA_PREMIUM', '8a256a2b-b617-496d-b51b-e76466e88db0'),
  rightsManagement: plan('RMS_S_ENTERPRISE', 'bea4c11e-220a-4e6d-8eb8-8ea15d019f90'),
  powerBiPro: plan('BI_AZURE_P2', '70d33638-9c74-4d01-bfd3-562de28bd4ba'),
  visio: plan('VISIO_CLIENT_SUBSCRIPTION', '663a804f-1c30-4ff0-9915-9db84f0d1cea'),
} as const;

export const SKU_ID = {
  office365E3: '6fd2c87f-b296-42f0-b197-1e91e994b900',
  microsoft365E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
  enterpriseMobilitySecurityE3: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
  entraIdP2: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
  powerBiPro: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
  visioPlan2: 'c5928f49-12ba-48f7-ada3-0d743a3601d5',
} as const;

export interface SkuTemplate {
  skuId: string;
  skuPartNumber: string;
  servicePlans: readonly ServicePlan[];
  /** Seats bought when a tenant has no reason to size them (the `empty` tenant). */
  defaultEnabledUnits: number;
}

export const SKU_CATALOGUE: readonly SkuTemplate[] = [
  { skuId: SKU_ID.office365E3, skuPartNumber: 'ENTERPRISEPACK', defaultEnabledUnits: 25, servicePlans: [PLANS.exchangeEnterprise, PLANS.sharePointEnterprise, PLANS.teams, PLANS.officeApps] },
  { skuId: SKU_ID.microsoft365E5, skuPartNumber: 'SPE_E5', defaultEnabledUnits: 10, servicePlans: [PLANS.exchangeEnterprise, PLANS.sharePointEnterprise, PLANS.teams, PLANS.officeApps, PLANS.entraP1, PLANS.entraP2, PLANS.intune, PLANS.powerBiPro] },
  { skuId: SKU_ID.enterpriseMobilitySecurityE3, skuPartNumber: 'EMS', defaultEnabledUnits: 25, servicePlans: [PLANS.entraP1, PLANS.intune, PLANS.mfa, PLANS.rightsManagement] },
  { skuId: SKU_ID.entraIdP2, skuPartNumber: 'AAD_PREMIUM_P2', defaultEnabledUnits: 10, servicePlans: [PLANS.entraP1, PLANS.entraP2, PLANS.mfa] },
  { skuId: SKU_ID.powerBiPro, skuPartNumber: 'POWER_BI_PRO', defaultEnabledUnits: 5, servicePlans: [PLANS.powerBiPro] },
  { skuId: SKU_ID.visioPlan2, skuPartNumber: 'VISIOCLIENT', defaultEnabledUnits: 5, servicePlans: [PLANS.visio] },
];

export function subscribedSku(template: SkuTemplate, enabledUnits: number): SubscribedSku {
  return {
    skuId: template.skuId,
    skuPartNumber: template.skuPartNumber,
    enabledUnits,
    servicePlans: template.servicePlans.map((p) => ({ ...p })),
  };
}

export function skuTemplate(skuId: string): SkuTemplate {
  const found = SKU_CATALOGUE.find((s) => s.skuId === skuId);
  if (!found) throw new RangeError(`no SKU ${skuId} in the catalogue`);
  return found;
}
