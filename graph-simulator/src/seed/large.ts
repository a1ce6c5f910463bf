/**
 * The large tenant for benchmarks (Litware, litware.example): by default 100,000 users, 25,000 groups, ~1.5M
 * membership and ownership links and 60 activated directory roles with assignments (product.md "Scale").
 *
 * A `users` override scales groups (users / 4) and links (15 per user) with it. Managers form an 8-ary tree over
 * the users in creation order. Group sizes follow a heavy-tailed draw scaled to the link budget, so most groups are
 * small and a few hold thousands. Everything goes through Directory's public methods inside `seed()`, so every
 * index stays consistent; seeding is linear in users + links.
 */
import { SimClock } from '../model/clock';
import { Directory } from '../model/directory';
import { GroupKind, GroupSpec, addBuiltInRoles, addSubscribedSkus, assignRole, groupProps } from './common';
import { DEPARTMENTS, OFFICES, pickWeighted } from './names';
import { TenantIdentity, UserFactory, individualTitle, isoSeconds } from './people';
import { SeededRandom, seedFromLabel } from './random';
import { BUILT_IN_ROLES, ROLE_TEMPLATE } from './roles';
import { SKU_ID } from './skus';

export const LARGE_TENANT_ID = '8e911301-da57-4263-a620-42959981543a';
export const LARGE_DOMAIN = 'litware.example';
export const LARGE_INITIAL_DOMAIN = 'litware.onmicrosoft.example';
export const LARGE_SEED = 100000;
export const LARGE_DEFAULT_USERS = 100_000;
export const LARGE_GROUPS_PER_USER = 0.25;
/** Membership plus ownership links per user. */
export const LARGE_LINKS_PER_USER = 15;
export const LARGE_ACTIVE_ROLES = 60;
const MANAGER_FAN_OUT = 8;
const DAY_MS = 86_400_000;

const LARGE_IDENTITY: TenantIdentity = {
  domain: LARGE_DOMAIN,
  initialDomain: LARGE_INITIAL_DOMAIN,
  companyName: 'Litware',
  onPremisesDomain: 'ad.litware.example',
  onPremisesNetBiosName: 'LITWARE',
  onPremisesDomainSid: 'S-1-5-21-3623811015-3361044348-30300820',
};

export interface LargeTenantOptions {
  users?: number;
  seed?: number;
}

export function buildLargeTenant(clock: SimClock, options: LargeTenantOptions = {}): Directory {
  const userCount = Math.max(options.users ?? LARGE_DEFAULT_USERS, 100);
  const directory = new Directory({ tenantId: LARGE_TENANT_ID, domains: [LARGE_DOMAIN, LARGE_INITIAL_DOMAIN], clock });
  const seed = options.seed ?? LARGE_SEED;
  directory.seed(() => seedLarge(directory, clock.now(), seed, userCount));
  return directory;
}

