/**
 * `rewind audit [<restoreId>]`: the restore audit trail (time, restore, event, actor, key details), oldest first.
 * With a restore id: its request (requester, reason, ticket, plan), approval state (decisions, break-glass), the
 * journal's step statuses, its result, and its events. Read-only.
 */
import type { AuditEventDocument, JournalStepDocument, RestoreResultDocument } from '../../restore/records';
import { NO_RESTORE, RestoreRecords } from '../../restore/records';
import type { CommandContext } from '../context';
import { ExitCode, NotFoundError } from '../errors';
import { requesterText } from './restore';
import { compactJson, fields, formatTime, json, plural, table, truncate } from '../format';

export async function auditCommand(ctx: CommandContext<'audit'>): Promise<number> {
  const { engine, options, output } = ctx;
  const records = new RestoreRecords(engine.store, ctx.tenantId);
  const restoreId = options.restoreId;
  if (!restoreId) {
    const events = await records.auditTrail();
    if (options.global.json) {
      output.stdout(json({ tenantId: ctx.tenantId, events: events.map(eventJson) }));
      return ExitCode.ok;
    }
    if (!events.length) {
      output.stdout('No restores yet: plan one with `rewind plan restore`.\n');
      return ExitCode.ok;
    }
    output.stdout(eventTable(events, true));
    const refused = events.filter((e) => e.restoreId === NO_RESTORE).length;
    output.stdout(`\n${plural(events.length, 'event')} of ${plural(new Set(events.filter((e) => e.restoreId !== NO_RESTORE).map((e) => e.restoreId)).size, 'restore')}${refused ? ` (and ${plural(refused, 'Teams activity', 'Teams activities')} from another tenant refused, restore "-")` : ''}; details of one with \`rewind audit <restoreId>\`.\n`);
    return ExitCode.ok;
  }

  const request = await records.readRequest(restoreId);
  if (!request) throw new NotFoundError(`there is no restore ${restoreId}`, 'list restores with `rewind audit`');
  const approval = (await records.readApproval(restoreId))?.document;
  const journal = await records.readJournal(restoreId);
  const result = (await engine.store.read<RestoreResultDocument>('catalog', records.key(restoreId, 'result')))?.document;
  const events = await records.auditTrail(restoreId);
  const plan = request.plan;
  const steps = plan.steps.map((s) => {
    const entry: JournalStepDocument | undefined = journal.get(s.id);
    return {
      stepId: s.id, description: s.description, status: entry?.status ?? 'notRun',
      ...(entry?.updatedAt ? { updatedAt: entry.updatedAt } : {}), ...(entry?.note ? { note: entry.note } : {}), ...(entry?.failure ? { failure: entry.failure } : {}),
    };
  });

  if (options.global.json) {
    output.stdout(json({
      restoreId,
      request: {
        requester: request.requester, reason: request.reason, ticket: request.ticket ?? null, createdAt: request.createdAt, undoes: request.undoes ?? null, plan,
      },
      approval: approval ? withoutStorage(approval) : null,
      result: result ? withoutStorage(result) : null,
      journal: steps,
      events: events.map(eventJson),
    }));
    return ExitCode.ok;
  }

  const requester = requesterText(request.requester);
  const source = plan.source.kind === 'snapshot' ? `snapshot ${plan.source.snapshotId}` : `undo of ${plan.source.restoreId}`;
  output.stdout(`Restore ${restoreId}${request.undoes ? ` (undoes ${request.undoes})` : ''}\n\nRequest\n`);
  output.stdout(fields([
    ['created', formatTime(request.createdAt)],
    ['requester', requester],
    ['reason', request.reason],
    ['ticket', request.ticket ?? null],
    ['source', source],
    ['targets', plan.targets.length > 10 ? plural(plan.targets.length, 'object') : plan.targets.map((t) => `${t.kind} ${t.displayName} (${t.id})`).join('\n')],
    ['plan', `${plural(plan.counts.steps, 'step')}, ${plural(plan.counts.skips, 'skip')}${plan.sensitivity.privileged ? ', privileged' : ''}; hash ${plan.hash}`],
  ], { indent: '  ' }));
  output.stdout('\nApproval\n');
  if (!approval) output.stdout('  (no approval record)\n');
  else {
    const decided = approval.decisions.filter((d) => d.decision === 'approve').length;
    output.stdout(fields([
      ['status', `${approval.status}${approval.status === 'pending' ? ` (${decided} of ${approval.requiredApprovals} approvals; expires ${formatTime(approval.expiresAt)})` : ''}`],
      ['decisions', approval.decisions.length ? approval.decisions.map((d) => `${formatTime(d.at)} ${d.decision} by ${d.displayName ?? d.objectId}${d.comment ? `: ${d.comment}` : ''}`).join('\n') : null],
      ...(approval.breakGlass ? [['break-glass', `${formatTime(approval.breakGlass.at)} by ${approval.breakGlass.by}: ${approval.breakGlass.reason}`] as [string, string]] : []),
      ...(approval.consumedAt ? [['started', formatTime(approval.consumedAt)] as [string, string]] : []),
    ], { indent: '  ' }));
  }
  if (result) {
    output.stdout(`\nResult\n${fields([['status', result.status], ['finished', formatTime(result.finishedAt)], ['steps', Object.entries(result.counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ') || '(none)'], ['skips', result.skips]], { indent: '  ' })}`);
  }
  output.stdout(`\nJournal (${steps.length} steps)\n`);
  output.stdout(steps.length ? table(['STEP', 'STATUS', 'DESCRIPTION', 'NOTE'], steps.map((s) => [
    s.stepId, s.status, truncate(s.description, 70),
    s.failure ? `${s.failure.statusCode ?? ''} ${s.failure.code ?? ''} ${s.failure.message}${s.failure.requestId ? ` (request-id ${s.failure.requestId})` : ''}`.trim() : s.note ?? '-',
  ]), { indent: '  ' }) : '  (none)\n');
  output.stdout(`\nEvents\n${events.length ? eventTable(events, false, '  ') : '  (none)\n'}`);
  return ExitCode.ok;
}

