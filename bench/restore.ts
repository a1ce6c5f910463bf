/**
 * `npm run bench:restore`: what a restore costs on the simulator (throttling on, 60 ms per request).
 *
 * Scenarios (one JSON line each on stdout; progress on stderr):
 * - `user-100-links`: a user with 100 links (group memberships), permanently deleted, then restored. Counts the Graph
 *   requests of the execution (the drift re-read and the writes, separately) against the target
 *   ceil(links / 20) + 6; and the planning requests.
 * - `user-100-links-recycle-bin`: the same user soft-deleted: the native restore path.
 * - `bulk-pacing`: many permanently deleted users with memberships restored in one plan, paced by the Graph writer's
 *   own write pacer (every restore is):
 *   writes, wall time, the write-quota floor (the time Graph's 3,000 writes per 150 s forces) and 429s received
 *   (pacing, not failing, means none).
 * Flags: `--bulk-users N` (default 400), `--latency-ms N` (default 60).
 */
import { createGraphSimulator, GraphSimulator, DEMO_BOB_ID } from '../graph-simulator/src';
import { GRAPH_WRITE_QUOTA, GraphDirectoryGateway, GraphDirectoryWriter, MemorySnapshotStore, RestorePlan, Restores, runBackup } from '../backup-engine/src';
import { SnapshotStore } from '../backup-engine/src/ports/snapshot-store';

interface Args {
  bulkUsers: number;
  latencyMs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { bulkUsers: 400, latencyMs: 60 };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--bulk-users' && Number.isInteger(value) && value > 0) args.bulkUsers = value;
    else if (argv[i] === '--latency-ms' && value >= 0) args.latencyMs = value;
    else throw new Error(`unknown or bad option ${argv[i]} (use --bulk-users N, --latency-ms N)`);
    i++;
  }
  return args;
}

const log = (message: string) => process.stderr.write(`bench:restore: ${message}\n`);
const REQUESTER = { objectId: '11111111-1111-4111-8111-111111111111' };
const APPROVERS = [{ objectId: '22222222-2222-4222-8222-222222222222', isSecurityLead: true }, { objectId: '33333333-3333-4333-8333-333333333333', isSecurityLead: true }];

async function environment(latencyMs: number) {
  const simulator = createGraphSimulator({ tenant: 'demo', throttle: true, latencyMs });
  const baseUrl = await simulator.listen(0);
  const store: SnapshotStore = new MemorySnapshotStore();
  return { simulator, store, gateway: new GraphDirectoryGateway({ baseUrl }), writer: new GraphDirectoryWriter({ baseUrl }), tenantId: simulator.directory.tenantId };
}

function requests(simulator: GraphSimulator): number {
  return simulator.stats().requests;
}

/** A user with `links` memberships in writable security groups (created for the purpose). */
function userWithLinks(simulator: GraphSimulator, links: number): string {
  const d = simulator.directory;
  const user = d.createUser({ accountEnabled: true, displayName: 'Linky McLinkface', mailNickname: 'linky', userPrincipalName: `linky@${d.domains[0]}`, usageLocation: 'US', passwordProfile: { password: 'Sim-Pa55word!x' } });
  for (let i = 0; i < links; i++) {
    const group = d.createGroup({ displayName: `Bench Group ${i}`, mailEnabled: false, mailNickname: `benchgroup${i}`, securityEnabled: true });
    d.addMember(group.id, user.id);
  }
  return user.id;
}

async function approveAndRun(env: Awaited<ReturnType<typeof environment>>, plan: RestorePlan) {
  const restores = new Restores({ store: env.store, writer: env.writer, tenantId: env.tenantId });
  const restoreId = await restores.request({ plan, requester: REQUESTER, reason: 'benchmark' });
  for (const approver of APPROVERS.slice(0, plan.sensitivity.privileged ? 2 : 1)) await restores.decide(restoreId, { ...approver, decision: 'approve' });
  const started = Date.now();
  const before = requests(env.simulator);
  // The drift re-read is every Graph request before the run counts as running (onRunning comes before the first write).
  let driftRequests = 0;
  const outcome = await restores.execute(restoreId, {
    deliverSecret: async () => ({ deliveredTo: 'the benchmark' }),
    onRunning: async () => void (driftRequests = requests(env.simulator) - before),
  });
  return { outcome, wallMs: Date.now() - started, executeRequests: requests(env.simulator) - before, driftRequests };
}

