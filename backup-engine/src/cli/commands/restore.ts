/**
 * Restores from the command line:
 *
 * - `rewind plan restore <user|group|role> <name>` / `rewind plan restore all`: computes the plan against the live
 *   tenant, stores it as a restore request awaiting approval (`requestRestore`) and prints it. Nothing is written to
 *   the tenant.
 * - `rewind restore --plan <id> --break-glass --reason "…"`: approves the plan as break-glass (recorded with the
 *   operator and the reason) and executes it. A plan that already started is resumed from its journal.
 * - `rewind undo <id>`: plans the undo of a restore that ran and stores it as a request like any other.
 *
 * The credential of a recreated user reaches this process through `deliverSecret` only, and is printed to stdout
 * the moment it is issued, once, in a marked block (with --json --show-secret: one JSON line of its own before the
 * result document), so a later crash cannot lose a credential the journal calls delivered. Writes to stdout are
 * synchronous on Linux (files, pipes and terminals), so a returned write has reached the OS. With --json and no
 * --show-secret it is not shown: the handover fails, the credential is discarded and the result says it was not
 * delivered (resume with --show-secret to issue a new Temporary Access Pass). It is never written to stderr, the
 * store or a log.
 */
import { userInfo } from 'node:os';
import { DeliveredSecret, RestoreOutcome, isNeedsReapprovalError, isNothingToRestoreError } from '../../restore/execute';
import { Restores } from '../../restore/restores';
import type { RestorePlan, RestoreTarget } from '../../restore/types';
import type { SnapshotQueries } from '../../query/snapshot-queries';
import type { CommandContext } from '../context';
import { ExitCode, NotFoundError } from '../errors';
import { fields, formatSnapshot, json, plural, table } from '../format';
import type { RequestArguments } from '../parse-args';
import { resolveObject } from '../resolve';

type Requester = { objectId: string; displayName?: string };

