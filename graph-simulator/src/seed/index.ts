/**
 * Seeded tenants for the simulator: `demo` (what `npm start` and the tests load), `large` (benchmarks) and
 * `empty` (domains, role catalogue and SKUs only). One spec and one clock instant give the same tenant every time.
 */
import { SimClock } from '../model/clock';
import { Directory } from '../model/directory';
import { addBuiltInRoles, addSubscribedSkus } from './common';
import { buildDemoTenant } from './demo';
import { buildLargeTenant } from './large';
import { DEMO_DOMAIN, DEMO_INITIAL_DOMAIN, DEMO_TENANT_ID } from './playground-users';
import { SeededRandom, seedFromLabel } from './random';

export type TenantName = 'demo' | 'large' | 'empty';
export const TENANT_NAMES: readonly TenantName[] = ['demo', 'large', 'empty'];

export interface TenantSpec {
  tenant: TenantName;
  /** Overrides the user count (demo: at least DEMO_MIN_USERS; large: groups and links scale with it). */
  users?: number;
}

export function isTenantName(value: unknown): value is TenantName {
  return typeof value === 'string' && (TENANT_NAMES as readonly string[]).includes(value);
}

export function buildTenant(spec: TenantSpec, clock: SimClock): Directory {
  switch (spec.tenant) {
    case 'demo':
      return buildDemoTenant(clock, { users: spec.users });
    case 'large':
      return buildLargeTenant(clock, { users: spec.users });
    case 'empty':
      return buildEmptyTenant(clock);
  }
}

/** The demo tenant's identity with no users or groups: built-in roles, Global Administrator active, default SKUs. */
export function buildEmptyTenant(clock: SimClock): Directory {
  const directory = new Directory({ tenantId: DEMO_TENANT_ID, domains: [DEMO_DOMAIN, DEMO_INITIAL_DOMAIN], clock });
  directory.seed(() => {
    addBuiltInRoles(directory, new SeededRandom(seedFromLabel('empty')));
    addSubscribedSkus(directory, (_skuId, defaultUnits) => defaultUnits);
  });
  return directory;
}

export {
  DEMO_BOB_ID,
  DEMO_DOMAIN,
  DEMO_HELPDESK_GROUP_ID,
  DEMO_INITIAL_DOMAIN,
  DEMO_SECURITY_LEADS_GROUP_ID,
  DEMO_TEAM_GROUP_ID,
  DEMO_TENANT_ID,
  PLAYGROUND_BOT_ID,
  PLAYGROUND_CURRENT_USER,
  PLAYGROUND_PEOPLE,
  PLAYGROUND_USERS,
  isHelpdeskRole,
  isSecurityLeadRole,
} from './playground-users';
export { DEMO_DEFAULT_USERS, DEMO_DYNAMIC_RULES, DEMO_MIN_USERS, DEMO_SEED, DEMO_SPARE_SEATS, buildDemoTenant } from './demo';
export { LARGE_DEFAULT_USERS, LARGE_DOMAIN, LARGE_TENANT_ID, buildLargeTenant } from './large';
export type { PlaygroundRole, PlaygroundUser } from './playground-users';
export { BUILT_IN_ROLES, ROLE_TEMPLATE, isPrivilegedRole } from './roles';
export type { BuiltInRole } from './roles';
export { SKU_CATALOGUE, SKU_ID } from './skus';
export { SeededRandom } from './random';
