/**
 * Builders of view models: realistic demo-tenant data (`build…`) and the largest lists each card allows (`max…`),
 * with realistic text in every item.
 */
import { ANY_SECURITY_LEAD } from '../verbs';
import {
  AlertCardModel, ApprovalCardModel, CardName, CardViewModels, ChooserCardModel, DailySummaryCardModel, ErrorCardModel, HelpCardModel, LIMITS,
  ObjectCardModel, RelationRow, RelationshipSection, ResultCardModel, CredentialCardModel, RoleDiffCardModel, shown,
} from '../view-models';

const BOB_ID = '6a1b8c4e-2f3d-4e5a-9b7c-0d1e2f3a4b5c';
const SNAPSHOTS = Array.from({ length: 40 }, (_, i) => ({
  snapshotId: `snap-2026-11-${String(22 - (i % 22)).padStart(2, '0')}-${String(i).padStart(3, '0')}`,
  when: `${22 - (i % 22)} Nov 2026 02:00 UTC`,
}));
const HASH = 'c0ffee4b1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e';

function range<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

const GROUP_NAMES = ['Finance Team', 'All Staff', 'VPN Users', 'Payroll Approvers', 'Contoso Sales EMEA', 'Project Falcon', 'Printers - Floor 3', 'Security Champions'];

function relationRows(n: number, label: string): RelationRow[] {
  const statuses = ['onlyThen', 'onlyNow', 'same'] as const;
  return range(n, (i) => ({ name: `${GROUP_NAMES[i % GROUP_NAMES.length]} ${label} ${i + 1}`, detail: i % 2 === 0 ? 'Security group' : 'Microsoft 365 group', status: statuses[i % 3] }));
}

function section(key: RelationshipSection['key'], title: string, rows: RelationRow[], max: number): RelationshipSection {
  return {
    key,
    title,
    counts: {
      same: rows.filter((r) => r.status === 'same').length,
      onlyThen: rows.filter((r) => r.status === 'onlyThen').length,
      onlyNow: rows.filter((r) => r.status === 'onlyNow').length,
    },
    rows: shown(rows, max),
  };
}

export function buildObjectCard(overrides: Partial<ObjectCardModel> = {}): ObjectCardModel {
  return {
    object: {
      kind: 'user',
      objectId: BOB_ID,
      displayName: 'Bob Kelly',
      userPrincipalName: 'bob.kelly@contoso.onmicrosoft.com',
      state: 'recycleBin',
      stateDetail: 'Deleted 21 Nov 2026 16:02 UTC; still in the recycle bin, so he comes back with his original id.',
    },
    versions: shown(
      [
        { ...SNAPSHOTS[0], changed: shown(['accountEnabled'], LIMITS.object.changedAttributesPerVersion), selected: false },
        { ...SNAPSHOTS[1], changed: shown(['department', 'jobTitle', 'manager'], LIMITS.object.changedAttributesPerVersion), selected: true },
        { ...SNAPSHOTS[2], changed: shown([], LIMITS.object.changedAttributesPerVersion), selected: false },
      ],
      LIMITS.object.versions,
    ),
    selected: { snapshotId: SNAPSHOTS[1].snapshotId, when: SNAPSHOTS[1].when },
    whatChanged: {
      comparedWith: 'today',
      rows: shown(
        [
          { attribute: 'department', then: 'Finance', now: '—' },
          { attribute: 'jobTitle', then: 'Senior Accountant', now: 'Accountant' },
          { attribute: 'accountEnabled', then: 'true', now: 'false' },
        ],
        LIMITS.object.attributeRows,
      ),
    },
    relationships: [
      section('memberships', 'Member of', relationRows(5, 'members'), LIMITS.object.relationRowsPerSection),
      section('ownerships', 'Owner of', relationRows(1, 'owners'), LIMITS.object.relationRowsPerSection),
      section('roles', 'Directory roles', [{ name: 'Helpdesk Administrator', detail: 'scope: whole directory', status: 'onlyThen' }], LIMITS.object.relationRowsPerSection),
      section('manager', 'Manager', [{ name: 'Megan Bowen', detail: 'megan@contoso.onmicrosoft.com', status: 'onlyThen' }], LIMITS.object.relationRowsPerSection),
      section('licenses', 'Licenses', [{ name: 'Microsoft 365 E3', detail: 'SPE_E3', status: 'onlyThen' }], LIMITS.object.relationRowsPerSection),
    ],
    notices: [],
    canRequest: true,
    cannotRequestReason: '',
    options: [
      { id: 'withObject', title: 'The user and their attributes', on: true },
      { id: 'withMemberships', title: 'Group memberships', on: true },
      { id: 'withOwnerships', title: 'Group ownerships', on: true },
      { id: 'withRoleAssignments', title: 'Directory role assignments', on: true },
      { id: 'withManager', title: 'Manager', on: true },
      { id: 'withLicenses', title: 'Licenses', on: false },
    ],
    asNew: { offered: true, on: false, suggestedUserPrincipalName: 'bob.kelly2@contoso.onmicrosoft.com' },
    approvers: [
      { id: '3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8', title: 'Megan Bowen (megan@contoso.onmicrosoft.com)' },
      { id: '9e8d7c6b-5a49-4382-7160-5f4e3d2c1b0a', title: 'Adele Vance (adele@contoso.onmicrosoft.com)' },
    ],
    selectedApproverId: ANY_SECURITY_LEAD,
    prefill: { reason: '', ticket: '' },
    ...overrides,
  };
}

