/**
 * The demo tenant (Contoso, contoso.example) that `npm start` and the tests load: ~300 users by default.
 *
 * Shape: a CEO, one head per department, people managers (one per ~8 people) and individual contributors, so
 * managers form a tree; ~10% synced from on-premises AD; a few guests, disabled accounts and users without a usage
 * location. About 45 groups of every kind (security, Microsoft 365 with and without teams, mail-enabled security,
 * distribution lists, dynamic security and dynamic Microsoft 365, role-assignable, synced, nested), owners on all
 * but one. Three administrative units, ~20 roles assigned (two Global Administrators, AU-scoped and group
 * assignments), licenses within seats (POWER_BI_PRO has no free seat), and a user, a Microsoft 365 group and a
 * security group already in the recycle bin.
 *
 * The Playground people (playground-users.ts) and Bob Kelly have fixed ids; everything else is drawn from a
 * SeededRandom, so one seed and one clock instant give the same tenant, byte for byte.
 */
import { SimClock } from '../model/clock';
import { Directory } from '../model/directory';
import { GroupSpec, addBuiltInRoles, addSubscribedSkus, assignRole, groupProps } from './common';
import { DEPARTMENTS, Department, EXECUTIVE_DEPARTMENT, OFFICES, Office, pickWeighted } from './names';
import { TenantIdentity, UserFactory, individualTitle, isoSeconds } from './people';
import {
  DEMO_BOB_ID,
  DEMO_DOMAIN,
  DEMO_HELPDESK_GROUP_ID,
  DEMO_INITIAL_DOMAIN,
  DEMO_SECURITY_LEADS_GROUP_ID,
  DEMO_TEAM_GROUP_ID,
  DEMO_TENANT_ID,
  PLAYGROUND_CURRENT_USER,
  PLAYGROUND_PEOPLE,
  PLAYGROUND_USERS,
  isHelpdeskRole,
  isSecurityLeadRole,
} from './playground-users';
import { SeededRandom, seedFromLabel } from './random';
import { ROLE_TEMPLATE } from './roles';
import { SKU_ID } from './skus';

export const DEMO_SEED = 20251001;
export const DEMO_DEFAULT_USERS = 300;
/** Smaller overrides are raised to this, so every department has a head, managers and reports. */
export const DEMO_MIN_USERS = 60;

export const DEMO_IDENTITY: TenantIdentity = {
  domain: DEMO_DOMAIN,
  initialDomain: DEMO_INITIAL_DOMAIN,
  companyName: 'Contoso',
  onPremisesDomain: 'corp.contoso.example',
  onPremisesNetBiosName: 'CORP',
  onPremisesDomainSid: 'S-1-5-21-2127521184-1604012920-1887927527',
};

/** Rules of the demo's dynamic groups, by mailNickname. */
export const DEMO_DYNAMIC_RULES: Readonly<Record<string, string>> = {
  'dyn-sales': 'user.department -eq "Sales"',
  'dyn-engineering-active': '(user.department -eq "Engineering") -and (user.accountEnabled -eq true)',
  'dyn-germany': 'user.country -eq "Germany"',
  'dyn-guests': 'user.userType -eq "Guest"',
  'dyn-senior-staff': 'user.jobTitle -startsWith "Senior"',
  'dyn-synced-users': 'user.onPremisesSyncEnabled -eq true',
  'dyn-marketing-m365': 'user.department -eq "Marketing" -or user.department -eq "Sales"',
};

/** Spare seats per SKU after seeding; POWER_BI_PRO has none, so a restore can hit "no available licenses". */
export const DEMO_SPARE_SEATS: Readonly<Record<string, number>> = {
  [SKU_ID.office365E3]: 15,
  [SKU_ID.microsoft365E5]: 5,
  [SKU_ID.enterpriseMobilitySecurityE3]: 10,
  [SKU_ID.entraIdP2]: 3,
  [SKU_ID.powerBiPro]: 0,
  [SKU_ID.visioPlan2]: 2,
};

