/**
 * Backup benchmark (issue 4, "Benchmarks (`npm run bench:backup`)"). One process runs every scenario and prints one
 * JSON line per scenario on stdout; progress goes to stderr. See bench/README.md for what each figure means.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/backup.ts [--users N] [--scenario full|delta|baseline|all]
 *
 * Scenarios:
 *   full      full backup of the large tenant (100,000 users unless --users) into the local Cosmos server
 *   delta     after `full`, 1% churn in the same simulator, then an incremental backup into the same store
 *   baseline  on a demo tenant of 1,000 users (or --users): Rewind's full backup vs bench/baseline-reader.ts,
 *             each against its own fresh simulator
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { GraphDirectoryGateway, runBackup, startLocalCosmos } from '../backup-engine/src';
import type { BackupProgress, LocalCosmos, SnapshotDocument } from '../backup-engine/src';
import { createGraphSimulator } from '../graph-simulator/src';
import type { GraphSimulator, SimulatorStats } from '../graph-simulator/src';
import { THROTTLE_LIMITS, tenantSize } from '../graph-simulator/src/throttling/budget';
import { runBaselineReader } from './baseline-reader';

const LATENCY_MS = 60;
const LARGE_USERS = 100_000;
const BASELINE_USERS = 1_000;
const RSS_SAMPLE_MS = 200;
/** Reads every backup makes one after another before its delta rounds can start: GET /organization (tenant id → lease). */
const FIXED_SEQUENTIAL_READS = 1;

type ScenarioName = 'full' | 'delta' | 'baseline';

interface Args {
  users?: number;
  scenarios: ScenarioName[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scenarios: ['full', 'delta', 'baseline'] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--users') {
      const users = Number(value);
      if (!Number.isInteger(users) || users < 100) fail(`--users needs a whole number ≥ 100 (the large tenant's minimum), got ${String(value)}`);
      args.users = users;
      i++;
    } else if (flag === '--scenario') {
      if (value === 'all') args.scenarios = ['full', 'delta', 'baseline'];
      else if (value === 'full' || value === 'delta' || value === 'baseline') args.scenarios = [value];
      else fail(`--scenario must be full, delta, baseline or all, got ${String(value)}`);
      i++;
    } else if (flag === '--help' || flag === '-h') {
      process.stderr.write('usage: npm run bench:backup -- [--users N] [--scenario full|delta|baseline|all]\n');
      process.exit(0);
    } else {
      fail(`unknown argument ${flag}; usage: npm run bench:backup -- [--users N] [--scenario full|delta|baseline|all]`);
    }
  }
  return args;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ------------------------------------------------------------------ memory

/** Samples the whole process's RSS (engine + in-process simulator + in-process local Cosmos server). */
class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  /** RSS when the scenario started: mostly the seeded simulator (and, for delta, the store filled by `full`). */
  readonly startMb = toMb(process.memoryUsage().rss);

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return toMb(this.peak);
  }
}

function toMb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

// ------------------------------------------------------------------ store traffic

/**
 * Counts the HTTP requests the Cosmos SDK sends to the local Cosmos server (by method), through Node's
 * `http.client.request.start` diagnostics channel: the engine's store traffic, measured without touching it.
 */
class StoreTraffic {
  private counts: Record<string, number> = {};
  private host = '';

  constructor() {
    diagnosticsChannel.subscribe('http.client.request.start', (message) => {
      const request = (message as { request: ClientRequest }).request;
      if (this.host === '' || request.getHeader('host') !== this.host) return;
      this.counts[request.method] = (this.counts[request.method] ?? 0) + 1;
    });
  }

  watch(endpoint: string): void {
    this.host = new URL(endpoint).host;
  }

  take(): Record<string, number> & { total: number } {
    const counts = this.counts;
    this.counts = {};
    return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  }
}

const storeTraffic = new StoreTraffic();

// ------------------------------------------------------------------ floor

interface Floor {
  budgetRuPerSecond: number;
  usersDeltaRequests: number;
  groupsDeltaRequests: number;
  chainRequests: number;
  ruFloorMs: number;
  latencyFloorMs: number;
  floorMs: number;
}

