/**
 * Backup, plan, approve and execute against a simulator tenant, through the real Graph adapters: what the restore
 * scenario tests drive. Assertions read the simulator's directory (the tenant after the restore), not the plan.
 */
import { GraphDirectoryWriter } from '../../src/graph/graph-writer';
import { DeliverSecret, DeliveredSecret, ExecuteContext, RestoreOutcome, decideRestore, executeRestore, requestRestore } from '../../src/restore/execute';
import { PlanRequest, planFromSnapshot, replannerFor } from '../../src/restore/service';
import { RestorePlan } from '../../src/restore/types';
import { EngineFixture, startEngine } from './engine-fixture';
import { SnapshotStore } from '../../src/ports/snapshot-store';

export const REQUESTER = { objectId: '11111111-1111-4111-8111-111111111111', displayName: 'Helpdesk Hannah' };
export const APPROVER = { objectId: '22222222-2222-4222-8222-222222222222', displayName: 'Security Sam', isSecurityLead: true };
export const SECOND_APPROVER = { objectId: '33333333-3333-4333-8333-333333333333', displayName: 'Security Sue', isSecurityLead: true };

export interface RestoreFixture extends EngineFixture {
  writer: GraphDirectoryWriter;
  secrets: DeliveredSecret[];
  /** Hands a credential to `secrets` (the requester, in these tests). */
  deliver: DeliverSecret;
  plan(request: PlanRequest): Promise<RestorePlan>;
  /** Requests, approves (twice when privileged) and returns the restore id. */
  approve(plan: RestorePlan): Promise<string>;
  execute(restoreId: string, extra?: Partial<ExecuteContext>): Promise<RestoreOutcome>;
  /** plan → approve → execute. */
  restore(request: PlanRequest, extra?: Partial<ExecuteContext>): Promise<{ plan: RestorePlan; outcome: RestoreOutcome }>;
}

export async function startRestoreFixture(store?: SnapshotStore): Promise<RestoreFixture> {
  const engine = await startEngine(store ? { store } : {});
  const writer = new GraphDirectoryWriter({ baseUrl: engine.simulator.url, backoff: { baseDelayInMs: 5, maxDelayInMs: 50 } });
  const secrets: DeliveredSecret[] = [];
  const deliver: DeliverSecret = async (secret) => {
    secrets.push(secret);
    return { deliveredTo: 'the test requester' };
  };
  const fixture: RestoreFixture = {
    ...engine, writer, secrets, deliver,
    plan: async (request) => (await planFromSnapshot(engine.store, engine.tenantId, writer, request)).plan,
    approve: async (plan) => {
      const restoreId = await requestRestore(engine.store, { plan, requester: REQUESTER, reason: 'test restore', ticket: 'INC-1' });
      await decideRestore(engine.store, engine.tenantId, restoreId, { ...APPROVER, decision: 'approve' });
      if (plan.sensitivity.privileged) await decideRestore(engine.store, engine.tenantId, restoreId, { ...SECOND_APPROVER, decision: 'approve' });
      return restoreId;
    },
    execute: async (restoreId, extra = {}) => {
      const request = await engine.store.read<{ plan: RestorePlan } & { id: string; pk: string; tenantId: string; type: string }>('catalog', { pk: `${engine.tenantId}|restore|${restoreId}`, id: 'request' });
      return executeRestore(restoreId, {
        writer, store: engine.store, tenantId: engine.tenantId, replan: replannerFor(engine.store, engine.tenantId, writer, request!.document.plan),
        deliverSecret: deliver, ...extra,
      });
    },
    restore: async (request, extra) => {
      const plan = await fixture.plan(request);
      const restoreId = await fixture.approve(plan);
      return { plan, outcome: await fixture.execute(restoreId, extra) };
    },
  };
  return fixture;
}
