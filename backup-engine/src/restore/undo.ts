/**
 * Undo of a restore: a new plan, made of the inverse of every step the restore actually changed (`done`; an
 * `alreadyDone` step changed nothing), in reverse order. "Before" values come from the plan, which was re-computed
 * against the live state captured just before the run (the drift check guarantees they are what the tenant held).
 * Objects the restore brought back or created are deleted again (to the recycle bin). Like any plan, an undo plan
 * needs approval before it runs.
 */
import { SnapshotStore } from '../ports/snapshot-store';
import { finishPlan } from './plan';
import { RestoreRecords } from './records';
import { ObjectRef, RestoreAction, RestorePlan, RestoreStep } from './types';

export class UndoUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndoUnavailableError';
  }
}

export async function planUndo(store: SnapshotStore, tenantId: string, restoreId: string, now: () => Date = () => new Date()): Promise<RestorePlan> {
  const records = new RestoreRecords(store, tenantId);
  const request = await records.readRequest(restoreId);
  if (!request) throw new UndoUnavailableError(`there is no restore ${restoreId}`);
  const capture = await store.read('catalog', records.key(restoreId, 'preRestore'));
  if (!capture) throw new UndoUnavailableError(`restore ${restoreId} never ran, so there is nothing to undo`);
  const journal = await records.readJournal(restoreId);
  const plan = request.plan;
  const resolve = (ref: ObjectRef): ObjectRef => ('createdBy' in ref ? { id: journal.get(ref.createdBy)?.createdId ?? '' } : ref);
  const inverses: { action: RestoreAction; description: string }[] = [];
  for (const step of [...plan.steps].reverse()) {
    const entry = journal.get(step.id);
    // `done` changed the tenant; so did a create adopted after an interruption (`alreadyDone` with the id it made:
    // the interrupted attempt of this restore created it).
    const createdHere = (step.action.type === 'createUser' || step.action.type === 'createGroup') && entry?.status === 'alreadyDone' && !!entry.createdId;
    if (entry?.status !== 'done' && !createdHere) continue;
    const inverse = invert(step, resolve, journal.get(step.id)?.createdId);
    if (inverse) inverses.push(inverse);
  }
  const steps: RestoreStep[] = inverses.map((inverse, i) => ({ id: `s${String(i + 1).padStart(3, '0')}`, action: inverse.action, description: inverse.description, dependsOn: [] }));
  const byAction: Record<string, number> = {};
  for (const step of steps) byAction[step.action.type] = (byAction[step.action.type] ?? 0) + 1;
  return finishPlan({
    formatVersion: 1, tenantId, source: { kind: 'undo', restoreId, at: now().toISOString() }, targets: plan.targets, options: plan.options,
    steps, skips: [], warnings: [`Undo returns what restore ${restoreId} changed to the state captured just before it ran; changes made by others since then to the same attributes and links are overwritten`],
    sensitivity: { privileged: plan.sensitivity.privileged, reasons: plan.sensitivity.reasons.map((r) => `the restore it undoes was privileged: ${r}`) },
    counts: { steps: steps.length, skips: 0, byAction }, incomplete: false,
  });
}

function invert(step: RestoreStep, resolve: (ref: ObjectRef) => ObjectRef, createdId: string | undefined): { action: RestoreAction; description: string } | undefined {
  const undo = (description: string) => `Undo: ${description.charAt(0).toLowerCase()}${description.slice(1)}`;
  const a = step.action;
  switch (a.type) {
    case 'restoreFromRecycleBin':
      return { action: { type: 'deleteObject', kind: a.kind, object: { id: a.objectId } }, description: undo(`${step.description} — delete it again`) };
    case 'createUser':
    case 'createGroup':
      if (!createdId) return undefined;
      return { action: { type: 'deleteObject', kind: a.type === 'createUser' ? 'user' : 'group', object: { id: createdId } }, description: undo(`${step.description} — delete the created object`) };
    case 'updateAttributes':
      return { action: { type: 'updateAttributes', kind: a.kind, object: resolve(a.object), changes: a.changes.map((c) => ({ name: c.name, before: c.after, after: c.before })) }, description: undo(step.description) };
    case 'addLink':
      return { action: { type: 'removeLink', relation: a.relation, owner: resolve(a.owner), target: resolve(a.target) }, description: undo(step.description) };
    case 'removeLink':
      return { action: { type: 'addLink', relation: a.relation, owner: resolve(a.owner), target: resolve(a.target) }, description: undo(step.description) };
    case 'setManager': {
      const manager = resolve(a.manager);
      if (a.before) return { action: { type: 'setManager', user: resolve(a.user), manager: { id: a.before }, before: 'id' in manager ? manager.id : null }, description: undo(step.description) };
      return { action: { type: 'removeManager', user: resolve(a.user), before: 'id' in manager ? manager.id : '' }, description: undo(step.description) };
    }
    case 'removeManager':
      return { action: { type: 'setManager', user: resolve(a.user), manager: { id: a.before }, before: null }, description: undo(step.description) };
    case 'addRoleAssignment':
      return { action: { type: 'removeRoleAssignment', roleDefinitionId: a.roleDefinitionId, principal: resolve(a.principal), directoryScopeId: a.directoryScopeId }, description: undo(step.description) };
    case 'removeRoleAssignment':
      return { action: { type: 'addRoleAssignment', roleDefinitionId: a.roleDefinitionId, principal: resolve(a.principal), directoryScopeId: a.directoryScopeId }, description: undo(step.description) };
    case 'assignLicenses':
      return { action: { type: 'removeLicenses', user: resolve(a.user), remove: a.add }, description: undo(step.description) };
    case 'removeLicenses':
      return { action: { type: 'assignLicenses', user: resolve(a.user), add: a.remove }, description: undo(step.description) };
    case 'deleteObject':
      return { action: { type: 'restoreFromRecycleBin', kind: a.kind, objectId: 'id' in a.object ? a.object.id : '' }, description: undo(step.description) };
    case 'issueCredential':
      return undefined;
  }
}
