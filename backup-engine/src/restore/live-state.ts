/**
 * Reads the live state a plan is computed against: every object the desired state names (in the directory, in the
 * recycle bin, or gone), the current links of the objects being restored, who holds the UPNs and mailNicknames a
 * restore would use, and the SKUs' free seats. Re-read just before execution to detect drift.
 */
import { ObjectKind } from '../model/directory';
import { DirectoryWriter } from '../ports/directory-writer';
import { runLimited } from '../snapshot/repository';
import { DesiredState, LiveState, RestoreOptions, RestoreTarget } from './types';

const READ_CONCURRENCY = 8;

export async function readLiveState(writer: DirectoryWriter, desired: DesiredState, targets: RestoreTarget[], options: Pick<RestoreOptions, 'asNew'>): Promise<LiveState> {
  const live: LiveState = {
    objects: {}, memberOf: {}, ownedGroups: {}, members: {}, owners: {}, managers: {}, assignmentsOf: {}, assignmentsFor: {},
    userPrincipalNames: {}, mailNicknames: {}, skus: [],
  };
  const kinds = new Map<string, ObjectKind[]>();
  const want = (id: string, ...k: ObjectKind[]) => kinds.set(id, [...new Set([...(kinds.get(id) ?? []), ...k])]);
  for (const o of desired.objects) {
    want(o.id, o.kind);
    o.memberOf.forEach((g) => want(g, 'group'));
    o.ownerOf.forEach((g) => want(g, 'group'));
    o.unitMemberOf.forEach((a) => want(a, 'administrativeUnit'));
    o.directReports.forEach((r) => want(r, 'user'));
    if (o.managerId) want(o.managerId, 'user');
    for (const link of [...o.members, ...o.owners]) want(link.id, link.type === 'group' ? 'group' : 'user');
  }
  for (const role of desired.roles) role.assignments.forEach((a) => want(a.principalId, 'user', 'group'));
  const found = await writer.getLiveObjects([...kinds].map(([id, k]) => ({ id, kinds: k })));
  for (const id of kinds.keys()) live.objects[id] = found.get(id) ?? null;

  const targetObjects = desired.objects.filter((o) => live.objects[o.id]?.state === 'live');
  await runLimited(targetObjects, READ_CONCURRENCY, async (o) => {
    live.memberOf[o.id] = await writer.getMemberOf(o.id);
    live.ownedGroups[o.id] = o.kind === 'user' ? await writer.getOwnedGroups(o.id) : [];
    live.assignmentsOf[o.id] = await writer.listRoleAssignments({ principalId: o.id });
    if (o.kind === 'user') live.managers[o.id] = await writer.getManager(o.id);
    if (o.kind === 'group') {
      live.members[o.id] = (await writer.getLinks('members', o.id)).map((l) => l.id);
      live.owners[o.id] = (await writer.getLinks('owners', o.id)).map((l) => l.id);
    }
  });
  const reports = [...new Set(desired.objects.flatMap((o) => o.directReports))].filter((r) => live.objects[r]?.state === 'live');
  await runLimited(reports, READ_CONCURRENCY, async (id) => {
    live.managers[id] = await writer.getManager(id);
  });
  await runLimited(targets.filter((t) => t.kind === 'role'), READ_CONCURRENCY, async (t) => {
    live.assignmentsFor[t.id] = await writer.listRoleAssignments({ roleDefinitionId: t.id });
  });

  const upns = new Set<string>();
  const nicknames = new Set<string>();
  for (const o of desired.objects) {
    const candidates = [o.attributes.userPrincipalName, live.objects[o.id]?.attributes.userPrincipalName].filter((u): u is string => typeof u === 'string' && u !== '');
    if (o.kind === 'user') {
      for (const upn of candidates) {
        upns.add(upn);
        const [local, domain] = upn.split('@');
        for (let n = 2; n <= 4; n++) upns.add(`${local}${n}@${domain}`);
      }
    }
    if (typeof o.attributes.mailNickname === 'string') nicknames.add(`${o.kind}:${o.attributes.mailNickname}`);
  }
  if (options.asNew) {
    upns.add(options.asNew.userPrincipalName);
    const [local, domain] = options.asNew.userPrincipalName.split('@');
    for (let n = 2; n <= 4; n++) upns.add(`${local}${n}@${domain}`);
  }
  for (const [upn, holder] of await writer.findUsersByPrincipalNames([...upns])) live.userPrincipalNames[upn] = holder;
  await runLimited([...nicknames], READ_CONCURRENCY, async (entry) => {
    const [kind, nickname] = [entry.slice(0, entry.indexOf(':')) as 'user' | 'group', entry.slice(entry.indexOf(':') + 1)];
    const holder = await writer.findByMailNickname(kind, nickname);
    if (holder) live.mailNicknames[`${kind}:${nickname.toLowerCase()}`] = holder.id;
  });
  live.skus = await writer.listSubscribedSkus();
  return live;
}