interface Person {
  id: string;
  kind: 'member' | 'guest';
  department: string;
  jobTitle: string;
  office: Office | null;
  synced: boolean;
  enabled: boolean;
  licensable: boolean;
  managerId?: string;
}

export interface DemoTenantOptions {
  users?: number;
  seed?: number;
}

export function buildDemoTenant(clock: SimClock, options: DemoTenantOptions = {}): Directory {
  const directory = new Directory({ tenantId: DEMO_TENANT_ID, domains: [DEMO_DOMAIN, DEMO_INITIAL_DOMAIN], clock });
  const seeder = new DemoSeeder(directory, clock.now(), options.seed ?? DEMO_SEED, Math.max(options.users ?? DEMO_DEFAULT_USERS, DEMO_MIN_USERS));
  directory.seed(() => seeder.run());
  return directory;
}

class DemoSeeder {
  private readonly random: SeededRandom;
  private readonly ids: SeededRandom;
  private readonly factory: UserFactory;
  private readonly people: Person[] = [];
  private readonly byId = new Map<string, Person>();
  private readonly heads = new Map<string, Person>();
  private ceo!: Person;
  private breakGlass!: Person;
  private departingUser!: Person;
  private helpdeskTechnicians: Person[] = [];
  private readonly groupIds = new Map<string, string>();
  private relativeId = 5000;

  constructor(
    private readonly directory: Directory,
    private readonly nowMs: number,
    seed: number,
    private readonly userCount: number,
  ) {
    this.random = new SeededRandom(seed);
    this.ids = new SeededRandom(seed ^ seedFromLabel('ids'));
    this.factory = new UserFactory(this.random.fork(), DEMO_IDENTITY, nowMs);
  }

  run(): void {
    addBuiltInRoles(this.directory, this.ids);
    this.createPeople();
    this.assignManagers();
    this.createGroups();
    this.createAdministrativeUnits();
    this.assignRoles();
    this.assignLicenses();
    this.fillRecycleBin();
    addSubscribedSkus(this.directory, (skuId) => this.directory.consumedUnits(skuId) + (DEMO_SPARE_SEATS[skuId] ?? 0));
  }

  // ---------------------------------------------------------------- people

  private office(city: string): Office {
    const found = OFFICES.find((o) => o.city === city);
    if (!found) throw new RangeError(`no office in ${city}`);
    return found;
  }

  private department(name: string): Department {
    const found = DEPARTMENTS.find((d) => d.name === name);
    if (!found) throw new RangeError(`no department ${name}`);
    return found;
  }

  private codeOf(department: string): string {
    return department === EXECUTIVE_DEPARTMENT ? 'EX' : this.department(department).code;
  }

  private addMember(
    id: string,
    input: { givenName: string; surname: string; department: string; jobTitle: string; office: Office | null; mailNickname?: string; upnDomain?: string; synced?: boolean; enabled?: boolean; contractor?: boolean; withoutUsageLocation?: boolean },
  ): Person {
    const { props, createdDateTime } = this.factory.member(id, {
      givenName: input.givenName,
      surname: input.surname,
      department: input.department,
      departmentCode: this.codeOf(input.department),
      jobTitle: input.jobTitle,
      office: input.office,
      mailNickname: input.mailNickname,
      upnDomain: input.upnDomain,
      accountEnabled: input.enabled,
      synced: input.synced,
      contractor: input.contractor,
      withoutUsageLocation: input.withoutUsageLocation,
    });
    this.directory.createUser(props, { id, createdDateTime });
    const person: Person = {
      id,
      kind: 'member',
      department: input.department,
      jobTitle: input.jobTitle,
      office: input.office,
      synced: input.synced ?? false,
      enabled: input.enabled ?? true,
      licensable: props.usageLocation !== null && input.office !== null,
    };
    this.people.push(person);
    this.byId.set(id, person);
    return person;
  }