/** `--operator`, else the OS user (who ran the command; recorded in the audit trail). */
export function operatorName(given?: string): string {
  if (given?.trim()) return given.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

async function requesterOf(queries: SnapshotQueries, args: RequestArguments): Promise<Requester> {
  const text = args.requester?.trim();
  if (!text) {
    const operator = operatorName(args.operator);
    return { objectId: `cli:${operator}`, displayName: `${operator} (via the rewind CLI)` };
  }
  if (!text.includes('@')) return { objectId: text.toLowerCase() };
  const user = await resolveObject(queries, 'user', text);
  return { objectId: user.id, displayName: user.displayName };
}

/** The restore client of this command's tenant; the operator (and this process) hold its execution lease. */
function restoresOf(ctx: Pick<CommandContext<'restore'>, 'engine' | 'tenantId' | 'now'>, operator?: string): Restores {
  return new Restores({ store: ctx.engine.store, writer: ctx.engine.writer, tenantId: ctx.tenantId, now: ctx.now, owner: `cli:${operatorName(operator)}` });
}

/**
 * The snapshot a named object's plan starts from: `--at` when given; otherwise the latest snapshot, or — when the
 * object was gone by then — the latest snapshot that still has it (as the Teams object card does).
 */
async function defaultSnapshotFor(queries: SnapshotQueries, kind: RestoreTarget['kind'], id: string, at: string | undefined): Promise<string | undefined> {
  if (at !== undefined) return at;
  const versions = await queries.versions(kind === 'role' ? 'roleDefinition' : kind, id);
  const latest = await queries.resolveSnapshot();
  const newest = versions.reduce<string | undefined>((best, v) => (!best || v.lastSeen.snapshotId > best ? v.lastSeen.snapshotId : best), undefined);
  return newest && newest !== latest.id ? newest : undefined;
}

export async function planRestoreCommand(ctx: CommandContext<'planRestore'>): Promise<number> {
  const { options, output } = ctx;
  let targets: RestoreTarget[] | 'allUsersAndGroups';
  let at = options.at;
  if (options.target === 'all') {
    await ctx.queries.resolveSnapshot(options.at); // no snapshot → "run a backup first", before any Graph read
    targets = 'allUsersAndGroups';
  } else {
    const found = await resolveObject(ctx.queries, options.target.kind, options.target.name);
    targets = [{ kind: options.target.kind, id: found.id }];
    at = await defaultSnapshotFor(ctx.queries, options.target.kind, found.id, options.at);
    if (at !== options.at) output.stderr(`note: ${found.displayName} is not in the latest snapshot; planning from ${at}, the latest snapshot that has it (choose another with --at)\n`);
  }
  const requester = await requesterOf(ctx.queries, options);
  const restores = restoresOf(ctx, options.operator);
  const { plan } = await restores.plan({ targets, at, options: options.restoreOptions });
  return storeAndPrint(ctx, restores, plan, requester);
}

export async function undoCommand(ctx: CommandContext<'undo'>): Promise<number> {
  const { options } = ctx;
  const restores = restoresOf(ctx, options.operator);
  if (!(await restores.records.readRequest(options.restoreId))) throw new NotFoundError(`there is no restore ${options.restoreId}`, 'list restores with `rewind audit`');
  const requester = await requesterOf(ctx.queries, options);
  const plan = await restores.planUndo(options.restoreId);
  return storeAndPrint(ctx, restores, plan, requester, options.restoreId);
}

/** Stores the plan as a request awaiting approval and prints it; a plan with no step is printed and not stored. */
async function storeAndPrint(ctx: Pick<CommandContext<'undo'>, 'output'> & { options: Pick<RequestArguments, 'reason' | 'ticket'> & { global: { json: boolean } } }, restores: Restores, plan: RestorePlan, requester: Requester, undoes?: string): Promise<number> {
  const { options, output } = ctx;
  let restoreId: string;
  try {
    restoreId = await restores.request({ plan, requester, reason: options.reason, ticket: options.ticket, ...(undoes ? { undoes } : {}) });
  } catch (error) {
    if (!isNothingToRestoreError(error)) throw error;
    if (options.global.json) {
      output.stdout(json({ restoreId: null, ...(undoes ? { undoes } : {}), status: 'nothingToRestore', message: error.message, plan }));
    } else {
      output.stdout(planText(plan, undefined, { requester, reason: options.reason, ticket: options.ticket }));
    }
    output.stderr(`rewind: ${error.message}; no request was stored\n`);
    return ExitCode.nothingToRestore;
  }
  if (options.global.json) {
    output.stdout(json({ restoreId, ...(undoes ? { undoes } : {}), status: 'pendingApproval', requester, reason: options.reason, ticket: options.ticket ?? null, plan }));
    return ExitCode.ok;
  }
  output.stdout(planText(plan, restoreId, { requester, reason: options.reason, ticket: options.ticket }));
  return ExitCode.ok;
}

/** `Hannah (1111…)`; a CLI operator (no directory id) by name only. */
export function requesterText(requester: Requester): string {
  if (requester.objectId.startsWith('cli:')) return requester.displayName ?? requester.objectId;
  return requester.displayName ? `${requester.displayName} (${requester.objectId})` : requester.objectId;
}

export function planText(plan: RestorePlan, restoreId: string | undefined, request: { requester: Requester; reason: string; ticket?: string }): string {
  const parts: string[] = [];
  const undo = plan.source.kind === 'undo';
  parts.push(restoreId ? `${undo ? 'Undo plan' : 'Restore plan'} ${restoreId}, awaiting approval\n\n` : `${undo ? 'Undo plan' : 'Restore plan'}: nothing to restore, not stored\n\n`);
  const source = plan.source.kind === 'snapshot'
    ? `snapshot ${formatSnapshot({ snapshotId: plan.source.snapshotId, at: plan.source.at })}`
    : `the state captured just before restore ${plan.source.restoreId}`;
  const o = plan.options;
  const restored = ([['object', o.withObject], ['memberships', o.withMemberships], ['ownerships', o.withOwnerships], ['roles', o.withRoleAssignments], ['manager', o.withManager], ['licenses', o.withLicenses]] as const)
    .filter(([, on]) => on).map(([name]) => name);
  const byAction = Object.entries(plan.counts.byAction).sort(([a], [b]) => a.localeCompare(b)).map(([action, n]) => `${action} ${n}`).join(', ');
  parts.push(fields([
    ['source', source],
    ['targets', plan.targets.length > 10 ? `${plan.targets.length} objects (${countKinds(plan.targets)})` : plan.targets.map((t) => `${t.kind} ${t.displayName} (${t.id})`).join('\n')],
    ['restores', `${restored.join(', ') || '(nothing)'}; links ${o.linkMode}${o.asNew ? `; as new user ${o.asNew.userPrincipalName}` : ''}; credential ${o.credential === 'temporaryAccessPass' ? 'Temporary Access Pass' : 'password'}`],
    ['sensitivity', plan.sensitivity.privileged ? `PRIVILEGED: ${plan.sensitivity.reasons.join('; ')}` : 'not privileged'],
    ['requester', requesterText(request.requester)],
    ['reason', request.reason],
    ...(request.ticket ? [['ticket', request.ticket] as [string, string]] : []),
    ['counts', `${plural(plan.counts.steps, 'step')}${byAction ? ` (${byAction})` : ''}, ${plural(plan.counts.skips, 'skip')}${plan.incomplete ? '; the restore cannot be complete' : ''}`],
    ['plan hash', plan.hash],
  ]));
  parts.push(`\nSteps (${plan.steps.length})\n`);
  parts.push(plan.steps.length ? table(['STEP', 'DEPENDS ON', 'DESCRIPTION'], plan.steps.map((s) => [s.id, s.dependsOn.join(', ') || '-', s.description]), { indent: '  ' }) : `  (none: ${plan.skips.length || plan.warnings.length ? 'nothing the plan can write differs from the tenant; see the skips and warnings below' : 'nothing differs from the tenant'})\n`);
  if (plan.skips.length) {
    parts.push(`\nSkipped (${plan.skips.length})\n`);
    for (const skip of plan.skips) {
      parts.push(`  - ${skip.reason} (${skip.objectId}${skip.relatedId ? ` → ${skip.relatedId}` : ''}): ${skip.detail}\n`);
      if (skip.suggestedUserPrincipalName) parts.push(`    suggested UPN: ${skip.suggestedUserPrincipalName} (plan again with --as-new ${skip.suggestedUserPrincipalName})\n`);
    }
  }
  if (plan.warnings.length) parts.push(`\nWarnings\n${plan.warnings.map((w) => `  - ${w}\n`).join('')}`);
  if (restoreId) parts.push(`\nNext: approve ${restoreId} in Teams${plan.sensitivity.privileged ? ' (privileged: two approvers)' : ''}; in an outage: rewind restore --plan ${restoreId} --break-glass --reason "…"\n`);
  return parts.join('');
}

function countKinds(targets: RestorePlan['targets']): string {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  const order = ['user', 'group', 'role'];
  return [...counts].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([kind, n]) => plural(n, kind)).join(', ');
}