export function maxObjectCard(): ObjectCardModel {
  const rows = (label: string) => relationRows(LIMITS.object.relationRowsPerSection + 7, label);
  return buildObjectCard({
    versions: shown(
      range(LIMITS.object.versions + 30, (i) => ({
        ...SNAPSHOTS[i],
        changed: shown(['department', 'jobTitle', 'officeLocation', 'mobilePhone', 'manager', 'accountEnabled', 'usageLocation', 'surname'], LIMITS.object.changedAttributesPerVersion),
        selected: i === 3,
      })),
      LIMITS.object.versions,
    ),
    whatChanged: {
      comparedWith: 'today',
      rows: shown(range(LIMITS.object.attributeRows + 15, (i) => ({ attribute: `extensionAttribute${i + 1}`, then: `Cost centre ${4000 + i} (Finance, Oslo)`, now: '—' })), LIMITS.object.attributeRows),
    },
    relationships: [
      section('memberships', 'Member of', rows('members'), LIMITS.object.relationRowsPerSection),
      section('ownerships', 'Owner of', rows('owners'), LIMITS.object.relationRowsPerSection),
      section('roles', 'Directory roles', rows('roles'), LIMITS.object.relationRowsPerSection),
      section('manager', 'Manager', [{ name: 'Megan Bowen', detail: 'megan@contoso.onmicrosoft.com', status: 'same' }], LIMITS.object.relationRowsPerSection),
      section('licenses', 'Licenses', rows('licenses'), LIMITS.object.relationRowsPerSection),
    ],
    notices: range(LIMITS.object.notices, (i) => `Notice ${i + 1}: the user principal name bob.kelly@contoso.onmicrosoft.com is taken by another user today.`),
    approvers: range(LIMITS.object.approvers, (i) => ({ id: `0000000${i}-aaaa-4bbb-8ccc-dddddddddddd`, title: `Security Lead ${i + 1} (lead${i + 1}@contoso.onmicrosoft.com)` })),
  });
}