function seedLarge(directory: Directory, nowMs: number, seed: number, userCount: number): void {
  const random = new SeededRandom(seed);
  const ids = new SeededRandom(seed ^ seedFromLabel('ids'));
  const factory = new UserFactory(random.fork(), LARGE_IDENTITY, nowMs);
  addBuiltInRoles(directory, ids);

  // Users: 1% guests at the end; 10% of members synced.
  const guestCount = Math.round(userCount * 0.01);
  const memberCount = userCount - guestCount;
  const userIds: string[] = new Array<string>(userCount);
  const licensable: boolean[] = new Array<boolean>(userCount);
  const synced: boolean[] = new Array<boolean>(userCount);
  for (let i = 0; i < memberCount; i++) {
    const id = ids.guid();
    const department = pickWeighted(DEPARTMENTS, random.next());
    const isSynced = i % 10 === 7;
    const { props, createdDateTime } = factory.member(id, {
      ...factory.randomName(),
      department: department.name,
      departmentCode: department.code,
      jobTitle: i === 0 ? 'Chief Executive Officer' : i <= MANAGER_FAN_OUT * 64 ? department.managerTitle : individualTitle(random, department),
      office: pickWeighted(OFFICES, random.next()),
      synced: isSynced,
      accountEnabled: random.chance(0.97),
      contractor: random.chance(0.08),
      withoutUsageLocation: random.chance(0.01),
    });
    directory.createUser(props, { id, createdDateTime });
    userIds[i] = id;
    licensable[i] = props.usageLocation !== null;
    synced[i] = isSynced;
  }
  for (let i = memberCount; i < userCount; i++) {
    const id = ids.guid();
    const { props, createdDateTime } = factory.guest(id);
    directory.createUser(props, { id, createdDateTime });
    userIds[i] = id;
    licensable[i] = false;
    synced[i] = false;
  }
  for (let i = 1; i < memberCount; i++) directory.setManager(userIds[i], userIds[Math.floor((i - 1) / MANAGER_FAN_OUT)]);

  // Groups.
  const groupCount = Math.round(userCount * LARGE_GROUPS_PER_USER);
  const dynamicCount = Math.max(5, Math.round(groupCount * 0.004));
  const kinds: { kind: GroupKind; weight: number; roleAssignable?: boolean }[] = [
    { kind: 'security', weight: 58 },
    { kind: 'unified', weight: 27 },
    { kind: 'mailEnabledSecurity', weight: 5 },
    { kind: 'distribution', weight: 8 },
    { kind: 'security', weight: 2, roleAssignable: true },
  ];
  const linkBudget = userCount * LARGE_LINKS_PER_USER;
  const ownerCounts: number[] = [];
  const rawSizes: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    ownerCounts.push(g % 200 === 13 ? 0 : random.int(1, 3));
    rawSizes.push(g < dynamicCount ? 0 : Math.min(1 / Math.pow(1 - random.next(), 0.9), 5000));
  }
  const ownerLinks = ownerCounts.reduce((a, b) => a + b, 0);
  const rawTotal = rawSizes.reduce((a, b) => a + b, 0);
  // Dynamic groups are narrow (department × city); their members are estimated into the budget.
  const dynamicEstimate = dynamicCount * userCount * 0.1 * 0.03;
  const scale = Math.max(0, linkBudget - ownerLinks - dynamicEstimate) / rawTotal;
  const maxSize = Math.floor(userCount / 2);

  const groupIds: string[] = [];
  const plainSecurityGroups: string[] = [];
  const deletableGroups: string[] = [];
  const roleAssignableGroups: string[] = [];
  for (let g = 0; g < groupCount; g++) {
    const id = ids.guid();
    const isDynamic = g < dynamicCount;
    const choice = isDynamic ? { kind: (g % 4 === 0 ? 'unified' : 'security') as GroupKind } : pickWeighted(kinds, random.next());
    const department = DEPARTMENTS[g % DEPARTMENTS.length];
    const office = OFFICES[Math.floor(g / DEPARTMENTS.length) % OFFICES.length];
    const spec: GroupSpec = {
      displayName: isDynamic ? `Dyn - ${department.name} - ${office.city}` : `${department.name} ${groupNoun(choice.kind, g)} ${g}`,
      mailNickname: `g${g}-${choice.kind === 'unified' ? 'team' : choice.kind === 'distribution' ? 'dl' : 'sg'}`,
      description: `${department.name} group ${g}`,
      kind: choice.kind,
      membershipRule: isDynamic ? `(user.department -eq "${department.name}") -and (user.city -eq "${office.city}")` : undefined,
      isAssignableToRole: 'roleAssignable' in choice && choice.roleAssignable === true,
      visibility: choice.kind === 'unified' ? (g % 3 === 0 ? 'Public' : 'Private') : undefined,
      team: choice.kind === 'unified' && g % 2 === 0,
      synced: choice.kind === 'security' && !isDynamic && g % 25 === 3,
    };
    const createdDateTime = isoSeconds(Date.UTC(2025, 9, 1) - random.int(1, 2000) * DAY_MS);
    directory.createGroup(groupProps(spec, LARGE_IDENTITY, nowMs, 20000 + g), { id, createdDateTime, allowMailEnabled: true });
    groupIds.push(id);
    if (!isDynamic) {
      const size = Math.min(maxSize, Math.max(1, Math.round(rawSizes[g] * scale)));
      const chosen = new Set<number>();
      while (chosen.size < size) chosen.add(random.int(0, userCount - 1));
      for (const index of chosen) directory.addMember(id, userIds[index]);
      if (spec.kind === 'security' && !spec.isAssignableToRole) {
        if (!spec.synced) deletableGroups.push(id);
        if (plainSecurityGroups.length > 0 && g % 50 === 7) directory.addMember(id, random.pick(plainSecurityGroups));
        plainSecurityGroups.push(id);
      }
      if (spec.kind === 'unified') deletableGroups.push(id);
      if (spec.isAssignableToRole) roleAssignableGroups.push(id);
    }
    for (let o = 0; o < ownerCounts[g]; o++) {
      const ownerId = userIds[random.int(0, memberCount - 1)];
      if (!directory.owners.has(id, ownerId)) directory.addOwner(id, ownerId);
    }
  }

  // Administrative units: one per office.
  const unitIds: string[] = [];
  for (const office of OFFICES) {
    const unit = directory.createAdministrativeUnit({ displayName: `${office.city} Office`, description: `Users in ${office.city}.` }, { id: ids.guid() });
    unitIds.push(unit.id);
  }
  for (let i = 0; i < memberCount; i++) {
    const city = directory.getUser(userIds[i])!.props.city;
    const officeIndex = OFFICES.findIndex((o) => o.city === city);
    if (officeIndex >= 0 && i % 4 === 0) directory.addUnitMember(unitIds[officeIndex], userIds[i]);
  }

  // Roles: the first LARGE_ACTIVE_ROLES built-in roles active, each with 1–5 holders; two Global Administrators.
  const cloudMember = () => {
    for (;;) {
      const i = random.int(0, memberCount - 1);
      if (!synced[i]) return userIds[i];
    }
  };
  const roles = BUILT_IN_ROLES.slice(0, LARGE_ACTIVE_ROLES);
  for (const role of roles) {
    const holders = role.templateId === ROLE_TEMPLATE.globalAdministrator ? 2 : random.int(1, 5);
    const principals = new Set<string>();
    while (principals.size < holders) principals.add(cloudMember());
    for (const principalId of principals) assignRole(directory, ids, role.templateId, principalId);
  }
  roleAssignableGroups.forEach((groupId, i) => assignRole(directory, ids, roles[(i % (roles.length - 1)) + 1].templateId, groupId));
  unitIds.forEach((unitId, i) => assignRole(directory, ids, ROLE_TEMPLATE.userAdministrator, userIds[i * 7 + 11], `/administrativeUnits/${unitId}`));

  // Licenses: E5 for 20%, E3 + EMS for the rest of the licensable members; Power BI Pro for Finance.
  for (let i = 0; i < memberCount; i++) {
    if (!licensable[i]) continue;
    const userId = userIds[i];
    if (i % 5 === 0) directory.seedLicense(userId, SKU_ID.microsoft365E5);
    else {
      directory.seedLicense(userId, SKU_ID.office365E3);
      directory.seedLicense(userId, SKU_ID.enterpriseMobilitySecurityE3);
    }
    if (directory.getUser(userId)!.props.department === 'Finance') directory.seedLicense(userId, SKU_ID.powerBiPro);
  }

  // Recycle bin: 0.1% of users and 0.2% of groups, deleted 1–29 days ago (on the simulator clock).
  const deletedUsers = Math.round(userCount * 0.001);
  for (let d = 0, i = 5; d < deletedUsers && i < memberCount; i += 997) {
    if (synced[i]) continue;
    directory.deleteUser(userIds[i]);
    directory.getDeleted(userIds[i])!.props.deletedDateTime = isoSeconds(nowMs - random.int(1, 29) * DAY_MS);
    d++;
  }
  const deletedGroups = Math.round(groupCount * 0.002);
  for (let d = 0; d < deletedGroups && d * 17 < deletableGroups.length; d++) {
    const groupId = deletableGroups[d * 17];
    directory.deleteGroup(groupId);
    directory.getDeleted(groupId)!.props.deletedDateTime = isoSeconds(nowMs - random.int(1, 29) * DAY_MS);
  }

  addSubscribedSkus(directory, (skuId, defaultUnits) => {
    const consumed = directory.consumedUnits(skuId);
    return consumed === 0 ? defaultUnits : consumed + Math.ceil(consumed * 0.05);
  });
}

function groupNoun(kind: GroupKind, index: number): string {
  if (kind === 'unified') return index % 2 === 0 ? 'Team' : 'Project';
  if (kind === 'distribution') return 'Mailing List';
  if (kind === 'mailEnabledSecurity') return 'Mail Security';
  return 'Access';
}