  private createPeople(): void {
    const seattle = this.office('Seattle');
    for (const p of PLAYGROUND_PEOPLE) {
      this.addMember(p.id, {
        givenName: p.givenName, surname: p.surname, department: p.department, jobTitle: p.jobTitle,
        office: p.givenName === 'Adele' ? this.office('London') : seattle, mailNickname: p.mailNickname,
      });
    }
    this.addMember(DEMO_BOB_ID, {
      givenName: 'Bob', surname: 'Kelly', department: 'IT', jobTitle: 'IT Support Manager', office: seattle, mailNickname: 'bob',
    });
    this.breakGlass = this.addMember(this.ids.guid(), {
      givenName: 'Emergency', surname: 'Access', department: 'IT', jobTitle: 'Emergency Access Account', office: null,
      mailNickname: 'breakglass', upnDomain: DEMO_INITIAL_DOMAIN,
    });
    this.ceo = this.addMember(this.ids.guid(), {
      ...this.factory.randomName(), department: EXECUTIVE_DEPARTMENT, jobTitle: 'Chief Executive Officer', office: seattle,
    });
    for (const department of DEPARTMENTS) {
      const head = this.addMember(this.ids.guid(), {
        ...this.factory.randomName(), department: department.name, jobTitle: department.headTitle,
        office: pickWeighted(OFFICES.slice(0, 5), this.random.next()),
      });
      this.heads.set(department.name, head);
    }
    const guestCount = Math.max(3, Math.round(this.userCount * 0.015));
    const memberCount = this.userCount - this.people.length - guestCount;
    const syncedTarget = Math.round(memberCount * 0.1);
    for (let i = 0; i < memberCount; i++) {
      const department = i < 2 ? this.department('IT') : pickWeighted(DEPARTMENTS, this.random.next());
      const synced = i >= 4 && i % 10 === 5 && i / 10 < syncedTarget;
      const person = this.addMember(this.ids.guid(), {
        ...this.factory.randomName(),
        department: department.name,
        jobTitle: i < 2 ? 'Helpdesk Technician' : individualTitle(this.random, department),
        office: pickWeighted(OFFICES, this.random.next()),
        synced,
        enabled: i >= 4 && this.random.chance(0.04) ? false : true,
        contractor: this.random.chance(0.08),
        withoutUsageLocation: i >= 4 && !synced && this.random.chance(0.02),
      });
      if (i < 2) this.helpdeskTechnicians.push(person);
      if (i === 3) this.departingUser = person;
    }
    for (let i = 0; i < guestCount; i++) {
      const id = this.ids.guid();
      const { props, createdDateTime } = this.factory.guest(id);
      this.directory.createUser(props, { id, createdDateTime });
      const guest: Person = { id, kind: 'guest', department: '', jobTitle: '', office: null, synced: false, enabled: true, licensable: false };
      this.people.push(guest);
      this.byId.set(id, guest);
    }
  }

  private assignManagers(): void {
    const itHead = this.heads.get('IT')!;
    const securityHead = this.heads.get('Security')!;
    const fixedManagers = new Map<string, string>([
      [DEMO_BOB_ID, itHead.id],
      [PLAYGROUND_CURRENT_USER.id, DEMO_BOB_ID],
      [PLAYGROUND_USERS[2].id, DEMO_BOB_ID], // Isaiah
      [PLAYGROUND_USERS[0].id, securityHead.id], // Megan
      [PLAYGROUND_USERS[1].id, PLAYGROUND_USERS[0].id], // Adele → Megan
      [PLAYGROUND_USERS[4].id, PLAYGROUND_USERS[0].id], // Lynne → Megan
      [PLAYGROUND_USERS[3].id, this.heads.get('Marketing')!.id], // Patti
      ...this.helpdeskTechnicians.map((t): [string, string] => [t.id, DEMO_BOB_ID]),
    ]);
    for (const head of this.heads.values()) head.managerId = this.ceo.id;
    const assigned = new Set<string>([this.ceo.id, this.breakGlass.id, ...[...this.heads.values()].map((h) => h.id), ...fixedManagers.keys()]);
    for (const [userId, managerId] of fixedManagers) this.byId.get(userId)!.managerId = managerId;
    for (const department of DEPARTMENTS) {
      const head = this.heads.get(department.name)!;
      const pool = this.people.filter((p) => p.kind === 'member' && p.department === department.name && !assigned.has(p.id));
      const managerCount = pool.length >= 4 ? Math.ceil(pool.length / 8) : 0;
      const managers = pool.slice(0, managerCount);
      for (const manager of managers) {
        manager.managerId = head.id;
        manager.jobTitle = department.managerTitle;
        this.directory.getUser(manager.id)!.props.jobTitle = department.managerTitle;
      }
      for (const person of pool.slice(managerCount)) person.managerId = managers.length ? this.random.pick(managers).id : head.id;
    }
    for (const person of this.people) if (person.managerId) this.directory.setManager(person.id, person.managerId);
  }