export function buildApprovalCard(overrides: Partial<ApprovalCardModel> = {}): ApprovalCardModel {
  return {
    requestId: 'rst-20261122-0001',
    state: 'pending',
    stateDetail: '0 of 1 approvals · expires 23 Nov 2026 14:00 UTC',
    requester: { name: 'Pat Helpdesk', userPrincipalName: 'pat@contoso.onmicrosoft.com' },
    requestedAt: '22 Nov 2026 14:00 UTC',
    reason: 'Bob was deleted by mistake during the leavers clean-up; his manager confirmed he still works here.',
    ticket: 'INC0012345',
    target: { kindLabel: 'user', name: 'Bob Kelly', userPrincipalName: 'bob.kelly@contoso.onmicrosoft.com', versionWhen: '21 Nov 2026 02:00 UTC' },
    sensitivity: { privileged: false, reasons: [], approvalsNeeded: 1, approvalsReceived: 0 },
    decisions: shown([], LIMITS.approval.decisions),
    plan: {
      planHash: HASH,
      hashPrefix: HASH.slice(0, 12),
      totalSteps: 4,
      totalSkips: 1,
      actionCounts: shown(
        [
          { label: 'restore from the recycle bin', total: 1 },
          { label: 'add to a group', total: 2 },
          { label: 'set the manager', total: 1 },
        ],
        LIMITS.approval.actionCounts,
      ),
      steps: shown(
        [
          { number: 1, description: 'Restore user Bob Kelly from the recycle bin (original id and creation time)' },
          { number: 2, description: 'Add Bob Kelly to group Finance Team' },
          { number: 3, description: 'Add Bob Kelly to group VPN Users' },
          { number: 4, description: 'Set the manager of Bob Kelly to Megan Bowen' },
        ],
        LIMITS.approval.steps,
      ),
      skipsByReason: [{ label: 'distribution list', total: 1 }],
      skips: shown([{ label: 'distribution list', detail: 'Membership of "All Staff (DL)" is skipped: Graph cannot write distribution list members; add it in Exchange.' }], LIMITS.approval.skips),
      incomplete: true,
      warnings: [],
    },
    view: { kind: 'shared', refreshUserIds: ['29:1a2b3c-megan', '29:4d5e6f-adele'] },
    ...overrides,
  };
}

export function maxApprovalCard(overrides: Partial<ApprovalCardModel> = {}): ApprovalCardModel {
  const base = buildApprovalCard();
  const reasons = ['distribution list', 'mail-enabled security group', 'dynamic membership', 'linked object missing', 'user principal name conflict'];
  return buildApprovalCard({
    sensitivity: {
      privileged: true,
      reasons: range(LIMITS.approval.sensitivityReasons, (i) => `Holds the privileged role Global Administrator ${i + 1}`),
      approvalsNeeded: 2,
      approvalsReceived: 1,
    },
    decisions: shown(range(LIMITS.approval.decisions + 2, (i) => ({ approver: `Security Lead ${i + 1}`, decision: 'approved' as const, when: '22 Nov 2026 14:05 UTC', comment: 'Checked with the manager; OK.' })), LIMITS.approval.decisions),
    plan: {
      ...base.plan,
      totalSteps: 140,
      totalSkips: 55,
      actionCounts: shown(range(LIMITS.approval.actionCounts + 2, (i) => ({ label: `kind of step ${i + 1}`, total: 10 + i })), LIMITS.approval.actionCounts),
      steps: shown(range(140, (i) => ({ number: i + 1, description: `Add Bob Kelly to group ${GROUP_NAMES[i % GROUP_NAMES.length]} ${i + 1} (restored with its members)` })), LIMITS.approval.steps),
      skipsByReason: reasons.map((label, i) => ({ label, total: 11 + i })),
      skips: shown(
        range(55, (i) => ({
          label: reasons[i % reasons.length],
          detail: `Membership of "${GROUP_NAMES[i % GROUP_NAMES.length]} DL ${i + 1}" is skipped: Graph cannot write it; add it in Exchange admin.`,
        })),
        LIMITS.approval.skips,
      ),
      warnings: range(LIMITS.approval.warnings, (i) => `Warning ${i + 1}: the approval expires in 24 hours.`),
    },
    ...overrides,
  });
}

