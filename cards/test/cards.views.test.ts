import { renderCard, isCardRenderError, CardRenderError } from '../render';
import { ANY_SECURITY_LEAD, Verbs } from '../verbs';
import { LIMITS, shown } from '../view-models';
import { buildAlertCard, buildApprovalCard, buildChooserCard, buildCredentialCard, buildErrorCard, buildObjectCard, buildResultCard, maxApprovalCard } from './fixtures';
import { actionTitled, executeActions, nodesOf, ofType, textRuns, visibleText } from './inspect';

describe('approval card: one shared message, a view per viewer', () => {
  test('When the shared card is pending, then it is read-only and refreshes for the eligible approvers', () => {
    const card = renderCard('approval', buildApprovalCard({ view: { kind: 'shared', refreshUserIds: ['29:megan', '29:adele'] } }));

    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', title: 'Refresh', verb: Verbs.refreshApproval, data: { requestId: 'rst-20261122-0001' } },
      userIds: ['29:megan', '29:adele'],
    });
    expect(executeActions(card.body)).toEqual([]);
    expect(ofType(card, 'Input.Text')).toEqual([]);
  });

  test('When an approver asks for their view, then it has a comment and Approve / Reject carrying the request id and plan hash, and no refresh', () => {
    const model = buildApprovalCard({ view: { kind: 'approver' } });
    const card = renderCard('approval', model);

    expect(card.refresh).toBeUndefined();
    expect(ofType(card, 'Input.Text').map((input) => input.id)).toEqual(['comment']);
    expect(actionTitled(card, 'Approve')).toMatchObject({ verb: Verbs.approve, data: { requestId: model.requestId, planHash: model.plan.planHash } });
    expect(actionTitled(card, 'Reject')).toMatchObject({ verb: Verbs.reject, data: { requestId: model.requestId, planHash: model.plan.planHash } });
  });

  test('When anyone else asks for their view, then it shows why there are no buttons', () => {
    const card = renderCard('approval', buildApprovalCard({ view: { kind: 'readOnly', note: 'You asked for this restore, so someone else must approve it.' } }));

    expect(executeActions(card)).toEqual([]);
    expect(textRuns(card)).toContain('You asked for this restore, so someone else must approve it.');
  });

  test.each(['approved', 'rejected', 'running', 'complete', 'incomplete', 'failed', 'expired', 'superseded'] as const)(
    'When the request is %s, then no view has buttons and the shared card stops refreshing',
    (state) => {
      const shared = renderCard('approval', buildApprovalCard({ state, view: { kind: 'shared', refreshUserIds: ['29:megan'] } }));
      const approver = renderCard('approval', buildApprovalCard({ state, view: { kind: 'approver' } }));

      expect(shared.refresh).toBeUndefined();
      expect(executeActions(shared)).toEqual([]);
      expect(executeActions(approver)).toEqual([]);
    },
  );

  test('When there are no approvers left to refresh for, then the pending card has no refresh', () => {
    expect(renderCard('approval', buildApprovalCard({ view: { kind: 'shared', refreshUserIds: [] } })).refresh).toBeUndefined();
  });

  test('When more than 60 refresh user ids are given, then rendering fails and says how many', () => {
    const userIds = Array.from({ length: 61 }, (_, i) => `29:lead-${i}`);

    expect(() => renderCard('approval', buildApprovalCard({ view: { kind: 'shared', refreshUserIds: userIds } }))).toThrow(/card "approval": refresh has 61 user ids/);
  });

  test('When the plan has 140 steps and 55 skips, then the card shows the first 20 steps, 40 skips, every skip reason with its count, and "and N more"', () => {
    const card = renderCard('approval', maxApprovalCard());
    const text = visibleText(card);

    expect(text).toContain('…and 120 more steps');
    expect(text).toContain('…and 15 more skips (counted above)');
    expect(textRuns(card).filter((run) => run.startsWith('Add Bob Kelly to group'))).toHaveLength(LIMITS.approval.steps);
    expect(textRuns(card).filter((run) => run.startsWith('Membership of'))).toHaveLength(LIMITS.approval.skips);
    expect(textRuns(card).filter((run) => run === 'user principal name conflict')).toHaveLength(1);
  });

  test('When a privileged target has reasons, then the card says how many approvals it needs and why', () => {
    const card = renderCard('approval', maxApprovalCard());

    expect(visibleText(card)).toContain('Privileged target: 2 approvals from different security leads');
    expect(visibleText(card)).toContain('Approvals: 1 of 2');
  });
});