  // ---------------------------------------------------------------- groups

  private members(filter: (p: Person) => boolean): string[] {
    return this.people.filter(filter).map((p) => p.id);
  }

  private inDepartment(name: string): string[] {
    return this.members((p) => p.kind === 'member' && p.department === name);
  }

  private someMembers(fraction: number): string[] {
    return this.members((p) => p.kind === 'member' && p.id !== this.breakGlass.id && this.random.chance(fraction));
  }

  private managersOf(department: string): string[] {
    const title = this.department(department).managerTitle;
    return this.members((p) => p.department === department && (p.jobTitle === title || p === this.heads.get(department)));
  }

  private group(spec: GroupSpec, members: readonly string[], owners: readonly string[], options: { id?: string; daysOld?: number } = {}): string {
    const id = options.id ?? this.ids.guid();
    const props = groupProps(spec, DEMO_IDENTITY, this.nowMs, ++this.relativeId);
    const daysOld = options.daysOld ?? this.random.int(30, 1500);
    this.directory.createGroup(props, { id, createdDateTime: isoSeconds(Date.UTC(2025, 9, 1) - daysOld * 86_400_000), allowMailEnabled: true });
    if (!spec.membershipRule) for (const memberId of new Set(members)) this.directory.addMember(id, memberId);
    for (const ownerId of new Set(owners)) this.directory.addOwner(id, ownerId);
    this.groupIds.set(spec.mailNickname, id);
    return id;
  }