export function buildResultCard(overrides: Partial<ResultCardModel> = {}): ResultCardModel {
  return {
    restoreId: 'rst-20261122-0001',
    status: 'incomplete',
    statusDetail: 'Bob Kelly is back with 2 of 3 memberships; 1 part could not be restored (see below).',
    target: { kindLabel: 'User', name: 'Bob Kelly', userPrincipalName: 'bob.kelly@contoso.onmicrosoft.com' },
    requester: 'Pat Helpdesk',
    approvers: 'Megan Bowen',
    finishedAt: '22 Nov 2026 14:07 UTC',
    duration: '4 s',
    counts: { done: 3, alreadyDone: 1, failed: 0, blocked: 0, skipped: 1 },
    failures: shown([], LIMITS.result.failures),
    skips: shown([{ label: 'distribution list', detail: 'Membership of "All Staff (DL)" is skipped: add it in Exchange.' }], LIMITS.result.skips),
    undo: { offered: true, note: 'Undo puts everything this restore touched back as it was just before it ran (it needs approval too).' },
    credentials: shown([], LIMITS.result.credentials),
    ...overrides,
  };
}

export function buildCredentialCard(overrides: Partial<CredentialCardModel> = {}): CredentialCardModel {
  return {
    restoreId: 'r-20261122-140700-a1b2c3',
    credential: { kind: 'temporaryAccessPass', userPrincipalName: 'bob.kelly@contoso.onmicrosoft.com', secret: 'Xk7#pQ2!mZ9@wR4$', note: 'Valid for 480 minutes, usable once.' },
    ...overrides,
  };
}

export function maxResultCard(): ResultCardModel {
  return buildResultCard({
    status: 'failed',
    counts: { done: 10, alreadyDone: 2, failed: 40, blocked: 12, skipped: 45 },
    failures: shown(
      range(40, (i) => ({
        description: `Add Bob Kelly to group ${GROUP_NAMES[i % GROUP_NAMES.length]} ${i + 1}`,
        message: 'Insufficient privileges to complete the operation.',
        code: 'Authorization_RequestDenied',
        graphRequestId: '0e4f6a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
      })),
      LIMITS.result.failures,
    ),
    skips: shown(range(45, (i) => ({ label: 'distribution list', detail: `Membership of "${GROUP_NAMES[i % GROUP_NAMES.length]} DL ${i + 1}" is skipped: add it in Exchange.` })), LIMITS.result.skips),
    credentials: shown(range(25, (i) => ({
      userPrincipalName: `user${i + 1}.restored@contoso.onmicrosoft.com`, delivered: i % 2 === 0,
      outcome: i % 2 === 0 ? 'Temporary Access Pass, sent to Pat Helpdesk\'s personal chat with Rewind.' : 'The requester has no personal chat with Rewind, so it was discarded. Run rewind restore --plan r-20261122-140700-a1b2c3 --reason "…" to issue a new Temporary Access Pass, or reset the password in Microsoft Entra.',
    })), LIMITS.result.credentials),
  });
}

export function buildChooserCard(overrides: Partial<ChooserCardModel> = {}): ChooserCardModel {
  return {
    query: 'bob',
    purpose: 'restore',
    at: '',
    matches: shown(
      [
        { kind: 'user', objectId: BOB_ID, displayName: 'Bob Kelly', userPrincipalName: 'bob.kelly@contoso.onmicrosoft.com', detail: 'Deleted 21 Nov 2026; in the recycle bin' },
        { kind: 'user', objectId: '7b2c9d5f-3a4e-4f6b-8c7d-1e2f3a4b5c6d', displayName: 'Bob Smith', userPrincipalName: 'bob.smith@contoso.onmicrosoft.com', detail: 'Exists' },
        { kind: 'group', objectId: '8c3d0e6a-4b5f-4a7c-9d8e-2f3a4b5c6d7e', displayName: 'Bob’s Team', userPrincipalName: '', detail: 'Microsoft 365 group' },
      ],
      LIMITS.chooser.matches,
    ),
    ...overrides,
  };
}

export function maxChooserCard(): ChooserCardModel {
  return buildChooserCard({
    matches: shown(
      range(35, (i) => ({ kind: 'user' as const, objectId: `1c2d3e4f-0000-4000-8000-${String(i).padStart(12, '0')}`, displayName: `Bob Example ${i + 1}`, userPrincipalName: `bob.example${i + 1}@contoso.onmicrosoft.com`, detail: 'Exists · Sales, Oslo' })),
      LIMITS.chooser.matches,
    ),
  });
}