async function userScenario(args: Args, softDelete: boolean): Promise<void> {
  const env = await environment(args.latencyMs);
  try {
    const links = 100;
    const userId = userWithLinks(env.simulator, links);
    await runBackup(env.gateway, env.store, { leaseOwner: 'bench' });
    env.simulator.directory.deleteUser(userId);
    if (!softDelete) env.simulator.directory.purgeDeleted(userId);
    const planStart = requests(env.simulator);
    const { plan } = await new Restores({ store: env.store, writer: env.writer, tenantId: env.tenantId }).plan({ targets: [{ kind: 'user', id: userId }] });
    const planRequests = requests(env.simulator) - planStart;
    const run = await approveAndRun(env, plan);
    const writeRequests = run.executeRequests - run.driftRequests;
    const target = Math.ceil(links / 20) + 6;
    const restored = env.simulator.directory.getUser(`linky@${env.simulator.directory.domains[0]}`);
    process.stdout.write(`${JSON.stringify({
      scenario: softDelete ? 'user-100-links-recycle-bin' : 'user-100-links', links, status: run.outcome.status,
      restoredLinks: restored ? env.simulator.directory.memberOf(restored.id).groups.length : 0,
      planRequests, executeRequests: run.executeRequests, driftCheckRequests: run.driftRequests, writeRequests,
      targetRequests: target, writesWithinTarget: writeRequests <= target, executionWithinTarget: run.executeRequests <= target,
      wallMs: run.wallMs, resourceUnits: env.simulator.stats().resourceUnits,
    })}\n`);
  } finally {
    await env.simulator.close();
  }
}

async function bulkScenario(args: Args): Promise<void> {
  const env = await environment(args.latencyMs);
  try {
    const d = env.simulator.directory;
    const victims = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID).slice(0, args.bulkUsers).map((u) => u.id);
    const extra = Math.max(0, args.bulkUsers - victims.length);
    for (let i = 0; i < extra; i++) {
      const u = d.createUser({ accountEnabled: true, displayName: `Bulk ${i}`, mailNickname: `bulk${i}`, userPrincipalName: `bulk${i}@${d.domains[0]}`, usageLocation: 'US', passwordProfile: { password: 'Sim-Pa55word!x' } });
      victims.push(u.id);
    }
    const groups = [...d.groups()].filter((g) => g.props.securityEnabled === true && g.props.mailEnabled === false && !(g.props.groupTypes as string[]).length && !g.props.onPremisesSyncEnabled && !g.props.isAssignableToRole).map((g) => g.id);
    victims.forEach((id, i) => {
      for (let k = 0; k < 8; k++) {
        const group = groups[(i + k * 7) % groups.length];
        if (!d.groupMembers(group).includes(id)) d.addMember(group, id);
      }
    });
    log(`bulk: ${victims.length} users, backing up`);
    await runBackup(env.gateway, env.store, { leaseOwner: 'bench' });
    for (const id of victims) {
      d.deleteUser(id);
      d.purgeDeleted(id);
    }
    const { plan } = await new Restores({ store: env.store, writer: env.writer, tenantId: env.tenantId }).plan({ targets: victims.map((id) => ({ kind: 'user' as const, id })), options: { withLicenses: false } });
    const writes = plan.steps.filter((s) => s.action.type !== 'issueCredential' || s.action.method === 'temporaryAccessPass').length;
    log(`bulk: plan of ${plan.steps.length} steps (${writes} writes), executing (the writer paces itself)`);
    const throttledBefore = env.simulator.stats().throttled;
    const waitedBefore = env.writer.writeWaitedMs;
    const run = await approveAndRun(env, plan);
    // The quota is a sliding window: write number Q+1 cannot go before the window has moved past write number 1, so
    // W writes need at least floor((W - 1) / Q) whole windows, however they are spread.
    const floorMs = Math.floor((writes - 1) / GRAPH_WRITE_QUOTA.writes) * GRAPH_WRITE_QUOTA.windowMs;
    process.stdout.write(`${JSON.stringify({
      scenario: 'bulk-pacing', users: victims.length, steps: plan.steps.length, writes, status: run.outcome.status,
      failedSteps: run.outcome.steps.filter((s) => s.status === 'failed').length, failures: [...new Set(run.outcome.steps.filter((s) => s.failure).map((s) => `${s.description.split(" ")[0]} ${s.failure!.statusCode} ${s.failure!.code}: ${s.failure!.message}`))].slice(0, 5), wallMs: run.wallMs, writeQuotaFloorMs: Math.round(floorMs),
      ratioToWriteQuotaFloor: floorMs ? Math.round((run.wallMs / floorMs) * 100) / 100 : null, pacerWaitedMs: env.writer.writeWaitedMs - waitedBefore, throttledResponses: env.simulator.stats().throttled - throttledBefore, executeRequests: run.executeRequests,
    })}\n`);
  } finally {
    await env.simulator.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  log(`latency ${args.latencyMs} ms, throttling on`);
  await userScenario(args, false);
  await userScenario(args, true);
  await bulkScenario(args);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:restore: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
