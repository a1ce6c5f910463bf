/**
 * One deployment serves one tenant. Teams names the sender's tenant on every activity it sends a bot
 * (`channelData.tenant.id`, and `conversation.tenantId` on the conversation); the Agents Playground does the same.
 * An activity is accepted only when every tenant it names is the bot's tenant and it names at least one: an
 * activity that names none, names another tenant, or names two different ones is refused before anything is read.
 *
 * Pure: the caller answers the refusal and audits it (app.ts). Tenant ids are compared case-insensitively.
 */
import type { Activity } from 'botbuilder';

export type TenantRefusalReason = 'noTenant' | 'otherTenant' | 'conflictingTenants';

export interface TenantRefusal {
  reason: TenantRefusalReason;
  /** The tenant ids the activity named (at most two, each cut to 64 characters): for the audit, never trusted. */
  claimed: string[];
}

/** The tenant ids an activity names, lower-cased and de-duplicated. */
export function tenantsNamedBy(activity: Partial<Activity>): string[] {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const conversation = activity.conversation as { tenantId?: unknown } | undefined;
  const named = [channelData?.tenant?.id, conversation?.tenantId]
    .filter((id): id is string => typeof id === 'string' && id.trim() !== '')
    .map((id) => id.trim().toLowerCase().slice(0, 64));
  return [...new Set(named)];
}

/** Why the activity is refused, or undefined when it comes from `tenantId`. */
export function tenantRefusal(activity: Partial<Activity>, tenantId: string): TenantRefusal | undefined {
  const claimed = tenantsNamedBy(activity);
  if (claimed.length === 0) return { reason: 'noTenant', claimed };
  if (claimed.length > 1) return { reason: 'conflictingTenants', claimed };
  if (claimed[0] !== tenantId.toLowerCase()) return { reason: 'otherTenant', claimed };
  return undefined;
}

/** The sentence the sender sees. It does not name the bot's tenant. */
export function tenantRefusalSentence(refusal: TenantRefusal): string {
  switch (refusal.reason) {
    case 'noTenant':
      return 'Rewind cannot tell which organisation this came from (Teams names it on every message), so it was not read.';
    case 'conflictingTenants':
      return 'This message names two different organisations, so Rewind did not read it.';
    case 'otherTenant':
      return 'This Rewind protects another organisation\'s directory and answers only its people; your message was not read.';
  }
}