const KINDS = ['Users', 'Groups', 'Directory roles', 'Role assignments', 'Administrative units', 'Applications', 'Service principals', 'Devices', 'Conditional access policies', 'Named locations', 'Licenses', 'Domains', 'Org settings', 'Extra kind'];

export function buildDailySummaryCard(overrides: Partial<DailySummaryCardModel> = {}): DailySummaryCardModel {
  return {
    status: 'ok',
    statusDetail: '',
    snapshotId: 'snap-2026-11-22-001',
    mode: 'incremental',
    startedAt: '22 Nov 2026 02:00 UTC',
    completedAt: '02:03 UTC',
    duration: '3 min 12 s',
    types: shown(
      [
        { label: 'Users', total: 1204, created: 3, changed: 17, deleted: 1 },
        { label: 'Groups', total: 311, created: 0, changed: 4, deleted: 0 },
        { label: 'Directory roles', total: 14, created: 0, changed: 1, deleted: 0 },
      ],
      LIMITS.dailySummary.types,
    ),
    totals: { total: 1529, created: 3, changed: 22, deleted: 1 },
    roleChanges: shown(
      [
        { role: 'Global Administrator', change: 'added', member: 'Steve Rogers' },
        { role: 'Global Administrator', change: 'removed', member: 'Michael Scott' },
      ],
      LIMITS.dailySummary.roleChanges,
    ),
    throttling: { requests: 412, throttled: 2, retries: 2 },
    storage: { used: '48.2 MB', added: '312 KB' },
    notes: [],
    ...overrides,
  };
}

export function maxDailySummaryCard(): DailySummaryCardModel {
  return buildDailySummaryCard({
    status: 'partial',
    statusDetail: 'The backup finished, but 3 groups could not be read (403 Forbidden). They keep their previous version.',
    types: shown(KINDS.map((label, i) => ({ label, total: 100000 + i, created: 1000 + i, changed: 20000 + i, deleted: 500 + i })), LIMITS.dailySummary.types),
    roleChanges: shown(range(40, (i) => ({ role: 'Privileged Role Administrator', change: i % 2 === 0 ? ('added' as const) : ('removed' as const), member: `Member Name ${i + 1}` })), LIMITS.dailySummary.roleChanges),
    notes: range(LIMITS.dailySummary.notes, (i) => `Note ${i + 1}: a full backup ran because the delta token of users expired.`),
  });
}

export function buildRoleDiffCard(overrides: Partial<RoleDiffCardModel> = {}): RoleDiffCardModel {
  return {
    role: { name: 'Global Administrator', privileged: true },
    pushed: false,
    from: '15 Nov 2026 02:00 UTC',
    to: '22 Nov 2026 02:00 UTC',
    added: shown(
      [
        { name: 'Steve Rogers', userPrincipalName: 'steve@contoso.onmicrosoft.com', firstSeen: '19 Nov 2026 02:00 UTC' },
        { name: 'Cindy White', userPrincipalName: 'cindy@contoso.onmicrosoft.com', firstSeen: '21 Nov 2026 02:00 UTC' },
      ],
      LIMITS.roleDiff.added,
    ),
    removed: shown([{ name: 'Michael Scott', userPrincipalName: 'michael@contoso.onmicrosoft.com', firstSeen: '20 Nov 2026 02:00 UTC' }], LIMITS.roleDiff.removed),
    ...overrides,
  };
}

export function maxRoleDiffCard(): RoleDiffCardModel {
  const rows = range(80, (i) => ({ name: `Member Name ${i + 1}`, userPrincipalName: `member.name${i + 1}@contoso.onmicrosoft.com`, firstSeen: '21 Nov 2026 02:00 UTC' }));
  return buildRoleDiffCard({ pushed: true, added: shown(rows, LIMITS.roleDiff.added), removed: shown(rows, LIMITS.roleDiff.removed) });
}

