/** Matches a method and path (below /v1.0) against the route table. */
import { Route, routes } from './routes';
import { isGuid } from './model/directory';

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'methodNotAllowed' }
  | { kind: 'notFound'; segment: string };

interface CompiledRoute {
  route: Route;
  segments: string[];
}

const compiled: CompiledRoute[] = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));

/**
 * Literal segments win over parameters (`/users/delta` before `/users/{id}`). A `{cast}` segment under
 * deletedItems only takes `microsoft.graph.*`; any other deletedItems segment is an id.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  let pathMatched = false;
  for (const candidate of compiled) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const pattern = candidate.segments[i];
      const actual = segments[i];
      if (pattern.startsWith('{')) {
        const name = pattern.slice(1, -1);
        if (name === 'cast' && !/^microsoft\.graph\./i.test(actual)) {
          ok = false;
          break;
        }
        if (name !== 'cast' && /^microsoft\.graph\./i.test(actual)) {
          ok = false;
          break;
        }
        params[name] = isGuid(actual) ? actual.toLowerCase() : actual;
      } else if (pattern.toLowerCase() === actual.toLowerCase()) {
        literals++;
      } else {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (candidate.route.method !== method) continue;
    if (!best || literals > best.literals) best = { route: candidate.route, params, literals };
  }
  if (best) return { kind: 'found', route: best.route, params: best.params };
  if (pathMatched) return { kind: 'methodNotAllowed' };
  return { kind: 'notFound', segment: firstUnknownSegment(segments) };
}

function firstUnknownSegment(segments: string[]): string {
  const known = new Set(compiled.flatMap((c) => c.segments.filter((s) => !s.startsWith('{')).map((s) => s.toLowerCase())));
  return segments.find((s) => !known.has(s.toLowerCase()) && !isGuid(s)) ?? segments[segments.length - 1] ?? '';
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