function eventTable(events: AuditEventDocument[], withRestore: boolean, indent = ''): string {
  return table(
    ['TIME', ...(withRestore ? ['RESTORE'] : []), 'EVENT', 'ACTOR', 'DETAILS'],
    events.map((e) => [formatTime(e.at), ...(withRestore ? [e.restoreId] : []), e.event, e.actor ?? '-', truncate(summarize(e), 100) || '-']),
    { indent },
  );
}

/** The details worth a glance, as `name=value`; lists by their length. */
export function summarize(event: AuditEventDocument): string {
  return Object.entries(event.detail)
    .filter(([name, value]) => value !== null && value !== undefined && name !== 'planHash' && name !== 'approvedHash' && name !== 'newHash')
    .map(([name, value]) => {
      if (Array.isArray(value)) return `${name}=${value.length}`;
      if (typeof value === 'string') return `${name}=${value.includes(' ') ? JSON.stringify(value) : value}`;
      if (typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== 0 && v !== null && v !== undefined);
        return `${name}={${entries.map(([k, v]) => `${k}:${typeof v === 'object' ? compactJson(v) : String(v)}`).join(',')}}`;
      }
      return `${name}=${String(value)}`;
    })
    .join(' ');
}

function eventJson(e: AuditEventDocument) {
  return { at: e.at, restoreId: e.restoreId, seq: e.seq, event: e.event, actor: e.actor ?? null, detail: e.detail };
}

function withoutStorage<T extends object>(document: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(document).filter(([name]) => !['id', 'pk', 'tenantId', 'type'].includes(name) && !name.startsWith('_')));
}