export function buildAlertCard(overrides: Partial<AlertCardModel> = {}): AlertCardModel {
  return {
    alertId: 'alert-20261122-massdel-01',
    kind: 'massDeletion',
    headline: '143 users deleted since the last backup',
    detectedAt: '22 Nov 2026 02:03 UTC',
    threshold: 'Threshold: 50 deletions between two backups',
    counts: shown([{ label: 'users deleted', total: 143 }, { label: 'groups deleted', total: 2 }], LIMITS.alert.counts),
    objects: shown(
      range(145, (i) => ({ kindLabel: i < 143 ? 'User' : 'Group', name: `Deleted Person ${i + 1}`, detail: `person${i + 1}@contoso.onmicrosoft.com` })),
      LIMITS.alert.objects,
    ),
    canReview: true,
    ...overrides,
  };
}

export function maxAlertCard(): AlertCardModel {
  return buildAlertCard({ counts: shown(range(20, (i) => ({ label: `kind ${i + 1} deleted`, total: i + 1 })), LIMITS.alert.counts) });
}

export const COMMANDS = [
  { usage: 'restore user <name>', description: 'Show a user’s backed-up versions and ask for a restore.' },
  { usage: 'restore group <name>', description: 'Show a group’s backed-up versions and ask for a restore.' },
  { usage: 'versions <user|group> <name>', description: 'List the backed-up versions of an object.' },
  { usage: 'memberships <name> [at <date>]', description: 'Groups and roles of a user at a point in time.' },
  { usage: 'diff role <name> [since <7d|date>]', description: 'Who was added to or removed from a role.' },
  { usage: 'diff user <name>', description: 'What changed on a user between backups.' },
  { usage: 'deleted [since <24h|date>]', description: 'Objects deleted since a time.' },
  { usage: 'backup now', description: 'Start a backup now.' },
  { usage: 'backup status', description: 'The last backup and the one running.' },
  { usage: 'undo <restoreId>', description: 'Undo a restore (needs approval).' },
  { usage: 'help', description: 'This list.' },
];

export function buildHelpCard(overrides: Partial<HelpCardModel> = {}): HelpCardModel {
  return {
    intro: 'I didn’t understand that.',
    input: 'restor user bob',
    suggestion: 'restore user bob',
    commands: shown(COMMANDS, LIMITS.help.commands),
    ...overrides,
  };
}

export function maxHelpCard(): HelpCardModel {
  return buildHelpCard({ commands: shown(range(30, (i) => ({ ...COMMANDS[i % COMMANDS.length] })), LIMITS.help.commands) });
}

export function buildErrorCard(overrides: Partial<ErrorCardModel> = {}): ErrorCardModel {
  return {
    title: 'The restore could not start',
    message: 'The directory changed after the plan was approved: Bob Kelly was added to 2 groups since.',
    whatToDo: 'A new plan was sent for approval. Ask a security lead to approve it.',
    reference: 'rst-20261122-0001',
    ...overrides,
  };
}

type Builders = { [K in CardName]: { realistic: () => CardViewModels[K]; largest: () => CardViewModels[K] } };

export const FIXTURES: Builders = {
  object: { realistic: () => buildObjectCard(), largest: maxObjectCard },
  approval: { realistic: () => buildApprovalCard(), largest: () => maxApprovalCard() },
  result: { realistic: () => buildResultCard(), largest: maxResultCard },
  credential: { realistic: () => buildCredentialCard(), largest: () => buildCredentialCard({ credential: { kind: 'password', userPrincipalName: `${'a'.repeat(64)}@${'b'.repeat(48)}`, secret: 'S'.repeat(64), note: 'Must be changed at next sign-in. Shown once: it is not stored anywhere.' } }) },
  chooser: { realistic: () => buildChooserCard(), largest: maxChooserCard },
  dailySummary: { realistic: () => buildDailySummaryCard(), largest: maxDailySummaryCard },
  roleDiff: { realistic: () => buildRoleDiffCard(), largest: maxRoleDiffCard },
  alert: { realistic: () => buildAlertCard(), largest: maxAlertCard },
  help: { realistic: () => buildHelpCard(), largest: maxHelpCard },
  error: { realistic: () => buildErrorCard(), largest: () => buildErrorCard({ message: 'x'.repeat(2000), whatToDo: 'y'.repeat(2000), title: 'z'.repeat(500) }) },
};
