/**
 * The people of the Microsoft 365 Agents Playground config (`/.m365agentsplayground.yml`, schema 0.1.1): one
 * `currentUser` (who types in the browser UI) and exactly five `users` (members of the group chat and the team).
 * Each is a user of the demo tenant with the same object id, so `npm start` + the Playground need no set-up.
 *
 * Roles (see `PlaygroundRole`): requesters are in the Helpdesk group; approvers are in the Security Leads group.
 * There are three security leads, so a two-approver restore can be approved by two people other than a requester
 * who is also a lead (Lynne).
 */

export const DEMO_TENANT_ID = '51a9bed4-4908-47c2-b8c7-867c6542a0d8';
/** Default verified domain (RFC 2606 reserved `.example`). */
export const DEMO_DOMAIN = 'contoso.example';
/** The tenant's initial domain, used by guest UPNs (`…#EXT#@`) and the break-glass account. */
export const DEMO_INITIAL_DOMAIN = 'contoso.onmicrosoft.example';
/** Security group whose members may request restores. */
export const DEMO_HELPDESK_GROUP_ID = '6fc10f0c-6c85-42a3-ae96-c76d29d43f1e';
/** Security group whose members may approve restores. */
export const DEMO_SECURITY_LEADS_GROUP_ID = 'fd0e2713-96d5-4a67-8f5a-119c1e7559f8';
/** Microsoft 365 group behind the Playground's team ("Rewind Operations"); all six Playground people are members. */
export const DEMO_TEAM_GROUP_ID = '466e5963-9193-4c90-b80e-f16c712e04f3';
/** Bob Kelly (bob@contoso.example), the demo's restore target. */
export const DEMO_BOB_ID = '794d1c57-c6e0-4254-a790-246bc53102cd';
/** The bot's id in the Playground config (an app id, not a directory user). */
export const PLAYGROUND_BOT_ID = '13f1b1bd-408e-4199-9abc-ae7f9e6a51bd';

/**
 * requester: Helpdesk only. approver: Security Leads only. requesterAndApprover: both (cannot approve their own
 * request). bystander: neither (must not be able to approve).
 */
export type PlaygroundRole = 'requester' | 'approver' | 'requesterAndApprover' | 'bystander';

export interface PlaygroundUser {
  /** The Playground's own user id (`user-id-N`), which becomes `from.id` of activities. */
  playgroundId: string;
  /** The Entra object id (`from.aadObjectId`). */
  id: string;
  name: string;
  givenName: string;
  surname: string;
  upn: string;
  mailNickname: string;
  role: PlaygroundRole;
  department: string;
  jobTitle: string;
}

const person = (
  playgroundId: string,
  id: string,
  givenName: string,
  surname: string,
  mailNickname: string,
  role: PlaygroundRole,
  department: string,
  jobTitle: string,
): PlaygroundUser => ({
  playgroundId,
  id,
  name: `${givenName} ${surname}`,
  givenName,
  surname,
  upn: `${mailNickname}@${DEMO_DOMAIN}`,
  mailNickname,
  role,
  department,
  jobTitle,
});

/** The Playground's `currentUser`: every typed message comes from this user. */
export const PLAYGROUND_CURRENT_USER: PlaygroundUser = person(
  'user-id-0', '9318845f-113d-4eab-a310-369f2478c24f', 'Alex', 'Wilber', 'alexw', 'requester', 'IT', 'Helpdesk Technician',
);

/** The Playground's `users` (exactly five, as schema 0.1.1 requires). */
export const PLAYGROUND_USERS: readonly PlaygroundUser[] = [
  person('user-id-1', '8a90e1cb-f131-40ca-9d22-8fd0e6774487', 'Megan', 'Bowen', 'meganb', 'approver', 'Security', 'Security Operations Manager'),
  person('user-id-2', 'b0d30dd1-4923-4899-a2d9-c05eb89b65b6', 'Adele', 'Vance', 'adelev', 'approver', 'Security', 'Identity Engineer'),
  person('user-id-3', 'f7987c88-f7ff-4c6b-87a3-1621fef133f8', 'Isaiah', 'Langer', 'isaiahl', 'requester', 'IT', 'Helpdesk Technician'),
  person('user-id-4', '1b80a6af-9b6b-493c-b3c4-e78297440022', 'Patti', 'Fernandez', 'pattif', 'bystander', 'Marketing', 'Marketing Manager'),
  person('user-id-5', '25bd5b2d-efd3-4794-8d87-ebc61a021364', 'Lynne', 'Robbins', 'lynner', 'requesterAndApprover', 'Security', 'Security Analyst'),
];

/** Current user first, then the five users. */
export const PLAYGROUND_PEOPLE: readonly PlaygroundUser[] = [PLAYGROUND_CURRENT_USER, ...PLAYGROUND_USERS];

export function isHelpdeskRole(role: PlaygroundRole): boolean {
  return role === 'requester' || role === 'requesterAndApprover';
}

export function isSecurityLeadRole(role: PlaygroundRole): boolean {
  return role === 'approver' || role === 'requesterAndApprover';
}
