/**
 * The baseline the backup benchmark compares Rewind with: a reader that walks the directory the way EntraExporter
 * does — plain `fetch`, one request per object and one per relationship, strictly one request at a time, no delta,
 * no `$batch`, no `$select` — and honours `Retry-After` on 429.
 *
 * Order of reads:
 *   GET /users?$top=999 (paged) → per user: /users/{id}, /users/{id}/manager, /users/{id}/memberOf (paged)
 *   GET /groups?$top=999 (paged) → per group: /groups/{id}, /groups/{id}/members (paged), /groups/{id}/owners (paged)
 *   roleDefinitions, roleAssignments, directoryRoles → per role: members
 *   administrativeUnits (paged) → per unit: members (paged)
 *   subscribedSkus
 * It keeps what it reads only as a count of objects: the comparison is about what reading costs, not storing.
 */

type Json = Record<string, unknown>;

export interface BaselineResult {
  wallMs: number;
  requests: number;
  throttled: number;
  /** Sum of `x-ms-resource-unit` over successful responses (the simulator's stats are the authoritative count). */
  resourceUnits: number;
  objects: number;
  notFound: number;
}

export interface BaselineOptions {
  /** Simulator base URL, e.g. `http://127.0.0.1:PORT` (no `/v1.0`). */
  baseUrl: string;
  onProgress?: (message: string) => void;
  /** Give up on one request after this many 429s in a row. */
  maxRetries?: number;
}

export async function runBaselineReader(options: BaselineOptions): Promise<BaselineResult> {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/v1.0`;
  const maxRetries = options.maxRetries ?? 50;
  const result: BaselineResult = { wallMs: 0, requests: 0, throttled: 0, resourceUnits: 0, objects: 0, notFound: 0 };
  const started = performance.now();

  async function get(pathOrUrl: string): Promise<Json | undefined> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${root}${pathOrUrl}`;
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      result.requests++;
      if (response.status === 429 && attempt < maxRetries) {
        result.throttled++;
        await response.arrayBuffer();
        const seconds = Number(response.headers.get('Retry-After') ?? '1');
        await sleep((Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000);
        continue;
      }
      if (response.status === 404) {
        result.notFound++;
        await response.arrayBuffer();
        return undefined;
      }
      if (!response.ok) throw new Error(`baseline: GET ${url} answered ${response.status}: ${await response.text()}`);
      result.resourceUnits += Number(response.headers.get('x-ms-resource-unit') ?? '0') || 0;
      return (await response.json()) as Json;
    }
  }

  /** Every item of a collection, following `@odata.nextLink` one page at a time. */
  async function list(path: string): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const body = await get(next);
      if (!body) break;
      if (Array.isArray(body.value)) items.push(...(body.value as Json[]));
      next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    }
    result.objects += items.length;
    return items;
  }

  const idOf = (item: Json) => encodeURIComponent(String(item.id));

  const users = await list('/users?$top=999');
  for (const [index, user] of users.entries()) {
    if (await get(`/users/${idOf(user)}`)) result.objects++;
    if (await get(`/users/${idOf(user)}/manager`)) result.objects++;
    await list(`/users/${idOf(user)}/memberOf`);
    if ((index + 1) % 200 === 0) options.onProgress?.(`baseline: ${index + 1}/${users.length} users, ${result.requests} requests`);
  }
  const groups = await list('/groups?$top=999');
  for (const [index, group] of groups.entries()) {
    if (await get(`/groups/${idOf(group)}`)) result.objects++;
    await list(`/groups/${idOf(group)}/members`);
    await list(`/groups/${idOf(group)}/owners`);
    if ((index + 1) % 100 === 0) options.onProgress?.(`baseline: ${index + 1}/${groups.length} groups, ${result.requests} requests`);
  }
  await list('/roleManagement/directory/roleDefinitions');
  await list('/roleManagement/directory/roleAssignments');
  const roles = await list('/directoryRoles');
  for (const role of roles) await list(`/directoryRoles/${idOf(role)}/members`);
  const units = await list('/directory/administrativeUnits');
  for (const unit of units) await list(`/directory/administrativeUnits/${idOf(unit)}/members`);
  await list('/subscribedSkus');

  result.wallMs = Math.round(performance.now() - started);
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