/**
 * floorMs = max(resource units ÷ the app+tenant budget rate, longest chain of dependent requests × latency).
 * The chain: a delta round is a chain of pages (each needs the previous page's nextLink); the users and groups
 * rounds do not depend on each other, so the longest chain is the longer round plus the fixed sequential reads.
 * Delta requests are counted from the simulator's per-endpoint stats, minus throttled answers (a retried page is the
 * same link of the chain).
 */
function floorOf(stats: SimulatorStats, resourceUnits: number, userCount: number): Floor {
  const budget = THROTTLE_LIMITS.tenantApplicationResourceUnits;
  const budgetRuPerSecond = budget[tenantSize(userCount)] / (budget.windowInMs / 1000);
  const admitted = (endpoint: string) => {
    const e = stats.perEndpoint[endpoint];
    return e ? e.requests - e.throttled : 0;
  };
  const usersDeltaRequests = admitted('GET /users/delta');
  const groupsDeltaRequests = admitted('GET /groups/delta');
  const chainRequests = Math.max(usersDeltaRequests, groupsDeltaRequests) + FIXED_SEQUENTIAL_READS;
  const ruFloorMs = Math.round((resourceUnits / budgetRuPerSecond) * 1000);
  const latencyFloorMs = chainRequests * LATENCY_MS;
  return { budgetRuPerSecond, usersDeltaRequests, groupsDeltaRequests, chainRequests, ruFloorMs, latencyFloorMs, floorMs: Math.max(ruFloorMs, latencyFloorMs) };
}

// ------------------------------------------------------------------ one Rewind backup

interface Environment {
  sim: GraphSimulator;
  cosmos: LocalCosmos;
  gateway: GraphDirectoryGateway;
  userCount: number;
}

async function openEnvironment(tenant: 'large' | 'demo', users: number): Promise<Environment> {
  const seeded = performance.now();
  const sim = createGraphSimulator({ tenant, users, throttle: true, latencyMs: LATENCY_MS });
  const url = await sim.listen(0);
  log(`simulator: ${tenant} tenant, ${sim.directory.userCount} users, ${sim.directory.groupCount} groups, ${sim.directory.linkCount()} links, seeded in ${Math.round(performance.now() - seeded)} ms at ${url}`);
  const cosmos = await startLocalCosmos({ port: 0 });
  log(`local Cosmos server at ${cosmos.endpoint}`);
  storeTraffic.watch(cosmos.endpoint);
  const gateway = new GraphDirectoryGateway({ baseUrl: url });
  return { sim, cosmos, gateway, userCount: sim.directory.userCount };
}

async function closeEnvironment(env: Environment): Promise<void> {
  await env.cosmos.close();
  await env.sim.close();
}

interface Measured {
  snapshot: SnapshotDocument;
  wallMs: number;
  peakRssMb: number;
  startRssMb: number;
  sim: SimulatorStats;
  floor: Floor;
  storeRequests: Record<string, number>;
  /**
   * Per engine phase (BackupProgress.phase): [first, last] progress report, in ms since runBackup was called. Phases
   * may overlap (the engine runs some rounds concurrently); after the last report of `commit` the engine still writes
   * histories, the name index, the manifest and the snapshot header.
   */
  phaseMs: Record<string, [number, number]>;
}

async function measureBackup(label: string, env: Environment, mode: 'full' | 'auto'): Promise<Measured> {
  collectGarbage();
  env.sim.resetStats();
  const rss = new RssSampler();
  let lastReport = 0;
  storeTraffic.take();
  const phaseSpans = new Map<string, [number, number]>();
  const onProgress = (p: BackupProgress) => {
    const now = performance.now();
    const span = phaseSpans.get(p.phase);
    if (span) span[1] = now;
    else phaseSpans.set(p.phase, [now, now]);
    if (now - lastReport < 2000 && p.phase !== 'commit') return;
    lastReport = now;
    const s = env.sim.stats();
    log(`${label}: ${p.phase} pages=${p.pages} entries=${p.entries} graphRequests=${s.requests} RU=${s.resourceUnits} throttled=${s.throttled} rss=${Math.round(process.memoryUsage().rss / 1048576)}MB`);
  };
  const started = performance.now();
  const { snapshot } = await runBackup(env.gateway, env.cosmos.store, { mode, onProgress });
  const ended = performance.now();
  const wallMs = Math.round(ended - started);
  const peakRssMb = rss.stop();
  const storeRequests = storeTraffic.take();
  const phaseMs: Record<string, [number, number]> = {};
  for (const [phase, [first, last]] of phaseSpans) phaseMs[phase] = [Math.round(first - started), Math.round(last - started)];
  const sim = env.sim.stats();
  const floor = floorOf(sim, snapshot.stats.resourceUnits, env.userCount);
  log(`${label}: done in ${wallMs} ms (${snapshot.mode}, engine durationMs ${snapshot.stats.durationMs})`);
  return { snapshot, wallMs, peakRssMb, startRssMb: rss.startMb, sim, floor, storeRequests, phaseMs };
}

