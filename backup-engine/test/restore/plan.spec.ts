/**
 * planRestore is pure: these specs build desired and live states by hand and check the plan — the steps, every
 * skip reason, sensitivity, determinism and the hash.
 */
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, planHashOf, planRestore } from '../../src/restore/plan';
import { DEFAULT_RESTORE_OPTIONS, DesiredObject, DesiredState, LiveState, RestoreOptions } from '../../src/restore/types';
import { LiveObject } from '../../src/ports/directory-writer';

const ids = {
  sally: 'aaaaaaaa-0000-4000-8000-000000000001', michael: 'aaaaaaaa-0000-4000-8000-000000000002', phil: 'aaaaaaaa-0000-4000-8000-000000000003',
  steve: 'aaaaaaaa-0000-4000-8000-000000000004', cindy: 'aaaaaaaa-0000-4000-8000-000000000005', bob: 'aaaaaaaa-0000-4000-8000-000000000006',
  boss: 'aaaaaaaa-0000-4000-8000-000000000007', report: 'aaaaaaaa-0000-4000-8000-000000000008',
  sales: 'bbbbbbbb-0000-4000-8000-000000000001', dl: 'bbbbbbbb-0000-4000-8000-000000000002', dynamic: 'bbbbbbbb-0000-4000-8000-000000000003',
  gone: 'bbbbbbbb-0000-4000-8000-000000000004', admins: 'bbbbbbbb-0000-4000-8000-000000000005',
  ga: GLOBAL_ADMINISTRATOR_TEMPLATE_ID, helpdesk: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  e5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06', pbi: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
};

function user(id: string, name: string, extra: Partial<DesiredObject> = {}, attributes: Record<string, unknown> = {}): DesiredObject {
  const nickname = name.toLowerCase();
  return {
    kind: 'user', id, managerId: null, memberOf: [], ownerOf: [], unitMemberOf: [], roles: [], directReports: [], members: [], owners: [],
    attributes: { displayName: name, userPrincipalName: `${nickname}@contoso.example`, mailNickname: nickname, accountEnabled: true, usageLocation: 'US', jobTitle: 'Engineer', assignedLicenses: [], ...attributes },
    ...extra,
  };
}

function liveUser(o: DesiredObject, state: LiveObject['state'] = 'live', attributes: Record<string, unknown> = {}): LiveObject {
  return { id: o.id, kind: o.kind, state, attributes: { ...o.attributes, ...attributes } };
}

function desiredState(objects: DesiredObject[], extra: Partial<DesiredState> = {}): DesiredState {
  return {
    tenantId: 't', source: { kind: 'snapshot', snapshotId: '20261120T080000000Z-abcdef', at: '2026-11-20T08:00:00Z' },
    objects, roles: [],
    groups: {
      [ids.sales]: { displayName: 'Sales', flavor: 'security', dynamic: false, isAssignableToRole: false, synced: false },
      [ids.dl]: { displayName: 'All Staff DL', flavor: 'distribution', dynamic: false, isAssignableToRole: false, synced: false },
      [ids.dynamic]: { displayName: 'Dynamic Sales', flavor: 'security', dynamic: true, isAssignableToRole: false, synced: false },
      [ids.gone]: { displayName: 'Old Project', flavor: 'unified', dynamic: false, isAssignableToRole: false, synced: false },
      [ids.admins]: { displayName: 'Tier0 Admins', flavor: 'security', dynamic: false, isAssignableToRole: true, synced: false },
    },
    names: { [ids.sally]: 'Sally', [ids.michael]: 'Michael', [ids.phil]: 'Phil', [ids.steve]: 'Steve', [ids.cindy]: 'Cindy', [ids.bob]: 'Bob Kelly', [ids.boss]: 'Boss', [ids.report]: 'Report' },
    recreated: [], roleFacts: { [ids.ga]: { displayName: 'Global Administrator', templateId: ids.ga, isPrivileged: true }, [ids.helpdesk]: { displayName: 'Helpdesk Administrator', templateId: ids.helpdesk, isPrivileged: true } },
    ...extra,
  };
}