describe('object card', () => {
  test('When the card is rendered, then "Request approval" carries only the kind, object id and shown snapshot id', () => {
    const model = buildObjectCard();
    const card = renderCard('object', model);

    expect(actionTitled(card, 'Request approval')).toMatchObject({
      verb: Verbs.requestApproval,
      associatedInputs: 'auto',
      data: { kind: 'user', objectId: model.object.objectId, snapshotId: model.selected.snapshotId },
    });
  });

  test('When the card is rendered, then every version but the shown one has a View button that sends no inputs', () => {
    const card = renderCard('object', buildObjectCard());
    const views = executeActions(card).filter((action) => action.verb === Verbs.chooseVersion);

    expect(views.map((action) => (action.data as { snapshotId: string }).snapshotId)).toEqual(['snap-2026-11-22-000', 'snap-2026-11-20-002']);
    expect(views.every((action) => action.associatedInputs === 'none')).toBe(true);
  });

  test('When the card is rendered, then the inputs are the option toggles, as-new, reason, ticket and approver', () => {
    const card = renderCard('object', buildObjectCard());
    const ids = nodesOf(card).filter((node) => String(node.type).startsWith('Input.')).map((node) => node.id);

    expect(ids).toEqual(['withObject', 'withMemberships', 'withOwnerships', 'withRoleAssignments', 'withManager', 'withLicenses', 'asNew', 'newUserPrincipalName', 'reason', 'ticket', 'approver']);
    expect(ofType(card, 'Input.Toggle').map((toggle) => toggle.value)).toEqual(['true', 'true', 'true', 'true', 'true', 'false', 'false']);
  });

  test('When the approver chooser is rendered, then "Any security lead" comes first, then the named leads', () => {
    const card = renderCard('object', buildObjectCard());
    const chooser = ofType(card, 'Input.ChoiceSet')[0];

    expect(chooser.value).toBe(ANY_SECURITY_LEAD);
    expect((chooser.choices as { value: string }[]).map((choice) => choice.value)).toEqual([ANY_SECURITY_LEAD, '3f1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8', '9e8d7c6b-5a49-4382-7160-5f4e3d2c1b0a']);
  });

  test('When the object cannot be restored from chat, then there are no inputs and no request button, and the card says why', () => {
    const card = renderCard('object', buildObjectCard({ canRequest: false, cannotRequestReason: 'Bob is synced from on-premises Active Directory: restore him there.' }));

    expect(actionTitled(card, 'Request approval')).toBeUndefined();
    expect(ofType(card, 'Input.Text')).toEqual([]);
    expect(textRuns(card)).toContain('Bob is synced from on-premises Active Directory: restore him there.');
  });
});

describe('result card', () => {
  test('When a restore created users, then each one\'s credential outcome is listed, undelivered ones marked, and no secret is on the card', () => {
    const card = renderCard('result', buildResultCard({
      credentials: shown([
        { userPrincipalName: 'bob@contoso.com', delivered: true, outcome: 'Temporary password, sent to Pat\'s personal chat with Rewind.' },
        { userPrincipalName: 'ann@contoso.com', delivered: false, outcome: 'It never reached anyone; run rewind restore again to issue a Temporary Access Pass.' },
      ], LIMITS.result.credentials),
    }));

    expect(textRuns(card)).toEqual(expect.arrayContaining(['bob@contoso.com: ', 'Temporary password, sent to Pat\'s personal chat with Rewind.', 'NOT DELIVERED. ']));
    expect(nodesOf(card).find((node) => node.id === 'credentialSecret')).toBeUndefined();
  });

  test('When no user was created, then there is no sign-in section', () => {
    expect(visibleText(renderCard('result', buildResultCard()))).not.toContain('Sign-in for created users');
  });
});

