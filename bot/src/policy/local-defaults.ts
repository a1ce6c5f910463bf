/**
 * Defaults that exist only for a local run against the Graph simulator's demo tenant (`npm start`). Nothing else in
 * `bot/` imports the simulator; production settings never fall back to these values.
 */
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID } from '../../../graph-simulator/src';

export const LOCAL_DEFAULT_GROUPS = Object.freeze({
  helpdeskGroupId: DEMO_HELPDESK_GROUP_ID,
  securityLeadsGroupId: DEMO_SECURITY_LEADS_GROUP_ID,
});
