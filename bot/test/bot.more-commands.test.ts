/**
 * The commands and card actions not covered by the approval flow tests: `backup now`, `undo <restoreId>` (typed and
 * from the result card), `memberships <name> [at <date>]`, `diff user`, `diff role … [since …]`,
 * `set summary channel`, and picking another version on the object card. Each test checks the card that comes back
 * and the effect in the store or the tenant.
 */
import { DEMO_BOB_ID, DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, ROLE_TEMPLATE } from '../../graph-simulator/src';
import { RestoreRecords, SnapshotQueries } from '../../backup-engine/src';
import type { AdaptiveCard } from '../../cards/render';
import { Verbs } from '../../cards/verbs';
import { formatWhen } from '../src/rewind-service';
import { BotHarness, OPS_CHANNEL, PEOPLE, actionsOf, clickData, personal, startBotHarness, textOf } from './support/bot-harness';

const RESTORE_ID_IN_TEXT = /r-\d{8}-\d{6}-[0-9a-f]{6}/g;

/** The rows of the object card's relationship sections: [status, name]. */
function relationRows(card: AdaptiveCard | undefined): { status: string; name: string }[] {
  const rows: { status: string; name: string }[] = [];
  const prefixes: Record<string, string> = { 'in both · ': 'same', 'only in the backup · ': 'onlyThen', 'only today · ': 'onlyNow' };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'RichTextBlock' && Array.isArray(record.inlines)) {
      const inlines = record.inlines as { text?: string }[];
      const status = prefixes[inlines[0]?.text ?? ''];
      if (status && inlines[1]?.text) rows.push({ status, name: inlines[1].text });
    }
    Object.values(record).forEach(visit);
  };
  visit(card);
  return rows;
}

const snapshotsOf = (h: BotHarness) => new SnapshotQueries(h.store, h.engine.tenantId).listSnapshots();