  private createGroups(): void {
    const bob = DEMO_BOB_ID;
    const head = (department: string) => this.heads.get(department)!.id;
    const security = (displayName: string, mailNickname: string, description: string, extra: Partial<GroupSpec> = {}): GroupSpec => ({ displayName, mailNickname, description, kind: 'security', ...extra });
    const unified = (displayName: string, mailNickname: string, description: string, extra: Partial<GroupSpec> = {}): GroupSpec => ({ displayName, mailNickname, description, kind: 'unified', visibility: 'Private', ...extra });
    const enabledMembers = this.members((p) => p.kind === 'member' && p.enabled && p.id !== this.breakGlass.id);
    const seattle = this.members((p) => p.office?.city === 'Seattle');
    const germany = this.members((p) => p.office?.country === 'Germany');
    const guests = this.members((p) => p.kind === 'guest');
    const helpdesk = PLAYGROUND_PEOPLE.filter((p) => isHelpdeskRole(p.role)).map((p) => p.id);
    const leads = PLAYGROUND_PEOPLE.filter((p) => isSecurityLeadRole(p.role)).map((p) => p.id);

    // Fixed groups of the restore workflow.
    this.group(security('Helpdesk', 'helpdesk', 'Helpdesk staff; members may request restores in Rewind.'),
      [...helpdesk, bob, ...this.helpdeskTechnicians.map((t) => t.id)], [bob], { id: DEMO_HELPDESK_GROUP_ID });
    this.group(security('Security Leads', 'securityleads', 'Security leads; members approve restores in Rewind.'),
      [...leads, head('Security')], [head('Security'), PLAYGROUND_USERS[0].id], { id: DEMO_SECURITY_LEADS_GROUP_ID });
    this.group(unified('Rewind Operations', 'rewindops', 'Team for backup and restore operations.', { team: true }),
      [...PLAYGROUND_PEOPLE.map((p) => p.id), bob], [PLAYGROUND_USERS[0].id], { id: DEMO_TEAM_GROUP_ID });

    // Security groups.
    this.group(security('All Staff', 'allstaff', 'Every active employee and contractor.'), enabledMembers, [head('IT')]);
    this.group(security('VPN Users', 'vpnusers', 'Allowed to connect to the corporate VPN.'), [...this.someMembers(0.3), bob], [head('IT')]);
    this.group(security('Wi-Fi Corporate', 'wifi-corporate', 'Certificates for the corporate Wi-Fi.'), this.someMembers(0.4), [head('IT'), bob]);
    this.group(security('Finance Approvers', 'finance-approvers', 'Approve purchase orders above 10,000.'), this.managersOf('Finance'), [head('Finance')]);
    this.group(security('Building 12 Access', 'building12', 'Badge access to Building 12, Seattle.'), seattle, [head('Operations')]);
    this.group(security('Laptop Refresh 2025', 'laptop-refresh-2025', 'Users due a new laptop in 2025.'), [...this.someMembers(0.15), bob], [bob]);
    this.group(security('MFA Exclusions', 'mfa-exclusions', 'Excluded from Conditional Access MFA (break-glass only).'), [this.breakGlass.id], [head('Security')]);
    this.group(security('Legacy App Access', 'legacy-app-access', 'Access to the retired expenses app; owner left the company.'), this.someMembers(0.04), []);
    this.group(security('SharePoint Site Owners', 'sp-site-owners', 'Owners of departmental SharePoint sites.'), this.someMembers(0.05), [head('IT')]);
    this.group(security('Printers - Floor 3', 'printers-floor3', 'Print queue access, third floor.'), this.someMembers(0.08), [head('Operations')]);
    this.group(security('Contractors', 'contractors', 'External contractors with employee accounts.'),
      this.members((p) => p.kind === 'member' && this.directory.getUser(p.id)!.props.employeeType === 'Contractor'), [head('Human Resources')]);
    this.group(security('All IT', 'all-it', 'IT staff, including the Helpdesk and Security Leads groups.'),
      [DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, head('IT'), ...this.inDepartment('IT')], [head('IT')]);
    this.group(security('CORP-FileShare-Finance', 'corp-fileshare-finance', 'Synced from corp.contoso.example.', { synced: true }),
      this.inDepartment('Finance'), [head('Finance')]);
    this.group(security('CORP-GG-Employees-DE', 'corp-gg-employees-de', 'Synced from corp.contoso.example.', { synced: true }), germany, [head('Human Resources')]);

    // Microsoft 365 groups.
    this.group(unified('Marketing Team', 'marketing', 'Marketing department team.', { team: true, visibility: 'Public' }), this.inDepartment('Marketing'), [head('Marketing')]);
    this.group(unified('Sales Team', 'sales', 'Sales department team.', { team: true }), this.inDepartment('Sales'), [head('Sales'), ...this.managersOf('Sales').slice(0, 1)]);
    this.group(unified('Engineering', 'engineering', 'Engineering department team.', { team: true, visibility: 'Public' }), this.inDepartment('Engineering'), [head('Engineering')]);
    this.group(unified('Customer Success', 'customer-success', 'Customer Support department team.', { team: true }), this.inDepartment('Customer Support'), [head('Customer Support')]);
    this.group(unified('IT Department', 'it-department', 'IT department team.', { team: true }), [...this.inDepartment('IT'), bob], [head('IT'), bob]);
    this.group(unified('Leadership Team', 'leadership', 'CEO and department heads.', { team: true }), [this.ceo.id, ...[...this.heads.values()].map((h) => h.id)], [this.ceo.id]);
    this.group(unified('Project Phoenix', 'project-phoenix', 'Next-generation platform project.'),
      this.random.sample([...this.inDepartment('Engineering'), ...this.inDepartment('Research & Development')], 12), [head('Engineering')]);
    this.group(unified('Contoso Social Club', 'social-club', 'After-work activities.', { visibility: 'Public' }), this.someMembers(0.12), [PLAYGROUND_USERS[3].id]);
    this.group(unified('Product Launch 2026', 'product-launch-2026', 'Launch planning with agency partners.'),
      [...this.someMembers(0.08), ...guests.slice(0, 2)], [head('Marketing'), PLAYGROUND_USERS[3].id]);
    this.group(unified('Partner Collaboration - Fabrikam', 'partner-fabrikam', 'Shared workspace with partner organisations.'),
      [...guests, ...this.random.sample(this.inDepartment('Sales'), 5)], [head('Sales')]);

    // Mail-enabled security groups and distribution lists (read-only through Graph).
    this.group({ displayName: 'Security Alerts', mailNickname: 'security-alerts', description: 'Receives security alert mail.', kind: 'mailEnabledSecurity' },
      [...this.inDepartment('Security'), bob], [head('Security')]);
    this.group({ displayName: 'IT Admins', mailNickname: 'it-admins', description: 'IT administrators (mail-enabled).', kind: 'mailEnabledSecurity' },
      [...this.managersOf('IT'), bob], [head('IT')]);
    this.group({ displayName: 'Finance Controllers', mailNickname: 'finance-controllers', description: 'Controllers with access to finance shares.', kind: 'mailEnabledSecurity' },
      this.managersOf('Finance'), [head('Finance')]);
    this.group({ displayName: 'All Company Announcements', mailNickname: 'announcements', description: 'Company-wide announcements.', kind: 'distribution' },
      enabledMembers, [this.ceo.id]);
    this.group({ displayName: 'Seattle Office', mailNickname: 'seattle-office', description: 'Everyone in the Seattle office.', kind: 'distribution' }, seattle, [head('Operations')]);
    this.group({ displayName: 'Sales Leads', mailNickname: 'sales-leads', description: 'Sales managers.', kind: 'distribution' }, this.managersOf('Sales'), [head('Sales')]);
    this.group({ displayName: 'Engineering Newsletter', mailNickname: 'eng-newsletter', description: 'Monthly engineering newsletter.', kind: 'distribution' },
      this.random.sample(this.inDepartment('Engineering'), 30), [head('Engineering')]);
    this.group({ displayName: 'Board Communications', mailNickname: 'board-comms', description: 'Board correspondence.', kind: 'distribution' },
      [this.ceo.id, head('Finance'), head('Legal')], [this.ceo.id]);

    // Dynamic groups.
    const dynamic = (displayName: string, mailNickname: string, description: string, kind: 'security' | 'unified' = 'security'): GroupSpec =>
      ({ displayName, mailNickname, description, kind, membershipRule: DEMO_DYNAMIC_RULES[mailNickname], ...(kind === 'unified' ? { visibility: 'Private' as const } : {}) });
    this.group(dynamic('Dyn - Sales', 'dyn-sales', 'Everyone in Sales.'), [], [head('Sales')]);
    this.group(dynamic('Dyn - Engineering (active)', 'dyn-engineering-active', 'Enabled Engineering accounts.'), [], [head('Engineering')]);
    this.group(dynamic('Dyn - Germany', 'dyn-germany', 'Users located in Germany.'), [], [head('Human Resources')]);
    this.group(dynamic('Dyn - Guests', 'dyn-guests', 'All guest accounts.'), [], [head('Security')]);
    this.group(dynamic('Dyn - Senior Staff', 'dyn-senior-staff', 'Senior individual contributors.'), [], [head('Human Resources')]);
    this.group(dynamic('Dyn - Synced Users', 'dyn-synced-users', 'Accounts synced from corp.contoso.example.'), [], [head('IT')]);
    this.group(dynamic('Go-To-Market', 'dyn-marketing-m365', 'Marketing and Sales (dynamic Microsoft 365 group).', 'unified'), [], [head('Marketing')]);

    // Role-assignable groups.
    const itPool = this.inDepartment('IT').filter((id) => id !== bob && id !== this.breakGlass.id && !helpdesk.includes(id));
    this.group(security('Password Administrators', 'pim-password-admins', 'Holds the Password Administrator role.', { isAssignableToRole: true }),
      itPool.slice(0, 3), [head('IT')]);
    this.group(security('SOC Analysts', 'soc-analysts', 'Holds the Security Operator role.', { isAssignableToRole: true }),
      this.inDepartment('Security').filter((id) => id !== head('Security')).slice(0, 4), [head('Security')]);

    // Groups that end up in the recycle bin (fillRecycleBin).
    this.group(unified('Project Atlas', 'project-atlas', 'Finished migration project.'), this.random.sample(this.inDepartment('Engineering'), 8), [head('Engineering')]);
    this.group(security('Temp Access - Q3 Audit', 'temp-q3-audit', 'Temporary access for the Q3 audit.'), this.random.sample(this.inDepartment('Finance'), 4), [head('Finance')]);

    // The departing user is in a few groups, so restoring them brings memberships back.
    const departing = this.departingUser.id;
    for (const nickname of ['vpnusers', 'wifi-corporate', 'social-club']) {
      const groupId = this.groupIds.get(nickname)!;
      if (!this.directory.members.has(groupId, departing)) this.directory.addMember(groupId, departing);
    }
  }