describe('credential card', () => {
  test('When the requester gets a credential, then it is hidden until shown', () => {
    const card = renderCard('credential', buildCredentialCard({ credential: { kind: 'temporaryAccessPass', userPrincipalName: 'bob@contoso.com', secret: 'Xk7#pQ2!', note: 'Valid for 60 minutes.' } }));
    const secretBlock = nodesOf(card).find((node) => node.id === 'credentialSecret');

    expect(secretBlock).toMatchObject({ isVisible: false, inlines: [{ text: 'Xk7#pQ2!' }] });
    expect(actionTitled(card, 'Show / hide')).toMatchObject({ type: 'Action.ToggleVisibility', targetElements: ['credentialSecret'] });
  });

  test('When undo is offered, then the button carries the restore id; when not, the note says why', () => {
    const offered = renderCard('result', buildResultCard());
    const notOffered = renderCard('result', buildResultCard({ undo: { offered: false, note: 'This restore was already undone.' } }));

    expect(actionTitled(offered, 'Undo this restore')).toMatchObject({ verb: Verbs.undo, data: { restoreId: 'rst-20261122-0001' } });
    expect(executeActions(notOffered)).toEqual([]);
    expect(textRuns(notOffered)).toContain('This restore was already undone.');
  });
});

describe('chooser and alert cards', () => {
  test('When several objects match, then each Choose button carries its kind, id, the purpose and the date', () => {
    const card = renderCard('chooser', buildChooserCard({ purpose: 'memberships', at: '2026-11-01' }));

    expect(executeActions(card).map((action) => action.data)).toEqual([
      { kind: 'user', objectId: '6a1b8c4e-2f3d-4e5a-9b7c-0d1e2f3a4b5c', purpose: 'memberships', at: '2026-11-01' },
      { kind: 'user', objectId: '7b2c9d5f-3a4e-4f6b-8c7d-1e2f3a4b5c6d', purpose: 'memberships', at: '2026-11-01' },
      { kind: 'group', objectId: '8c3d0e6a-4b5f-4a7c-9d8e-2f3a4b5c6d7e', purpose: 'memberships', at: '2026-11-01' },
    ]);
  });

  test('When an alert can be reviewed, then "Review and restore" carries only the alert id', () => {
    const card = renderCard('alert', buildAlertCard());

    expect(actionTitled(card, 'Review and restore')).toMatchObject({ verb: Verbs.reviewAlert, data: { alertId: 'alert-20261122-massdel-01' } });
    expect(visibleText(card)).toContain('…and 130 more');
  });
});

describe('renderCard refuses what it cannot render well', () => {
  test('When a list is longer than its limit, then renderCard cuts it and adds to "more"', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ number: i + 1, description: `step ${i + 1}` }));
    const model = buildApprovalCard();
    const card = renderCard('approval', { ...model, plan: { ...model.plan, steps: { items: rows, more: 5 } } });

    expect(textRuns(card).filter((run) => run.startsWith('step '))).toHaveLength(LIMITS.approval.steps);
    expect(visibleText(card)).toContain('…and 85 more steps');
  });

  test('When a field is undefined, then the error names the card and the field', () => {
    const model = buildErrorCard();

    expect(() => renderCard('error', { ...model, whatToDo: undefined as unknown as string })).toThrow('card "error": "whatToDo" is undefined');
  });

  test('When an id is absurdly long, then rendering fails instead of clipping it', () => {
    expect(() => renderCard('result', buildResultCard({ restoreId: 'r'.repeat(300) }))).toThrow(/card "result": "restoreId" is 300 characters long/);
  });

  test('When the card would exceed 28 KB, then the error names the card and its size', () => {
    const model = maxApprovalCard();
    const wide = { ...model, plan: { ...model.plan, skips: shown(model.plan.skips.items.map((skip) => ({ ...skip, detail: '🚀'.repeat(300) })), LIMITS.approval.skips) } };

    expect(() => renderCard('approval', wide)).toThrow(/^card "approval": the card is \d+ bytes, over the 28672-byte \(28 KB\) limit/);
  });

  test('When rendering fails, then the error is a CardRenderError that says which card', () => {
    let caught: unknown;
    try {
      renderCard('result', buildResultCard({ restoreId: 'r'.repeat(300) }));
    } catch (error) {
      caught = error;
    }

    expect(isCardRenderError(caught)).toBe(true);
    expect((caught as CardRenderError).card).toBe('result');
  });
});
