/**
 * Measures building the large seeded tenant: `node --expose-gc -r ts-node/register/transpile-only scripts/measure-large-seed.ts [users]`.
 * Prints one JSON line (counts, build time, RSS and heap after GC) and the SKU seat usage.
 */
import { SimClock } from '../graph-simulator/src/model/clock';
import { buildTenant } from '../graph-simulator/src/seed';
const n = Number(process.argv[2] ?? 100000);
const clock = new SimClock(() => Date.UTC(2026, 10, 25, 12));
const t0 = Date.now();
const d = buildTenant({ tenant: 'large', users: n }, clock);
const ms = Date.now() - t0;
global.gc?.();
const mem = process.memoryUsage();
console.log(JSON.stringify({ users: d.userCount, groups: d.groupCount, memberLinks: d.linkCount(), ownerLinks: d.owners.size, roles: d.directoryRoles.size, assignments: d.roleAssignments.size, deletedUsers: d.deletedItems('user').length, deletedGroups: d.deletedItems('group').length, buildMs: ms, rssMiB: Math.round(mem.rss / 2 ** 20), heapMiB: Math.round(mem.heapUsed / 2 ** 20) }));
for (const s of d.skus.values()) console.log(s.skuPartNumber, s.enabledUnits, d.consumedUnits(s.skuId));
