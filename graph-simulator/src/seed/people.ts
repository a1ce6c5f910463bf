/**
 * Builds the property bags of seeded users. Every value comes from the caller's SeededRandom, the tenant identity
 * and two instants: `epochMs` (a fixed instant that creation, hire and password-change times lie before, so they do
 * not depend on when the tenant is built) and `nowMs` (the simulator clock, for facts that must be recent, such as
 * the last directory-sync time).
 */
import { Props } from '../model/directory';
import { Department, FIRST_NAMES, LAST_NAMES, Office, PARTNER_DOMAINS } from './names';
import { SeededRandom } from './random';

/** Fixed instant seeded histories end at: 2025-10-01T00:00:00Z. */
export const SEED_EPOCH_MS = Date.UTC(2025, 9, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TenantIdentity {
  domain: string;
  initialDomain: string;
  companyName: string;
  /** On-premises AD DNS domain of synced users, e.g. corp.contoso.example. */
  onPremisesDomain: string;
  onPremisesNetBiosName: string;
  /** Domain SID prefix (S-1-5-21-a-b-c) of synced objects. */
  onPremisesDomainSid: string;
}

export interface MemberSpec {
  givenName: string;
  surname: string;
  department: string;
  jobTitle: string;
  office: Office | null;
  /** Local part of UPN and mail; derived from the name when absent. */
  mailNickname?: string;
  /** Domain of the UPN; the tenant's default domain when absent. */
  upnDomain?: string;
  accountEnabled?: boolean;
  synced?: boolean;
  contractor?: boolean;
  /** Unlicensable: no usage location. */
  withoutUsageLocation?: boolean;
  departmentCode: string;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Graph's `securityIdentifier` of a cloud object: S-1-12-1 plus the object id as four 32-bit integers. */
export function cloudSecurityIdentifier(id: string): string {
  const hex = id.replace(/-/g, '');
  const parts = [0, 8, 16, 24].map((i) => {
    const word = hex.slice(i, i + 8);
    // The id's bytes read little-endian per 32-bit word, as Windows lays out a GUID.
    return parseInt(word.slice(6, 8) + word.slice(4, 6) + word.slice(2, 4) + word.slice(0, 2), 16);
  });
  return `S-1-12-1-${parts.join('-')}`;
}

/** `onPremisesImmutableId`: base64 of the on-premises objectGUID (here derived from the cloud id). */
export function immutableIdFor(id: string): string {
  return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64');
}

export class UserFactory {
  private readonly usedNicknames = new Set<string>();
  private employeeNumber = 10000;
  private relativeId = 1100;

  constructor(
    private readonly random: SeededRandom,
    private readonly tenant: TenantIdentity,
    private readonly nowMs: number,
    private readonly epochMs: number = SEED_EPOCH_MS,
  ) {}

  randomName(): { givenName: string; surname: string } {
    return { givenName: this.random.pick(FIRST_NAMES), surname: this.random.pick(LAST_NAMES) };
  }

  /** A mail nickname unique in this factory: first.last, then first.last2, first.last3, … */
  uniqueNickname(givenName: string, surname: string): string {
    return this.unique(`${givenName}.${surname}`.toLowerCase().replace(/[^a-z0-9.]/g, ''));
  }

  private unique(base: string): string {
    let nickname = base;
    for (let n = 2; this.usedNicknames.has(nickname); n++) nickname = `${base}${n}`;
    this.usedNicknames.add(nickname);
    return nickname;
  }

  reserveNickname(nickname: string): void {
    this.usedNicknames.add(nickname.toLowerCase());
  }

  /** A past instant between `minDays` and `maxDays` before the seed epoch. */
  pastInstant(minDays: number, maxDays: number): string {
    return isoSeconds(this.epochMs - this.random.int(minDays * 24, maxDays * 24) * 60 * 60 * 1000);
  }

  member(id: string, spec: MemberSpec): { props: Props; createdDateTime: string } {
    const random = this.random;
    const nickname = spec.mailNickname ?? this.uniqueNickname(spec.givenName, spec.surname);
    if (spec.mailNickname) this.reserveNickname(spec.mailNickname);
    const upnDomain = spec.upnDomain ?? this.tenant.domain;
    const upn = `${nickname}@${upnDomain}`;
    const office = spec.office;
    const createdMs = this.epochMs - random.int(20, 6 * 365) * DAY_MS - random.int(0, DAY_MS / 1000 - 1) * 1000;
    const hireMs = createdMs - random.int(0, 14) * DAY_MS;
    const employeeId = `${spec.departmentCode}${++this.employeeNumber}`;
    const phone = office ? `+${office.callingCode} ${random.int(200, 989)} ${random.int(100, 999)} ${random.int(1000, 9999)}` : null;
    const props: Props = {
      accountEnabled: spec.accountEnabled ?? true,
      ageGroup: null,
      businessPhones: phone ? [phone] : [],
      city: office?.city ?? null,
      companyName: this.tenant.companyName,
      country: office?.country ?? null,
      department: spec.department,
      displayName: `${spec.givenName} ${spec.surname}`,
      employeeHireDate: isoSeconds(Math.floor(hireMs / DAY_MS) * DAY_MS),
      employeeId,
      employeeOrgData: { division: spec.department, costCenter: `CC-${spec.departmentCode}-${random.int(100, 199)}` },
      employeeType: spec.contractor ? 'Contractor' : 'Employee',
      givenName: spec.givenName,
      identities: [{ signInType: 'userPrincipalName', issuer: this.tenant.initialDomain, issuerAssignedId: upn }],
      jobTitle: spec.jobTitle,
      lastPasswordChangeDateTime: isoSeconds(Math.max(createdMs, this.epochMs - random.int(1, 180) * DAY_MS)),
      mail: upn,
      mailNickname: nickname,
      mobilePhone: office && random.chance(0.7) ? `+${office.callingCode} ${random.int(200, 989)} ${random.int(100, 999)} ${random.int(1000, 9999)}` : null,
      officeLocation: office ? `${office.city} ${random.int(1, 12)}/${random.int(100, 1299)}` : null,
      otherMails: [],
      passwordPolicies: random.chance(0.1) ? 'DisablePasswordExpiration' : null,
      postalCode: office?.postalCode ?? null,
      preferredLanguage: office?.preferredLanguage ?? 'en-US',
      proxyAddresses: [`SMTP:${upn}`, `smtp:${nickname}@${this.tenant.initialDomain}`],
      securityIdentifier: cloudSecurityIdentifier(id),
      showInAddressList: null,
      signInSessionsValidFromDateTime: isoSeconds(createdMs),
      state: office?.state ?? null,
      streetAddress: office?.streetAddress ?? null,
      surname: spec.surname,
      usageLocation: spec.withoutUsageLocation ? null : (office?.usageLocation ?? null),
      userPrincipalName: upn,
      userType: 'Member',
      creationType: null,
    };
    if (spec.synced) Object.assign(props, this.onPremisesProperties(id, nickname, spec));
    return { props, createdDateTime: isoSeconds(createdMs) };
  }

  guest(id: string): { props: Props; createdDateTime: string } {
    const random = this.random;
    const { givenName, surname } = this.randomName();
    const partner = random.pick(PARTNER_DOMAINS);
    const local = `${givenName}.${surname}`.toLowerCase();
    const externalMail = `${local}@${partner}`;
    const nickname = this.unique(`${local}_${partner}`);
    const upn = `${nickname}#EXT#@${this.tenant.initialDomain}`;
    const createdMs = this.epochMs - random.int(5, 700) * DAY_MS;
    const accepted = random.chance(0.8);
    const props: Props = {
      accountEnabled: true,
      businessPhones: [],
      companyName: partner.split('.')[0].replace(/^./, (c) => c.toUpperCase()),
      creationType: 'Invitation',
      displayName: `${givenName} ${surname} (${partner})`,
      externalUserState: accepted ? 'Accepted' : 'PendingAcceptance',
      givenName,
      identities: [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null }],
      mail: externalMail,
      mailNickname: `${nickname}#EXT#`,
      otherMails: [externalMail],
      proxyAddresses: [`SMTP:${externalMail}`],
      securityIdentifier: cloudSecurityIdentifier(id),
      showInAddressList: false,
      signInSessionsValidFromDateTime: isoSeconds(createdMs),
      surname,
      userPrincipalName: upn,
      userType: 'Guest',
    };
    return { props, createdDateTime: isoSeconds(createdMs) };
  }

  private onPremisesProperties(id: string, nickname: string, spec: MemberSpec): Props {
    const sam = nickname.replace(/\./g, '').slice(0, 20);
    const ou = spec.department.replace(/[^A-Za-z ]/g, '').trim();
    const dc = this.tenant.onPremisesDomain.split('.').map((part) => `DC=${part}`).join(',');
    return {
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: immutableIdFor(id),
      onPremisesSamAccountName: sam,
      onPremisesDomainName: this.tenant.onPremisesDomain,
      onPremisesUserPrincipalName: `${sam}@${this.tenant.onPremisesDomain}`,
      onPremisesDistinguishedName: `CN=${spec.givenName} ${spec.surname},OU=${ou},OU=Users,${dc}`,
      onPremisesSecurityIdentifier: `${this.tenant.onPremisesDomainSid}-${++this.relativeId}`,
      onPremisesLastSyncDateTime: isoSeconds(this.nowMs - this.random.int(1, 30) * 60 * 1000),
      onPremisesExtensionAttributes: extensionAttributes({
        extensionAttribute1: `CC-${spec.departmentCode}`,
        extensionAttribute2: spec.contractor ? 'CTR' : 'FTE',
      }),
    };
  }
}

export function extensionAttributes(values: Record<string, string>): Props {
  const out: Props = {};
  for (let i = 1; i <= 15; i++) out[`extensionAttribute${i}`] = values[`extensionAttribute${i}`] ?? null;
  return out;
}

/** Job title for an individual contributor: about a third are "Senior …". */
export function individualTitle(random: SeededRandom, department: Department): string {
  const title = random.pick(department.titles);
  return random.chance(0.33) ? `Senior ${title}` : title;
}