export async function restoreCommand(ctx: CommandContext<'restore'>): Promise<number> {
  const { options, output } = ctx;
  const { restoreId } = options;
  const restores = restoresOf(ctx, options.operator);
  const request = await restores.records.readRequest(restoreId);
  if (!request) throw new NotFoundError(`there is no restore ${restoreId}`, 'plan one with `rewind plan restore`, or list restores with `rewind audit`');
  const operator = operatorName(options.operator);
  const approval = await restores.records.readApproval(restoreId);
  const resumed = approval?.document.status === 'consumed';
  if (resumed) output.stderr(`note: restore ${restoreId} was started before; resuming it from its journal (steps that succeeded are not repeated)\n`);
  else await restores.breakGlass(restoreId, operator, options.reason);

  const shown = !options.global.json || options.showSecret;
  // The handover: printed now, before the step is journaled delivered (module comment).
  const deliverSecret = async (secret: DeliveredSecret) => {
    if (!shown) throw new Error('--json without --show-secret prints no credential');
    const text = options.global.json ? `${JSON.stringify({ credential: credentialJson(secret, true) })}\n` : `${secretBlock([secret])}\n`;
    if (output.handOver) output.handOver(text);
    else output.stdout(text);
    return { deliveredTo: 'the operator\'s terminal' };
  };
  let outcome: RestoreOutcome;
  try {
    outcome = await restores.execute(restoreId, { deliverSecret });
  } catch (error) {
    if (isNeedsReapprovalError(error)) return needsReapproval(ctx, request.plan, error.newPlan);
    throw error;
  }
  const exitCode = outcome.status === 'complete' ? ExitCode.ok : outcome.status === 'incomplete' ? ExitCode.incomplete : ExitCode.failure;
  if (options.global.json) {
    output.stdout(json({
      restoreId, status: outcome.status, resumed: outcome.resumed, breakGlass: resumed ? null : { by: operator, reason: options.reason },
      steps: outcome.steps, skips: outcome.skips, settledSkips: outcome.settledSkips,
      credentials: outcome.credentials,
      exitCode,
    }));
    const missed = outcome.credentials.filter((c) => c.status === 'notDelivered');
    if (missed.length && !options.showSecret) output.stderr(`note: ${plural(missed.length, 'credential')} for ${missed.map((c) => c.userPrincipalName).join(', ')} not shown (no --show-secret) and discarded: run \`rewind restore --plan ${restoreId} --break-glass --reason "…" --json --show-secret\` to issue a new Temporary Access Pass\n`);
    return exitCode;
  }
  output.stdout(outcomeText(outcome, request.plan, resumed ? undefined : { by: operator, reason: options.reason }));
  return exitCode;
}