describe('when people use the read-only and channel commands', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('when a helpdesk user types backup now, then the bot says it started, posts the summary of a new snapshot, and others are refused', async () => {
    const before = await snapshotsOf(h);
    const refused = await h.say(PEOPLE.patti, 'backup now');
    expect(textOf(refused.cards[0])).toMatch(/Not allowed/);
    expect(textOf(refused.cards[0])).toMatch(/helpdesk group can start a backup/);
    await h.bot.whenIdle();
    expect(await snapshotsOf(h)).toHaveLength(before.length);

    const said = await h.say(PEOPLE.alex, 'backup now');
    expect(said.activities[0].text).toMatch(/Backup started/);
    expect(said.cards).toHaveLength(0);
    expect(h.bot.pendingExecutions.size).toBe(1);
    await h.bot.whenIdle();

    const after = await snapshotsOf(h);
    expect(after).toHaveLength(before.length + 1);
    const newest = after.at(-1)!;
    expect(before.map((s) => s.id)).not.toContain(newest.id);
    const posted = h.drain();
    expect(posted.cards).toHaveLength(1);
    expect(posted.activities[0].conversation?.id).toBe(personal(PEOPLE.alex).id);
    expect(textOf(posted.cards[0])).toContain(newest.id);
    expect(textOf(posted.cards[0])).toMatch(/Backup/);
  });

  it('when a security lead types set summary channel in a channel, then it is stored as the summary channel; others are refused', async () => {
    for (const who of [PEOPLE.alex, PEOPLE.patti]) {
      const refused = await h.say(who, 'set summary channel', OPS_CHANNEL);
      expect(textOf(refused.cards[0])).toMatch(/Not allowed/);
      expect(textOf(refused.cards[0])).toMatch(/security leads group/);
    }
    expect(await h.service.records.channel('summary')).toBeUndefined();

    const said = await h.say(PEOPLE.megan, 'set summary channel', OPS_CHANNEL);
    expect(said.activities[0].text).toMatch(/daily backup summary will be posted here/);
    const stored = await h.service.records.channel('summary');
    expect((stored?.conversation as { id?: string } | undefined)?.id).toBe(OPS_CHANNEL.id);
    // Only the summary channel: approvals still go where they are requested.
    expect(await h.service.records.channel('approvals')).toBeUndefined();
  });

  it('when someone types diff user, then the object card shows what changed on the user since the last backup', async () => {
    h.engine.simulator.directory.updateUser(DEMO_BOB_ID, { jobTitle: 'Chief Rewinder' });
    const said = await h.say(PEOPLE.isaiah, 'diff user bob');
    expect(said.cards).toHaveLength(1);
    const card = textOf(said.cards[0]);
    expect(card).toContain('Bob Kelly');
    expect(card).toMatch(/"text":"jobTitle: "/);
    expect(card).toContain('Chief Rewinder');
    expect(textOf((await h.say(PEOPLE.isaiah, 'diff user zzzqqq')).cards[0])).toMatch(/No user found/);
  });

  it('when someone picks another version on the object card, then that version is shown and compared with today', async () => {
    const d = h.engine.simulator.directory;
    const [first] = await snapshotsOf(h);
    const oldTitle = String((await new SnapshotQueries(h.store, h.engine.tenantId).objectAt('user', DEMO_BOB_ID, first.id))?.body.jobTitle);
    expect(oldTitle).not.toBe('Chief Rewinder');
    await h.engine.backup(); // bob's new job title is a second version
    const snapshots = await snapshotsOf(h);
    const said = await h.say(PEOPLE.alex, 'versions user bob');
    const versionButtons = actionsOf(said.cards[0]).filter((a) => a.verb === Verbs.chooseVersion);
    expect(versionButtons).toHaveLength(1); // the older version; the newest is shown
    expect(textOf(said.cards[0])).toMatch(/changed: jobTitle/);
    const older = versionButtons[0].data;
    expect(older).toMatchObject({ kind: 'user', objectId: DEMO_BOB_ID });
    expect(snapshots.map((s) => s.id)).toContain(older.snapshotId);

    const picked = await h.invoke(PEOPLE.alex, Verbs.chooseVersion, older, personal(PEOPLE.alex));
    expect(picked.invokeStatus).toBe(200);
    const card = picked.invokeCard!;
    // The older version is now the one shown; the newer one gets the View button.
    const selectedSnapshot = snapshots.find((s) => s.id === older.snapshotId)!;
    expect(textOf(card)).toContain(`the version of ${formatWhen(selectedSnapshot.completedAt)}`);
    const buttons = actionsOf(card).filter((a) => a.verb === Verbs.chooseVersion);
    expect(buttons).toHaveLength(1);
    expect(buttons[0].data.snapshotId).not.toBe(older.snapshotId);
    // Compared with today: the job title then and now.
    expect(textOf(card)).toMatch(/"text":"jobTitle: "/);
    expect(textOf(card)).toContain(oldTitle);
    expect(textOf(card)).toContain('Chief Rewinder');
    // Requesting from this card restores the chosen version.
    expect(clickData(card, Verbs.requestApproval).snapshotId).toBe(older.snapshotId);
    expect(d.getUser(DEMO_BOB_ID)?.props.jobTitle).toBe('Chief Rewinder'); // nothing written

    const forged = await h.invoke(PEOPLE.alex, Verbs.chooseVersion, { ...older, objectId: 'not-a-guid' });
    expect(textOf(forged.invokeCard)).toMatch(/cannot be used/);
  });

  it('when someone types memberships bob at the date of the first snapshot, then the card shows bob\'s groups at that time against today', async () => {
    const d = h.engine.simulator.directory;
    const [first] = await snapshotsOf(h);
    const groupsThen = [...d.memberOf(DEMO_BOB_ID).groups];
    // bob leaves a group he can be removed from, and joins one he was not in; then a backup.
    let left: string | undefined;
    for (const g of groupsThen) {
      try {
        d.removeMember(g, DEMO_BOB_ID);
        left = g;
        break;
      } catch {
        // dynamic or otherwise not removable: try the next
      }
    }
    expect(left).toBeDefined();
    const notJoinable = [...groupsThen, DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID];
    const joined = [...d.groups()].find((g) => !notJoinable.includes(g.id) && (() => {
      try {
        d.addMember(g.id, DEMO_BOB_ID);
        return true;
      } catch {
        return false;
      }
    })())!;
    expect(joined).toBeDefined();
    await h.engine.backup();
    const nameOf = (id: string) => String(d.getGroup(id)?.props.displayName);

    const at = await h.say(PEOPLE.isaiah, `memberships bob at ${first.completedAt}`);
    expect(at.cards).toHaveLength(1);
    const card = at.cards[0];
    expect(textOf(card)).toContain('Bob Kelly');
    expect(textOf(card)).toContain(`the version of ${formatWhen(first.completedAt)}`);
    const rows = relationRows(card);
    expect(rows).toContainEqual({ status: 'onlyThen', name: nameOf(left!) });
    expect(rows).toContainEqual({ status: 'onlyNow', name: nameOf(joined.id) });

    // Today (no date): the newest backup has the change, so nothing differs (differences are listed first).
    const todayCard = (await h.say(PEOPLE.isaiah, 'memberships bob')).cards[0];
    const today = relationRows(todayCard);
    expect(today).not.toContainEqual({ status: 'onlyThen', name: nameOf(left!) });
    expect(today).not.toContainEqual({ status: 'onlyNow', name: nameOf(joined.id) });
    expect(textOf(todayCard)).toMatch(/"text":"Group memberships".*?only in the backup 0 · only today 0/);
    expect(textOf((await h.say(PEOPLE.isaiah, 'memberships bob at yesterday')).cards[0])).toMatch(/not a date/);
    // A time before any backup is refused, not answered with the newest version.
    const tooEarly = textOf((await h.say(PEOPLE.isaiah, 'memberships bob at 1999-01-01')).cards[0]);
    expect(tooEarly).toMatch(/No backup at that time/);
    expect(tooEarly).toMatch(/no snapshot was completed by 1999-01-01/);
  });

  it('when a role assignment changed between backups, then diff role since 7d shows the added principal', async () => {
    const d = h.engine.simulator.directory;
    const before = await h.say(PEOPLE.isaiah, 'diff role "Helpdesk Administrator" since 7d');
    expect(textOf(before.cards[0])).toContain('Helpdesk Administrator');
    expect(textOf(before.cards[0])).not.toContain(PEOPLE.patti.name);

    d.createRoleAssignment({ roleDefinitionId: ROLE_TEMPLATE.helpdeskAdministrator, principalId: PEOPLE.patti.id, directoryScopeId: '/' });
    await h.engine.backup();
    const said = await h.say(PEOPLE.isaiah, 'diff role "Helpdesk Administrator" since 7d');
    expect(said.cards).toHaveLength(1);
    const card = textOf(said.cards[0]);
    expect(card).toContain('Helpdesk Administrator');
    expect(card).toContain(PEOPLE.patti.name);
    expect(card).toMatch(/"text":"Added"/);
    expect(card).not.toMatch(/"text":"Removed"/);
    // Helpdesk Administrator is a privileged role, and the card says so.
    expect(card).toContain('Privileged role');
    // Without since: against the backup before the last one, which also lacks Patti.
    expect(textOf((await h.say(PEOPLE.isaiah, 'diff role "Helpdesk Administrator"')).cards[0])).toContain(PEOPLE.patti.name);
    expect(textOf((await h.say(PEOPLE.isaiah, 'diff role "No Such Role Here"')).cards[0])).toMatch(/Unknown role/);
  });
});

