/**
 * Sensitivity from both times: a plan is privileged when a target is privileged in the snapshot or in the live
 * directory now (directly, or through a role-assignable group it belongs to or owns), or when the plan grants,
 * re-enables or restores something privileged. Pure: desired and live states built by hand.
 */
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, planRestore } from '../../src/restore/plan';
import { DEFAULT_RESTORE_OPTIONS, DesiredObject, DesiredState, LiveState } from '../../src/restore/types';

const PAT = 'cccccccc-0000-4000-8000-000000000001';
const TIER0 = 'cccccccc-0000-4000-8000-000000000002';
const CUSTOM = 'cccccccc-0000-4000-8000-000000000003';
const GA = GLOBAL_ADMINISTRATOR_TEMPLATE_ID;

const pat: DesiredObject = {
  kind: 'user', id: PAT, managerId: null, memberOf: [], ownerOf: [], unitMemberOf: [], roles: [], directReports: [], members: [], owners: [],
  attributes: { displayName: 'Pat Plain', userPrincipalName: 'pat@contoso.example', mailNickname: 'pat', accountEnabled: true, usageLocation: 'US', assignedLicenses: [] },
};

const desired: DesiredState = {
  tenantId: 't', source: { kind: 'snapshot', snapshotId: '20261120T080000000Z-abcdef', at: '2026-11-20T08:00:00Z' },
  objects: [pat], roles: [], groups: {}, names: { [PAT]: 'Pat Plain' }, roleFacts: {}, recreated: [],
};

function live(extra: Partial<LiveState> = {}, patNow: Record<string, unknown> = {}): LiveState {
  return {
    objects: { [PAT]: { id: PAT, kind: 'user', state: 'live', attributes: { ...pat.attributes, ...patNow } } },
    memberOf: { [PAT]: { groups: [], administrativeUnits: [] } }, ownedGroups: { [PAT]: [] }, members: {}, owners: {}, managers: { [PAT]: null },
    assignmentsOf: { [PAT]: [] }, assignmentsFor: {}, userPrincipalNames: { 'pat@contoso.example': PAT }, mailNicknames: {}, skus: [],
    privilege: { roles: {}, groups: {}, groupNames: {} },
    ...extra,
  };
}

const plan = (state: LiveState) => planRestore([{ kind: 'user', id: PAT }], desired, state, DEFAULT_RESTORE_OPTIONS);

describe('when a user was plain at the backup and holds Global Administrator now, disabled', () => {
  it('then re-enabling them is privileged, and the card says why', () => {
    const state = live({
      assignmentsOf: { [PAT]: [{ id: 'ra-1', roleDefinitionId: GA, principalId: PAT, directoryScopeId: '/' }] },
      privilege: { roles: { [GA]: { displayName: 'Global Administrator', templateId: GA, isPrivileged: true } }, groups: {}, groupNames: {} },
    }, { accountEnabled: false });
    const result = plan(state);
    expect(result.steps.map((s) => s.action.type)).toEqual(['updateAttributes']);
    expect(result.sensitivity).toEqual({
      privileged: true,
      reasons: ['Pat Plain is a Global Administrator now (given after the backup)', 'the plan re-enables Pat Plain, who is privileged'],
    });
  });
});

describe('when a user is a member, or an owner, of a role-assignable group that holds a privileged role now', () => {
  it.each(['member', 'owner'] as const)('then a plan touching them is privileged (%s)', (relation) => {
    const state = live({
      privilege: {
        roles: { [CUSTOM]: { displayName: 'Tier 0 Operator', templateId: CUSTOM, isPrivileged: true } },
        groups: { [PAT]: [{ groupId: TIER0, displayName: 'Tier0 Admins', relation, roleDefinitionIds: [CUSTOM] }] }, groupNames: {},
      },
    }, { jobTitle: 'Changed since' });
    expect(plan(state).sensitivity.reasons).toEqual([`Pat Plain ${relation === 'owner' ? 'owns' : 'is a member of'} Tier0 Admins now, a role-assignable group holding the privileged role Tier 0 Operator`]);
  });

  it('then a group whose roles are not privileged makes nothing privileged', () => {
    const state = live({
      privilege: {
        roles: { [CUSTOM]: { displayName: 'Directory Readers', templateId: CUSTOM, isPrivileged: false } },
        groups: { [PAT]: [{ groupId: TIER0, displayName: 'Readers', relation: 'member', roleDefinitionIds: [CUSTOM] }] }, groupNames: {},
      },
    }, { jobTitle: 'Changed since' });
    expect(plan(state).sensitivity).toEqual({ privileged: false, reasons: [] });
  });
});

describe('when a user is plain then and now', () => {
  it('then re-enabling them is not privileged', () => {
    expect(plan(live({}, { accountEnabled: false })).sensitivity).toEqual({ privileged: false, reasons: [] });
  });
});

describe('when a user in the recycle bin was plain at the chosen backup but a Global Administrator in a later one', () => {
  it('then bringing them back is privileged, and says so', () => {
    const later: DesiredObject = { ...pat, laterRoles: [{ roleDefinitionId: GA, directoryScopeId: '/' }] };
    const state = live({ objects: { [PAT]: { id: PAT, kind: 'user', state: 'deleted', attributes: pat.attributes } } });
    const result = planRestore([{ kind: 'user', id: PAT }], { ...desired, objects: [later], roleFacts: { [GA]: { displayName: 'Global Administrator', templateId: GA, isPrivileged: true } } }, state, DEFAULT_RESTORE_OPTIONS);
    expect(result.steps[0].action.type).toBe('restoreFromRecycleBin');
    expect(result.sensitivity.reasons).toEqual(['Pat Plain was a Global Administrator in a later backup']);
    expect(result.warnings.join(' ')).toMatch(/Graph does not show while it is in the recycle bin/);
  });
});
