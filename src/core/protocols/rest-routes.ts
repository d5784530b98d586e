import type { HttpRequest } from '../http/types.js';
import type { ServiceModel } from '../model/types.js';

/** One compiled `http.requestUri` template of a REST operation, e.g. `/2015-03-31/functions/{FunctionName}/invocations`. */
interface Route {
  operation: string;
  method: string;
  /** Literal or label per path segment; a greedy label (`{Key+}`) matches the rest of the path. */
  segments: ({ literal: string } | { label: string; greedy: boolean })[];
  /** Query literals the URI requires (`?find=LayerVersion`, `?List=ALL`, `?acl`). */
  query: [string, string | undefined][];
  /** Specificity: more literal segments and query literals win over labels. */
  score: number;
}

export interface RouteMatch {
  operation: string;
  /** Raw (still percent-encoded) label values by label name. */
  labels: Record<string, string>;
}

/** A model's routes, most specific first, and bucketed by the literal first path segment. */
interface RouteTable {
  /** Routes a path with this first segment can match (that literal, or a label, first). */
  byFirst: Map<string, Route[]>;
  /** Routes a path whose first segment no route names literally can match. */
  rest: Route[];
}

const cache = new WeakMap<ServiceModel, RouteTable>();

function table(model: ServiceModel): RouteTable {
  let t = cache.get(model);
  if (t) return t;
  const routes = compile(model);
  const first = (r: Route) => r.segments[0];
  const rest = routes.filter((r) => !first(r) || !('literal' in first(r)!));
  const byFirst = new Map<string, Route[]>();
  for (const r of routes) {
    const seg = first(r);
    if (seg && 'literal' in seg && !byFirst.has(seg.literal))
      byFirst.set(
        seg.literal,
        routes.filter(
          (x) =>
            x === r ||
            !first(x) ||
            !('literal' in first(x)!) ||
            (first(x) as { literal: string }).literal === seg.literal,
        ),
      );
  }
  t = { byFirst, rest };
  cache.set(model, t);
  return t;
}

function compile(model: ServiceModel): Route[] {
  const routes: Route[] = [];
  for (const [operation, op] of Object.entries(model.operations)) {
    if (!op.http) continue;
    const [pathPart = '/', queryPart] = op.http.requestUri.split('?', 2);
    const segments = pathPart
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => {
        const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
        return m ? { label: m[1]!, greedy: m[2] === '+' } : { literal: s };
      });
    const query: [string, string | undefined][] = [];
    if (queryPart) {
      for (const kv of queryPart.split('&')) {
        const eq = kv.indexOf('=');
        query.push(eq < 0 ? [kv, undefined] : [kv.slice(0, eq), kv.slice(eq + 1)]);
      }
    }
    const literals = segments.filter((s) => 'literal' in s).length;
    routes.push({
      operation,
      method: op.http.method,
      segments,
      query,
      score: literals * 10 + segments.length + query.length * 100,
    });
  }
  routes.sort((a, b) => b.score - a.score);
  return routes;
}

/** The last match per request (routing and decoding both ask; the second answer is a lookup). */
const lastMatch = new WeakMap<object, { model: ServiceModel; match: RouteMatch | undefined }>();

type RoutedRequest = Pick<HttpRequest, 'method' | 'rawPath' | 'query'>;

/** The REST operation whose method and URI template match the request, with its path labels. */
export function matchRoute(model: ServiceModel, req: RoutedRequest): RouteMatch | undefined {
  const last = lastMatch.get(req);
  if (last?.model === model) return last.match;
  const match = findRoute(model, req);
  lastMatch.set(req, { model, match });
  return match;
}

function findRoute(model: ServiceModel, req: RoutedRequest): RouteMatch | undefined {
  const t = table(model);
  const parts = req.rawPath.split('/').filter((s) => s.length > 0);
  const routes = (parts[0] !== undefined ? t.byFirst.get(parts[0]) : undefined) ?? t.rest;
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const labels = matchSegments(route, parts);
    if (!labels) continue;
    if (!route.query.every(([k, v]) => (v === undefined ? req.query.has(k) : req.query.get(k) === v))) continue;
    return { operation: route.operation, labels };
  }
  return undefined;
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const segs = route.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if ('literal' in seg) {
      if (parts[i] !== seg.literal) return undefined;
    } else if (seg.greedy) {
      if (i >= parts.length) return undefined;
      labels[seg.label] = parts.slice(i).join('/');
      return labels;
    } else {
      if (parts[i] === undefined) return undefined;
      labels[seg.label] = parts[i]!;
    }
  }
  return parts.length === segs.length ? labels : undefined;
}
