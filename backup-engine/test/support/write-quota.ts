/** A user in many plain security groups: a restore of it is mostly link writes (for write-quota pacing tests). */
import type { Directory } from '../../../graph-simulator/src/model/directory';

export function userWithMemberships(d: Directory, nickname: string, memberships: number): { id: string; groups: string[] } {
  const user = d.createUser({
    accountEnabled: true, displayName: `${nickname} of many groups`, mailNickname: nickname, userPrincipalName: `${nickname}@${d.domains[0]}`,
    usageLocation: 'US', passwordProfile: { password: 'Sim-Pa55word!x' },
  });
  const groups: string[] = [];
  for (let i = 0; i < memberships; i++) {
    const group = d.createGroup({ displayName: `${nickname} group ${i}`, mailEnabled: false, mailNickname: `${nickname}-group-${i}`, securityEnabled: true });
    d.addMember(group.id, user.id);
    groups.push(group.id);
  }
  return { id: user.id, groups };
}