  private createAdministrativeUnits(): void {
    const units: [string, string, (p: Person) => boolean, string[]][] = [
      ['Seattle Office', 'People and groups of the Seattle office.', (p) => p.office?.city === 'Seattle', ['building12', 'seattle-office']],
      ['Germany', 'People and groups in Germany.', (p) => p.office?.country === 'Germany', ['corp-gg-employees-de']],
      ['Sales EMEA', 'Sales staff in Europe.', (p) => p.department === 'Sales' && ['GB', 'DE', 'FR', 'NL'].includes(p.office?.usageLocation ?? ''), []],
    ];
    for (const [displayName, description, filter, groupNicknames] of units) {
      const unit = this.directory.createAdministrativeUnit({ displayName, description, visibility: null }, { id: this.ids.guid() });
      for (const id of this.members((p) => p.kind === 'member' && filter(p))) this.directory.addUnitMember(unit.id, id);
      for (const nickname of groupNicknames) this.directory.addUnitMember(unit.id, this.groupIds.get(nickname)!);
    }
  }

  // ---------------------------------------------------------------- roles, licenses, recycle bin

  private assignRoles(): void {
    const assign = (templateId: string, principalId: string, scope = '/') => assignRole(this.directory, this.ids, templateId, principalId, scope);
    const head = (department: string) => this.heads.get(department)!.id;
    const fixedIds = new Set<string>([...PLAYGROUND_PEOPLE.map((p) => p.id), DEMO_BOB_ID, this.breakGlass.id, this.departingUser.id, ...this.helpdeskTechnicians.map((t) => t.id)]);
    const staff = (department: string) => this.inDepartment(department).filter((id) => !fixedIds.has(id) && id !== head(department) && !this.byId.get(id)!.synced);
    const it = staff('IT');
    const security = staff('Security');
    const [seattleUnit, germanyUnit] = [...this.directory.administrativeUnits()].map((u) => u.id);

    assign(ROLE_TEMPLATE.globalAdministrator, head('IT'));
    assign(ROLE_TEMPLATE.globalAdministrator, this.breakGlass.id);
    assign(ROLE_TEMPLATE.privilegedRoleAdministrator, head('Security'));
    assign(ROLE_TEMPLATE.securityAdministrator, PLAYGROUND_USERS[0].id);
    assign(ROLE_TEMPLATE.securityAdministrator, PLAYGROUND_USERS[1].id);
    assign(ROLE_TEMPLATE.securityReader, PLAYGROUND_USERS[4].id);
    assign(ROLE_TEMPLATE.helpdeskAdministrator, DEMO_BOB_ID);
    assign(ROLE_TEMPLATE.billingAdministrator, head('Finance'));
    assign(ROLE_TEMPLATE.complianceAdministrator, head('Legal'));
    assign(ROLE_TEMPLATE.globalReader, head('Legal'));
    const itRoles = [
      ROLE_TEMPLATE.userAdministrator, ROLE_TEMPLATE.groupsAdministrator, ROLE_TEMPLATE.exchangeAdministrator,
      ROLE_TEMPLATE.sharePointAdministrator, ROLE_TEMPLATE.teamsAdministrator, ROLE_TEMPLATE.licenseAdministrator,
      ROLE_TEMPLATE.intuneAdministrator,
    ];
    itRoles.forEach((templateId, i) => assign(templateId, it[i % it.length]));
    const securityRoles = [ROLE_TEMPLATE.authenticationAdministrator, ROLE_TEMPLATE.conditionalAccessAdministrator, ROLE_TEMPLATE.globalReader];
    securityRoles.forEach((templateId, i) => assign(templateId, security[i % security.length]));
    assign(ROLE_TEMPLATE.passwordAdministrator, this.groupIds.get('pim-password-admins')!);
    assign('5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', this.groupIds.get('soc-analysts')!); // Security Operator
    assign(ROLE_TEMPLATE.userAdministrator, it[(itRoles.length + 0) % it.length], `/administrativeUnits/${seattleUnit}`);
    assign(ROLE_TEMPLATE.helpdeskAdministrator, it[(itRoles.length + 1) % it.length], `/administrativeUnits/${germanyUnit}`);
  }