describe('when a restore has run and someone asks to undo it', () => {
  let h: BotHarness;
  let restoreId: string;
  let resultCard: AdaptiveCard;
  beforeAll(async () => {
    h = await startBotHarness();
    h.engine.simulator.directory.deleteUser(DEMO_BOB_ID);
    const said = await h.say(PEOPLE.alex, 'restore user bob');
    const requested = await h.invoke(PEOPLE.alex, Verbs.requestApproval, clickData(said.cards[0], Verbs.requestApproval, { reason: 'INC-7' }), personal(PEOPLE.alex));
    restoreId = (textOf(requested.invokeCard).match(RESTORE_ID_IN_TEXT) ?? [''])[0];
    const approve = clickData((await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId: restoreId })).invokeCard!, Verbs.approve);
    await h.invoke(PEOPLE.megan, Verbs.approve, approve);
    await h.invoke(PEOPLE.adele, Verbs.approve, approve);
    await h.bot.whenIdle();
    const results = h.drain().cards.filter((c) => actionsOf(c).some((a) => a.verb === Verbs.undo));
    expect(results.length).toBeGreaterThan(0);
    resultCard = results[0];
    expect(h.engine.simulator.directory.getLive(DEMO_BOB_ID)).toBeDefined();
  });
  afterAll(async () => {
    await h.close();
  });

  /** The undo requests stored for the restore, newest last. */
  async function undoRequests(): Promise<string[]> {
    const records = new RestoreRecords(h.store, h.engine.tenantId);
    const trail = await records.auditTrail();
    const ids = [...new Set(trail.map((e) => e.restoreId))].filter((id) => id !== restoreId);
    const found: string[] = [];
    for (const id of ids) if ((await records.readRequest(id))?.undoes === restoreId) found.push(id);
    return found;
  }

  it('when a helpdesk user types undo <restoreId>, then an undo request is posted for approval and nothing is undone yet; others are refused', async () => {
    expect(textOf(resultCard)).toContain(`undo ${restoreId}`);
    const refused = await h.say(PEOPLE.patti, `undo ${restoreId}`);
    expect(textOf(refused.cards[0])).toMatch(/Not allowed/);
    expect(textOf(refused.cards[0])).toMatch(/helpdesk group can plan an undo/);
    expect(await undoRequests()).toHaveLength(0);
    expect(textOf((await h.say(PEOPLE.alex, 'undo r-20990101-000000-abcdef')).cards[0])).toMatch(/Cannot undo/);

    const said = await h.say(PEOPLE.alex, `undo ${restoreId}`);
    expect(said.cards).toHaveLength(1);
    const card = textOf(said.cards[0]);
    expect(card).toContain(`Undo of ${restoreId}`);
    const undoIds = await undoRequests();
    expect(undoIds).toHaveLength(1);
    expect(card).toContain(undoIds[0]);
    const records = new RestoreRecords(h.store, h.engine.tenantId);
    const approval = (await records.readApproval(undoIds[0]))!.document;
    expect(approval.status).toBe('pending');
    expect(approval.decisions).toHaveLength(0);
    expect(approval.requiredApprovals).toBeGreaterThanOrEqual(1);
    // A lead's refresh offers Approve; the requester's does not.
    expect(actionsOf((await h.invoke(PEOPLE.megan, Verbs.refreshApproval, { requestId: undoIds[0] })).invokeCard!).map((a) => a.verb)).toContain(Verbs.approve);
    expect(actionsOf((await h.invoke(PEOPLE.alex, Verbs.refreshApproval, { requestId: undoIds[0] })).invokeCard!).map((a) => a.verb)).not.toContain(Verbs.approve);
    expect(h.bot.pendingExecutions.size).toBe(0);
    expect(h.engine.simulator.directory.getLive(DEMO_BOB_ID)).toBeDefined();
  });

  it('when someone presses Undo on the result card, then an undo request is posted for approval; others and forged ids are refused', async () => {
    const data = clickData(resultCard, Verbs.undo);
    expect(data.restoreId).toBe(restoreId);
    const already = await undoRequests();

    const refused = await h.invoke(PEOPLE.patti, Verbs.undo, data);
    expect(textOf(refused.invokeCard)).toMatch(/Not allowed/);
    const forged = await h.invoke(PEOPLE.alex, Verbs.undo, { restoreId: '../etc' });
    expect(textOf(forged.invokeCard)).toMatch(/cannot be used/);
    expect(await undoRequests()).toHaveLength(already.length);

    const pressed = await h.invoke(PEOPLE.alex, Verbs.undo, data);
    expect(pressed.invokeStatus).toBe(200);
    expect(textOf(pressed.invokeCard)).toMatch(/The undo was sent for approval as r-/);
    expect(actionsOf(pressed.invokeCard!).map((a) => a.verb)).not.toContain(Verbs.approve);
    const now = await undoRequests();
    expect(now).toHaveLength(already.length + 1);
    const fresh = now.find((id) => !already.includes(id))!;
    expect(textOf(pressed.invokeCard)).toContain(fresh);
    // The shared approval card was posted to the conversation of the press.
    expect(pressed.cards.some((c) => textOf(c).includes(fresh))).toBe(true);
    const approval = (await new RestoreRecords(h.store, h.engine.tenantId).readApproval(fresh))!.document;
    expect(approval.status).toBe('pending');
  });
});

describe('when someone types a role name too short to look up', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(['diff role ボブ', 'diff role *', 'versions user ab'])('then "%s" answers a refusal and logs nothing (no stack, no typed text)', async (command) => {
    const card = textOf((await h.say(PEOPLE.isaiah, command)).cards[0]);
    expect(card).toMatch(/Name too short|at least 3/);
    expect(card).not.toMatch(/Something went wrong/);
    expect(h.logs).toEqual([]);
  });
});