function credentialJson(secret: DeliveredSecret, withValue: boolean) {
  return {
    userId: secret.userId, userPrincipalName: secret.userPrincipalName, kind: secret.kind,
    ...(secret.lifetimeInMinutes !== undefined ? { lifetimeInMinutes: secret.lifetimeInMinutes } : {}),
    ...(withValue ? { value: secret.value } : {}),
  };
}

function outcomeText(outcome: RestoreOutcome, plan: RestorePlan, breakGlass: { by: string; reason: string } | undefined): string {
  const parts: string[] = [];
  parts.push(`Restore ${outcome.restoreId}${breakGlass ? `, approved as break-glass by ${breakGlass.by}: "${breakGlass.reason}"` : ''}${outcome.resumed ? ', resumed' : ''}\n`);
  parts.push(`plan ${plan.hash.slice(0, 12)}…: ${plan.targets.map((t) => `${t.kind} ${t.displayName}`).slice(0, 5).join(', ')}${plan.targets.length > 5 ? ` and ${plan.targets.length - 5} more` : ''}\n\n`);
  parts.push(outcome.steps.length ? table(['STEP', 'STATUS', 'DESCRIPTION'], outcome.steps.map((s) => [s.stepId, s.status, s.description])) : 'No steps: nothing differed from the tenant.\n');
  const noted = outcome.steps.filter((s) => s.note && s.status !== 'failed');
  if (noted.length) parts.push(`\nNotes\n${noted.map((s) => `  ${s.stepId}: ${s.note}\n`).join('')}`);
  const failed = outcome.steps.filter((s) => s.failure);
  if (failed.length) {
    parts.push(`\nFailures (${failed.length})\n`);
    for (const s of failed) {
      const f = s.failure!;
      parts.push(`  ${s.stepId}: ${[f.statusCode, f.code].filter((x) => x !== undefined).join(' ')}${f.statusCode !== undefined || f.code ? ': ' : ''}${f.message}${f.requestId ? ` (Graph request-id ${f.requestId})` : ''}\n`);
    }
  }
  const blocked = outcome.steps.filter((s) => s.status === 'blocked');
  if (blocked.length) parts.push(`\nBlocked (${blocked.length})\n${blocked.map((s) => `  ${s.stepId}: ${s.note ?? 'a step it depends on did not succeed'}\n`).join('')}`);
  if (outcome.skips.length) parts.push(`\nSkipped (${outcome.skips.length})\n${outcome.skips.map((s) => `  - ${s.reason} (${s.objectId}): ${s.detail}\n`).join('')}`);
  if (outcome.settledSkips.length) parts.push(`\nIn place after the run, read back (a recycle-bin restore keeps an object's links) (${outcome.settledSkips.length})\n${outcome.settledSkips.map((s) => `  - ${s.reason} (${s.objectId} in ${s.relatedId})\n`).join('')}`);
  if (outcome.credentials.length) {
    parts.push(`\nCredentials of created users (${outcome.credentials.length})\n`);
    for (const c of outcome.credentials) {
      parts.push(c.status === 'delivered'
        ? `  - ${c.userPrincipalName}: ${c.method === 'password' ? 'temporary password' : 'Temporary Access Pass'} shown above on ${c.deliveredTo}\n`
        : `  - ${c.userPrincipalName}: NOT DELIVERED (${c.note}); ${c.whatToDo ?? ''}\n`);
    }
  }
  const counts = new Map<string, number>();
  for (const s of outcome.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const next = outcome.status === 'complete' ? '' : outcome.status === 'incomplete'
    ? `; see \`rewind audit ${outcome.restoreId}\`${failed.length || blocked.length ? `, and run \`rewind restore --plan ${outcome.restoreId} --break-glass --reason "…"\` again to retry what failed` : ''}`
    : '';
  parts.push(`\nStatus: ${outcome.status.toUpperCase()} (${plural(outcome.steps.length, 'step')}${summary ? `: ${summary}` : ''}; ${plural(outcome.skips.length, 'skip')})${next}\n`);
  parts.push(`Undo it with \`rewind undo ${outcome.restoreId}\`.\n`);
  return parts.join('');
}