function liveState(objects: Record<string, LiveObject | null>, extra: Partial<LiveState> = {}): LiveState {
  return {
    objects, memberOf: {}, ownedGroups: {}, members: {}, owners: {}, managers: {}, assignmentsOf: {}, assignmentsFor: {},
    userPrincipalNames: Object.fromEntries(Object.values(objects).filter((o): o is LiveObject => o?.state === 'live' && o.kind === 'user').map((o) => [String(o.attributes.userPrincipalName).toLowerCase(), o.id])),
    mailNicknames: {}, privilege: { roles: {}, groups: {}, groupNames: {} }, skus: [
      { skuId: ids.e5, skuPartNumber: 'SPE_E5', enabledUnits: 10, consumedUnits: 5 },
      { skuId: ids.pbi, skuPartNumber: 'POWER_BI_PRO', enabledUnits: 18, consumedUnits: 18 },
    ],
    ...extra,
  };
}

const options = (o: Partial<RestoreOptions> = {}): RestoreOptions => ({ ...DEFAULT_RESTORE_OPTIONS, ...o });
const group = (id: string) => ({ kind: 'group' as const, id, displayName: '' });
void group;

describe('when a role is restored in overwrite mode (the Sally, Michael, Phil example)', () => {
  const people = [ids.sally, ids.michael, ids.phil, ids.steve, ids.cindy];
  const desired = desiredState([], {
    roles: [{ roleDefinitionId: ids.helpdesk, displayName: 'Helpdesk Administrator', templateId: ids.helpdesk, isPrivileged: true, assignments: [ids.sally, ids.michael, ids.phil].map((principalId) => ({ principalId, directoryScopeId: '/' })) }],
  });
  const live = liveState(Object.fromEntries(people.map((id) => [id, { id, kind: 'user', state: 'live', attributes: {} } as LiveObject])), {
    assignmentsFor: { [ids.helpdesk]: [ids.sally, ids.phil, ids.steve, ids.cindy].map((principalId) => ({ id: `ra-${principalId}`, roleDefinitionId: ids.helpdesk, principalId, directoryScopeId: '/' })) },
  });

  it('then Michael is added back and Steve and Cindy are removed, so the role ends with Sally, Michael, Phil', () => {
    const plan = planRestore([{ kind: 'role', id: ids.helpdesk }], desired, live, options());
    expect(plan.steps.map((s) => s.description)).toEqual([
      'Assign the role Helpdesk Administrator to Michael',
      'Remove the role Helpdesk Administrator from Steve (given after the backup)',
      'Remove the role Helpdesk Administrator from Cindy (given after the backup)',
    ]);
    expect(plan.sensitivity).toEqual({ privileged: true, reasons: ['the privileged role Helpdesk Administrator'] });
    expect(plan.incomplete).toBe(false);
  });

  it('then in additive mode only Michael is added', () => {
    const plan = planRestore([{ kind: 'role', id: ids.helpdesk }], desired, live, options({ linkMode: 'additive' }));
    expect(plan.steps.map((s) => s.action.type)).toEqual(['addRoleAssignment']);
  });
});