/** The fields every scenario line carries. */
function commonFields(scenario: string, env: Environment, m: Measured): Record<string, unknown> {
  const s = m.snapshot.stats;
  return {
    scenario,
    users: env.userCount,
    groups: env.sim.directory.groupCount,
    wallMs: m.wallMs,
    requests: s.requests,
    operations: s.operations,
    resourceUnits: s.resourceUnits,
    simRequests: m.sim.requests,
    simOperations: m.sim.operations,
    simResourceUnits: m.sim.resourceUnits,
    throttled: s.throttled,
    simThrottled: m.sim.throttled,
    retries: s.retries,
    budgetRuPerSecond: m.floor.budgetRuPerSecond,
    usersDeltaRequests: m.floor.usersDeltaRequests,
    groupsDeltaRequests: m.floor.groupsDeltaRequests,
    chainRequests: m.floor.chainRequests,
    ruFloorMs: m.floor.ruFloorMs,
    latencyFloorMs: m.floor.latencyFloorMs,
    floorMs: m.floor.floorMs,
    ratioToFloor: round(m.wallMs / m.floor.floorMs, 3),
    peakRssMb: m.peakRssMb,
    startRssMb: m.startRssMb,
    storedBytes: s.storedBytes,
    engineDurationMs: s.durationMs,
    storeRequests: m.storeRequests,
    phaseMs: m.phaseMs,
    entries: Object.values(m.snapshot.counts).reduce((a, b) => a + (b ?? 0), 0),
  };
}

// ------------------------------------------------------------------ churn