  private assignLicenses(): void {
    const e5Holders = new Set<string>([
      this.ceo.id, ...[...this.heads.values()].map((h) => h.id), ...PLAYGROUND_PEOPLE.map((p) => p.id), DEMO_BOB_ID,
      ...this.inDepartment('Security'),
    ]);
    const licensed = this.people.filter((p) => p.kind === 'member' && p.licensable);
    for (const person of licensed) {
      if (e5Holders.has(person.id)) {
        this.directory.seedLicense(person.id, SKU_ID.microsoft365E5);
      } else {
        this.directory.seedLicense(person.id, SKU_ID.office365E3);
        this.directory.seedLicense(person.id, SKU_ID.enterpriseMobilitySecurityE3);
        if (person.department === 'IT') this.directory.seedLicense(person.id, SKU_ID.entraIdP2);
      }
      if (person.department === 'Finance' || person.department === 'Executive') this.directory.seedLicense(person.id, SKU_ID.powerBiPro);
    }
    this.directory.seedLicense(DEMO_BOB_ID, SKU_ID.visioPlan2);
    for (const id of this.random.sample(licensed.filter((p) => p.department === 'Engineering').map((p) => p.id), 3)) {
      this.directory.seedLicense(id, SKU_ID.visioPlan2);
    }
  }

  /** Deletion times are relative to the clock, so the items are inside the 30-day retention when the tenant loads. */
  private fillRecycleBin(): void {
    const deletions: [string, 'user' | 'group', number][] = [
      [this.departingUser.id, 'user', 5],
      [this.groupIds.get('project-atlas')!, 'group', 12],
      [this.groupIds.get('temp-q3-audit')!, 'group', 25],
    ];
    for (const [id, kind, daysAgo] of deletions) {
      if (kind === 'user') this.directory.deleteUser(id);
      else this.directory.deleteGroup(id);
      this.directory.getDeleted(id)!.props.deletedDateTime = isoSeconds(this.nowMs - daysAgo * 86_400_000 - 3_600_000 * 3);
    }
  }
}