describe('when Bob is in the recycle bin', () => {
  const bob = user(ids.bob, 'Bob', { memberOf: [ids.sales, ids.dl, ids.dynamic, ids.gone], roles: [{ roleDefinitionId: ids.ga, directoryScopeId: '/' }], managerId: ids.boss }, { assignedLicenses: [{ skuId: ids.e5 }] });
  const desired = desiredState([bob]);
  const live = liveState({ [ids.bob]: liveUser(bob, 'deleted', { jobTitle: 'Intern' }), [ids.sales]: { id: ids.sales, kind: 'group', state: 'live', attributes: {} }, [ids.boss]: { id: ids.boss, kind: 'user', state: 'live', attributes: {} }, [ids.gone]: null });

  it('then he is restored natively first, reconciled after, and every link that cannot be written is a skip with its reason', () => {
    const plan = planRestore([{ kind: 'user', id: ids.bob }], desired, live, options());
    expect(plan.steps[0]).toMatchObject({ id: 's001', action: { type: 'restoreFromRecycleBin', objectId: ids.bob } });
    expect(plan.steps[1]).toMatchObject({ action: { type: 'updateAttributes', changes: [{ name: 'jobTitle', before: 'Intern', after: 'Engineer' }] }, dependsOn: ['s001'] });
    const types = plan.steps.map((s) => s.action.type);
    expect(types).toEqual(expect.arrayContaining(['addLink', 'addRoleAssignment', 'setManager']));
    expect(types).not.toContain('assignLicenses');
    expect(plan.skips.map((s) => s.reason).sort()).toEqual(['distributionList', 'dynamicMembership', 'linkedObjectMissing']);
    expect(plan.sensitivity.reasons).toEqual(['Bob Kelly is a Global Administrator in the backup', 'the plan assigns Global Administrator to Bob Kelly']);
    expect(plan.incomplete).toBe(true);
    for (const step of plan.steps.slice(1)) expect(step.dependsOn).toContain('s001');
  });

  it('then the same inputs give the same plan and hash, and the hash covers the whole plan', () => {
    const a = planRestore([{ kind: 'user', id: ids.bob }], desired, live, options());
    const b = planRestore([{ kind: 'user', id: ids.bob }], structuredClone(desired), structuredClone(live), options());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(planHashOf(a)).toBe(a.hash);
    const tampered = { ...a, steps: a.steps.slice(1) };
    expect(planHashOf(tampered)).not.toBe(a.hash);
  });

  it('then a UPN taken meanwhile is a skip that suggests a free one', () => {
    const taken = liveState({ ...live.objects }, { userPrincipalNames: { 'bob@contoso.example': ids.steve } });
    const plan = planRestore([{ kind: 'user', id: ids.bob }], desired, taken, options());
    expect(plan.steps).toEqual([]);
    expect(plan.skips).toEqual([expect.objectContaining({ reason: 'userPrincipalNameConflict', suggestedUserPrincipalName: 'bob2@contoso.example' })]);
  });
});

describe('when Bob was permanently deleted', () => {
  const bob = user(ids.bob, 'Bob', { memberOf: [ids.sales], directReports: [ids.report] }, { assignedLicenses: [{ skuId: ids.e5 }, { skuId: ids.pbi }] });
  const live = liveState({ [ids.bob]: null, [ids.sales]: { id: ids.sales, kind: 'group', state: 'live', attributes: {} }, [ids.report]: { id: ids.report, kind: 'user', state: 'live', attributes: {} } }, { managers: { [ids.report]: null } });

  it('then he is recreated, gets a credential, and every link (report\'s manager included) points at the new object', () => {
    const plan = planRestore([{ kind: 'user', id: ids.bob }], desiredState([bob]), live, options({ credential: 'temporaryAccessPass' }));
    expect(plan.steps[0].action).toMatchObject({ type: 'createUser', replaces: ids.bob });
    expect(plan.steps[1].action).toEqual({ type: 'issueCredential', user: { createdBy: 's001' }, method: 'temporaryAccessPass' });
    const links = plan.steps.slice(2);
    expect(links.map((s) => s.action.type).sort()).toEqual(['addLink', 'assignLicenses', 'setManager']);
    expect(links.find((s) => s.action.type === 'setManager')?.action).toEqual({ type: 'setManager', user: { id: ids.report }, manager: { createdBy: 's001' }, before: null });
    expect(links.find((s) => s.action.type === 'assignLicenses')?.action).toMatchObject({ add: [ids.e5] });
    expect(plan.skips).toEqual([expect.objectContaining({ reason: 'noLicenseSeats', relatedId: ids.pbi })]);
    for (const step of links) expect(step.dependsOn).toEqual(['s001']);
  });

  it('then "as new" creates a copy under the new UPN instead', () => {
    const plan = planRestore([{ kind: 'user', id: ids.bob }], desiredState([bob]), live, options({ asNew: { userPrincipalName: 'bob.copy@contoso.example' } }));
    expect(plan.steps[0].action).toMatchObject({ type: 'createUser', attributes: { userPrincipalName: 'bob.copy@contoso.example', mailNickname: 'bob.copy', displayName: 'Bob (restored)' } });
    expect(() => planRestore([{ kind: 'user', id: ids.bob }], desiredState([bob]), live, options({ asNew: { userPrincipalName: 'not a upn' } }))).toThrow(/not a valid user principal name/);
  });
});