interface Churn {
  updatedUsers: number;
  createdUsers: number;
  deletedUsers: number;
  memberAdds: number;
  memberRemoves: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run churns the same objects. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 1% churn: 1% of users get a new jobTitle; 0.05% (at least 2) users created and as many soft-deleted; and, in
 * proportion, as many membership adds and removes as updated users (1% of users gain a group, 1% lose one).
 * Synced users (read-only in the cloud) and dynamic or mail-enabled groups (no member writes) are skipped.
 */
function applyChurn(env: Environment): Churn {
  const directory = env.sim.directory;
  const random = randomSource(20261125);
  const users = [...directory.users()].filter((u) => u.props.onPremisesSyncEnabled !== true);
  const groups = [...directory.groups()];
  const target = Math.max(1, Math.round(env.userCount * 0.01));
  const createDelete = Math.max(2, Math.round(env.userCount * 0.0005));
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const churn: Churn = { updatedUsers: 0, createdUsers: 0, deletedUsers: 0, memberAdds: 0, memberRemoves: 0 };

  const updated = new Set<string>();
  for (let attempts = 0; churn.updatedUsers < target && attempts < target * 20; attempts++) {
    const user = pick(users);
    if (updated.has(user.id)) continue;
    try {
      directory.updateUser(user.id, { jobTitle: `Churned title ${churn.updatedUsers}` });
      updated.add(user.id);
      churn.updatedUsers++;
    } catch {
      // not writable; pick another
    }
  }
  const domain = directory.domains[0];
  for (let i = 0; i < createDelete; i++) {
    directory.createUser({
      accountEnabled: true,
      displayName: `Bench Newcomer ${i}`,
      mailNickname: `bench.newcomer${i}`,
      userPrincipalName: `bench.newcomer${i}@${domain}`,
      jobTitle: 'Newcomer',
    }, { password: `Bench-Newcomer-${i}-Pa55!` });
    churn.createdUsers++;
  }
  for (let attempts = 0; churn.deletedUsers < createDelete && attempts < createDelete * 20; attempts++) {
    const user = pick(users);
    if (updated.has(user.id) || !directory.isLive(user.id)) continue;
    try {
      directory.deleteUser(user.id);
      churn.deletedUsers++;
    } catch {
      // not deletable; pick another
    }
  }
  const liveUsers = users.filter((u) => directory.isLive(u.id));
  for (let attempts = 0; churn.memberAdds < target && attempts < target * 50; attempts++) {
    try {
      directory.addMember(pick(groups).id, pick(liveUsers).id);
      churn.memberAdds++;
    } catch {
      // dynamic, mail-enabled or already a member; pick another
    }
  }
  for (let attempts = 0; churn.memberRemoves < target && attempts < target * 50; attempts++) {
    const group = pick(groups);
    const members = directory.groupMembers(group.id);
    if (!members.length) continue;
    try {
      directory.removeMember(group.id, pick(members));
      churn.memberRemoves++;
    } catch {
      // dynamic or mail-enabled; pick another
    }
  }
  return churn;
}

// ------------------------------------------------------------------ scenarios

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function fullAndDelta(users: number, scenarios: ScenarioName[]): Promise<void> {
  const env = await openEnvironment('large', users);
  try {
    const full = await measureBackup('full', env, 'full');
    const fullLine = { ...commonFields('full', env, full), tenant: 'large', snapshotMode: full.snapshot.mode };
    if (scenarios.includes('full')) print(fullLine);
    if (!scenarios.includes('delta')) return;

    const churn = applyChurn(env);
    log(`delta: churn applied ${JSON.stringify(churn)}`);
    const delta = await measureBackup('delta', env, 'auto');
    const s = delta.snapshot.stats;
    print({
      ...commonFields('delta', env, delta),
      tenant: 'large',
      snapshotMode: delta.snapshot.mode,
      churn,
      changes: delta.snapshot.changes,
      fullResourceUnits: full.snapshot.stats.resourceUnits,
      fullStoredBytes: full.snapshot.stats.storedBytes,
      deltaResourceUnitsRatio: round(s.resourceUnits / full.snapshot.stats.resourceUnits, 4),
      deltaStoredBytesRatio: round(s.storedBytes / full.snapshot.stats.storedBytes, 4),
    });
  } finally {
    await closeEnvironment(env);
  }
}

async function baseline(users: number): Promise<void> {
  let rewindLine: Record<string, unknown>;
  const env = await openEnvironment('demo', users);
  try {
    const rewind = await measureBackup('baseline/rewind', env, 'full');
    rewindLine = commonFields('baseline', env, rewind);
  } finally {
    await closeEnvironment(env);
  }
  collectGarbage();

  const sim = createGraphSimulator({ tenant: 'demo', users, throttle: true, latencyMs: LATENCY_MS });
  const url = await sim.listen(0);
  log(`baseline reader: fresh simulator (${sim.directory.userCount} users, ${sim.directory.groupCount} groups) at ${url}`);
  const rss = new RssSampler();
  let result;
  try {
    result = await runBaselineReader({ baseUrl: url, onProgress: log });
  } finally {
    await sim.close();
  }
  const baselinePeakRssMb = rss.stop();
  const stats = sim.stats();
  log(`baseline reader: done in ${result.wallMs} ms, ${result.requests} requests, ${stats.resourceUnits} RU, ${result.throttled} throttled`);
  const rewindRu = rewindLine.simResourceUnits as number;
  const rewindWall = rewindLine.wallMs as number;
  print({
    ...rewindLine,
    tenant: 'demo',
    baselineWallMs: result.wallMs,
    baselineRequests: result.requests,
    baselineResourceUnits: stats.resourceUnits,
    baselineResourceUnitsFromHeaders: result.resourceUnits,
    baselineThrottled: result.throttled,
    baselineObjects: result.objects,
    baselinePeakRssMb,
    ruReduction: round(stats.resourceUnits / rewindRu, 1),
    speedup: round(result.wallMs / rewindWall, 1),
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!(globalThis as { gc?: unknown }).gc) log('note: run with --expose-gc so each scenario starts from a collected heap');
  const started = performance.now();
  if (args.scenarios.includes('full') || args.scenarios.includes('delta')) await fullAndDelta(args.users ?? LARGE_USERS, args.scenarios);
  if (args.scenarios.includes('baseline')) await baseline(args.users ?? BASELINE_USERS);
  log(`all scenarios done in ${Math.round((performance.now() - started) / 1000)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