const RULE = '='.repeat(72);

/** The one place a credential is written: stdout, once, marked. */
export function secretBlock(secrets: DeliveredSecret[]): string {
  const lines = [RULE, 'CREDENTIAL — shown once: rewind stores and logs it nowhere and cannot show it again', RULE];
  for (const s of secrets) {
    lines.push(`user      ${s.userPrincipalName} (${s.userId})`);
    if (s.kind === 'password') lines.push(`password  ${s.value}`, '          (a temporary password: the user must change it at the first sign-in)');
    else lines.push(`Temporary Access Pass  ${s.value}`, `          (usable once${s.lifetimeInMinutes !== undefined ? `, valid ${s.lifetimeInMinutes} minutes` : ''})`);
  }
  lines.push('Give it to the user over a trusted channel.', RULE);
  return `${lines.join('\n')}\n`;
}

function needsReapproval(ctx: CommandContext<'restore'>, approved: RestorePlan, fresh: RestorePlan): number {
  const { output, options } = ctx;
  if (options.global.json) {
    output.stdout(json({
      restoreId: options.restoreId, status: 'needsReapproval', approvedPlanHash: approved.hash, newPlanHash: fresh.hash,
      approvedCounts: approved.counts, newCounts: fresh.counts, newSkips: fresh.skips, exitCode: ExitCode.needsReapproval,
    }));
  } else {
    const actions = (plan: RestorePlan) => Object.entries(plan.counts.byAction).sort(([a], [b]) => a.localeCompare(b)).map(([a, n]) => `${a} ${n}`).join(', ') || 'none';
    output.stdout([
      `Restore ${options.restoreId} was not run: the tenant changed since it was planned, so the plan would change.`, '',
      fields([
        ['planned', `${plural(approved.counts.steps, 'step')} (${actions(approved)}), ${plural(approved.counts.skips, 'skip')}, hash ${approved.hash.slice(0, 12)}…`],
        ['now', `${plural(fresh.counts.steps, 'step')} (${actions(fresh)}), ${plural(fresh.counts.skips, 'skip')}, hash ${fresh.hash.slice(0, 12)}…`],
      ]).trimEnd(),
      ...(fresh.skips.length ? ['', 'Skips now:', ...fresh.skips.map((s) => `  - ${s.reason} (${s.objectId}): ${s.detail}`)] : []),
      '', 'needs re-approval: run `rewind plan restore` again', '',
    ].join('\n'));
  }
  output.stderr(`rewind: restore ${options.restoreId} needs re-approval: run \`rewind plan restore\` again\n`);
  return ExitCode.needsReapproval;
}