describe('when the object is synced from on-premises, or without a usage location', () => {
  it('then a deleted synced user is skipped whole, and a license without usage location is skipped', () => {
    const synced = user(ids.sally, 'Sally', {}, { onPremisesSyncEnabled: true });
    const plan = planRestore([{ kind: 'user', id: ids.sally }], desiredState([synced]), liveState({ [ids.sally]: liveUser(synced, 'deleted') }), options());
    expect(plan.skips.map((s) => s.reason)).toEqual(['syncedFromOnPremises']);
    const nowhere = user(ids.phil, 'Phil', {}, { usageLocation: null, assignedLicenses: [{ skuId: ids.e5 }] });
    const plan2 = planRestore([{ kind: 'user', id: ids.phil }], desiredState([nowhere]), liveState({ [ids.phil]: liveUser(nowhere, 'live', { assignedLicenses: [] }) }), options());
    expect(plan2.skips.map((s) => s.reason)).toEqual(['noUsageLocation']);
  });
});

describe('when a group is restored in overwrite mode', () => {
  const sales: DesiredObject = {
    kind: 'group', id: ids.sales, attributes: { displayName: 'Sales', mailNickname: 'sales', groupTypes: [], mailEnabled: false, securityEnabled: true },
    managerId: null, memberOf: [], ownerOf: [], unitMemberOf: [], roles: [], directReports: [],
    members: [{ id: ids.sally, type: 'user' }, { id: ids.michael, type: 'user' }], owners: [{ id: ids.gone, type: 'user' }],
  };
  const live = liveState({
    [ids.sales]: { id: ids.sales, kind: 'group', state: 'live', attributes: { displayName: 'Sales', mailNickname: 'sales' } },
    [ids.sally]: { id: ids.sally, kind: 'user', state: 'live', attributes: {} }, [ids.michael]: { id: ids.michael, kind: 'user', state: 'live', attributes: {} },
    [ids.steve]: { id: ids.steve, kind: 'user', state: 'live', attributes: {} }, [ids.gone]: null,
  }, { members: { [ids.sales]: [ids.sally, ids.steve] }, owners: { [ids.sales]: [ids.steve] } });

  it('then members added since are removed, and the last owner is never removed', () => {
    const plan = planRestore([{ kind: 'group', id: ids.sales }], desiredState([sales]), live, options());
    expect(plan.steps.map((s) => s.description)).toEqual(['Add Michael to Sales', 'Remove Steve from Sales (added after the backup)']);
    expect(plan.skips.map((s) => s.reason).sort()).toEqual(['groupWouldHaveNoOwner', 'linkedObjectMissing']);
  });
});

describe('when links touch objects synced from on-premises', () => {
  it('then memberships of a synced group and a synced report\'s manager are skipped with the reason', () => {
    const synced = 'bbbbbbbb-0000-4000-8000-0000000000aa';
    const bob = user(ids.bob, 'Bob', { memberOf: [synced], directReports: [ids.report] });
    const desired = desiredState([bob], { groups: { [synced]: { displayName: 'HR (AD)', flavor: 'security', dynamic: false, isAssignableToRole: false, synced: true } } });
    const live = liveState({ [ids.bob]: null, [synced]: { id: synced, kind: 'group', state: 'live', attributes: {} }, [ids.report]: { id: ids.report, kind: 'user', state: 'live', attributes: { onPremisesSyncEnabled: true } } }, { managers: { [ids.report]: null } });
    const plan = planRestore([{ kind: 'user', id: ids.bob }], desired, live, options());
    expect(plan.steps.map((s) => s.action.type)).toEqual(['createUser', 'issueCredential']);
    expect(plan.skips.map((s) => [s.reason, s.relatedId])).toEqual(expect.arrayContaining([['syncedFromOnPremises', synced], ['syncedFromOnPremises', ids.report]]));
  });
});
