/**
 * The simulator through the real Microsoft Graph JavaScript SDK: the client Rewind's engine is built on must page,
 * retry, batch and follow delta against it exactly as it would against graph.microsoft.com.
 */
import { BatchRequestContent, BatchResponseContent, GraphError, PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { GRAPH_ORIGIN, SimulatorFixture, startSimulator } from './support/fixture';

interface UserRow {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  jobTitle?: string | null;
  '@removed'?: { reason: string };
}

let fx: SimulatorFixture;
let domain: string;

beforeAll(async () => {
  fx = await startSimulator({ tenant: 'demo' });
  domain = fx.simulator.directory.domains[0];
});
afterAll(() => fx.close());
beforeEach(() => fx.simulator.setFaults([]));

async function createUser(nickname: string, displayName = nickname): Promise<UserRow> {
  return (await fx.graph.api('/users').post({
    accountEnabled: true,
    displayName,
    mailNickname: nickname.replace(/[^A-Za-z0-9]/g, ''),
    userPrincipalName: `${nickname}@${domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: 'Sim-Pa55word!x' },
  })) as UserRow;
}

describe('paging with PageIterator', () => {
  it('visits every user exactly once across $top pages, matching $count', async () => {
    const first = (await fx.graph.api('/users').top(37).select(['id', 'displayName']).get()) as PageCollection;
    expect(first.value).toHaveLength(37);
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/users\?.*\$skiptoken=/);
    const ids: string[] = [];
    await new PageIterator(fx.graph, first, (user: UserRow) => {
      ids.push(user.id);
      return true;
    }).iterate();
    const count = (await fx.graph.api('/users/$count').header('ConsistencyLevel', 'eventual').get()) as string | number;
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(Number(count));
    expect(ids.length).toBe(fx.simulator.directory.userCount);
  });

  it('projects $select and names the projection in @odata.context', async () => {
    const page = (await fx.graph.api('/users').select(['id', 'userPrincipalName']).top(2).get()) as PageCollection;
    expect(page['@odata.context']).toMatch(/\$metadata#users\(id,userPrincipalName\)$/);
    for (const user of page.value) expect(Object.keys(user).sort()).toEqual(['id', 'userPrincipalName']);
  });
});

describe('errors surface as GraphError with Graph codes and request ids', () => {
  it('404 for an unknown user', async () => {
    const missing = '8c14a998-3c8d-4c52-ad09-c9032671ea31';
    const error = (await fx.graph.api(`/users/${missing}`).get().catch((e: unknown) => e)) as GraphError;
    expect(error).toBeInstanceOf(GraphError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('Request_ResourceNotFound');
    expect(error.message).toBe(`Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('400 for an unsupported $filter operator outside advanced queries', async () => {
    const error = (await fx.graph.api('/users').filter("endswith(mail,'@x.example')").get().catch((e: unknown) => e)) as GraphError;
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('Request_UnsupportedQuery');
  });
});

describe('$filter string literals', () => {
  it("finds a value with a quote when it is doubled, and rejects the unescaped form", async () => {
    const created = await createUser("dana.o'neil", "Dana O'Neil");
    const escaped = `userPrincipalName eq 'dana.o''neil@${domain}'`;
    const found = (await fx.graph.api('/users').filter(escaped).select(['id']).get()) as PageCollection;
    expect(found.value.map((u: UserRow) => u.id)).toEqual([created.id]);
    const error = (await fx.graph.api('/users').filter(`userPrincipalName eq 'dana.o'neil@${domain}'`).get().catch((e: unknown) => e)) as GraphError;
    expect(error.statusCode).toBe(400);
    const byName = (await fx.graph.api('/users').filter("startswith(displayName,'dana o''')").get()) as PageCollection;
    expect(byName.value.map((u: UserRow) => u.id)).toEqual([created.id]);
  });
});

describe('RetryHandler honours Retry-After', () => {
  it('retries two 429s after the advertised delay and then succeeds', async () => {
    const user = await createUser('retry.target');
    fx.simulator.setFaults([{ method: 'GET', path: `^/users/${user.id}$`, status: 429, retryAfterSeconds: 1, times: 2 }]);
    const before = fx.simulator.stats().faultsInjected;
    const started = Date.now();
    const got = (await fx.graph.api(`/users/${user.id}`).get()) as UserRow;
    expect(got.id).toBe(user.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(fx.simulator.stats().faultsInjected - before).toBe(2);
  });

  it('gives up with the 503 after its retries are spent', async () => {
    const user = await createUser('retry.exhausted');
    fx.simulator.setFaults([{ method: 'GET', path: `^/users/${user.id}$`, status: 503, retryAfterSeconds: 0 }]);
    const error = (await fx.graph.api(`/users/${user.id}`).get().catch((e: unknown) => e)) as GraphError;
    expect(error.statusCode).toBe(503);
  });
});

describe('$batch through BatchRequestContent', () => {
  it('runs a serial chain in order and answers 424 for the steps after a failure', async () => {
    const user = await createUser('batch.member');
    // The SDK accepts only parallel, serial or same-dependency batches; this one is serial.
    const batch = new BatchRequestContent([
      {
        id: '1',
        request: new Request(`${GRAPH_ORIGIN}/v1.0/groups`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ displayName: 'Batch Group', mailEnabled: false, mailNickname: 'batchgroup', securityEnabled: true }),
        }),
      },
      { id: '2', request: new Request(`${GRAPH_ORIGIN}/v1.0/users/${user.id}?$select=id`, { method: 'GET' }), dependsOn: ['1'] },
      { id: '3', request: new Request(`${GRAPH_ORIGIN}/v1.0/users/00000000-0000-0000-0000-000000000000`, { method: 'GET' }), dependsOn: ['2'] },
      { id: '4', request: new Request(`${GRAPH_ORIGIN}/v1.0/users/${user.id}`, { method: 'GET' }), dependsOn: ['3'] },
    ]);
    const raw = (await fx.graph.api('/$batch').post(await batch.getContent())) as { responses: unknown[] };
    const responses = new BatchResponseContent(raw as never);
    expect(responses.getResponseById('1').status).toBe(201);
    expect(responses.getResponseById('2').status).toBe(200);
    expect(responses.getResponseById('3').status).toBe(404);
    expect(responses.getResponseById('4').status).toBe(424);
    expect(responses.getResponseById('1').headers.get('x-ms-resource-unit')).toMatch(/^\d+$/);
  });
});

describe('delta rounds through the SDK', () => {
  async function drain(start: string): Promise<{ items: UserRow[]; deltaLink: string }> {
    const items: UserRow[] = [];
    let page = (await fx.graph.api(start).get()) as PageCollection & { '@odata.deltaLink'?: string };
    for (;;) {
      items.push(...(page.value as UserRow[]));
      expect(page['@odata.nextLink'] && page['@odata.deltaLink']).toBeFalsy();
      if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'] };
      page = (await fx.graph.api(page['@odata.nextLink'] as string).get()) as typeof page;
    }
  }

  it('an initial round lists every user; the next round holds only what changed', async () => {
    const initial = await drain('/users/delta?$select=id,displayName,jobTitle');
    expect(new Set(initial.items.map((u) => u.id)).size).toBe(fx.simulator.directory.userCount);
    const changed = await createUser('delta.changed');
    const doomed = await createUser('delta.doomed');
    const settled = await drain(initial.deltaLink);
    expect(settled.items.map((u) => u.id).sort()).toEqual([changed.id, doomed.id].sort());

    await fx.graph.api(`/users/${changed.id}`).patch({ jobTitle: 'Delta Analyst' });
    await fx.graph.api(`/users/${doomed.id}`).delete();
    const next = await drain(settled.deltaLink);
    const byId = new Map(next.items.map((u) => [u.id, u]));
    expect(byId.size).toBe(2);
    expect(byId.get(changed.id)?.jobTitle).toBe('Delta Analyst');
    // A soft-deleted user is reported as removed with reason "changed": it can still be restored (contract §3.2).
    expect(byId.get(doomed.id)?.['@removed']).toEqual({ reason: 'changed' });

    const quiet = await drain(next.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('splits a large member list across pages, repeating the group, at most 1,000 links a page', async () => {
    const directory = fx.simulator.directory;
    const group = directory.createGroup({ displayName: 'Everyone Big', mailEnabled: false, mailNickname: 'everyonebig', securityEnabled: true });
    const memberIds = Array.from({ length: 2500 }, (_, i) =>
      directory.createUser({ accountEnabled: true, displayName: `Bulk ${i}`, mailNickname: `bulk${i}`, userPrincipalName: `bulk${i}@${domain}`, passwordProfile: { password: 'Sim-Pa55word!x' } }).id,
    );
    for (const id of memberIds) directory.addMember(group.id, id);
    const seen: string[] = [];
    let pages = 0;
    let page = (await fx.graph.api(`/groups/delta?$select=displayName,members&$filter=id eq '${group.id}'`).get()) as PageCollection & { '@odata.deltaLink'?: string };
    for (;;) {
      pages++;
      for (const entry of page.value as { id: string; 'members@delta'?: { id: string }[] }[]) {
        expect(entry.id).toBe(group.id);
        expect((entry['members@delta'] ?? []).length).toBeLessThanOrEqual(1000);
        seen.push(...(entry['members@delta'] ?? []).map((m) => m.id));
      }
      if (page['@odata.deltaLink']) break;
      page = (await fx.graph.api(page['@odata.nextLink'] as string).get()) as typeof page;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual([...memberIds].sort());
  });

  it('reports added and removed members of a group with members@delta', async () => {
    const a = await createUser('delta.member.a');
    const b = await createUser('delta.member.b');
    const group = (await fx.graph.api('/groups').post({
      displayName: 'Delta Group', mailEnabled: false, mailNickname: 'deltagroup', securityEnabled: true,
      'members@odata.bind': [`${GRAPH_ORIGIN}/v1.0/directoryObjects/${a.id}`],
    })) as { id: string };
    const round = await drain(`/groups/delta?$select=displayName,members&$filter=id eq '${group.id}'`);
    expect(round.items).toHaveLength(1);
    await fx.graph.api(`/groups/${group.id}/members/$ref`).post({ '@odata.id': `${GRAPH_ORIGIN}/v1.0/directoryObjects/${b.id}` });
    await fx.graph.api(`/groups/${group.id}/members/${a.id}/$ref`).delete();
    const next = await drain(round.deltaLink);
    const entry = next.items.find((g) => g.id === group.id) as unknown as { 'members@delta': { id: string; '@removed'?: unknown; '@odata.type': string }[] };
    expect(entry['members@delta']).toEqual(expect.arrayContaining([
      { '@odata.type': '#microsoft.graph.user', id: b.id },
      { '@odata.type': '#microsoft.graph.user', id: a.id, '@removed': { reason: 'deleted' } },
    ]));
    expect(entry['members@delta']).toHaveLength(2);
  });
});
