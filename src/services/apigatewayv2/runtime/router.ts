import type { Doc } from '../control/store.js';

type Seg = { literal: string } | { param: string };

interface Compiled {
  route: Doc;
  method: string;
  path: string;
  segs: Seg[];
  /** Name of the trailing greedy variable, if any. */
  greedy: string | undefined;
}

export interface Routed {
  route: Doc;
  /** `/pets/{id}` or `$default`. */
  resource: string;
  pathParameters: Record<string, string>;
}

/** An HTTP API's routes, matched as API Gateway does: full matches, then greedy, then `$default`. */
export class HttpRouter {
  private readonly exact: Compiled[] = [];
  private readonly greedy: Compiled[] = [];
  private readonly fallback: Doc | undefined;

  constructor(routes: readonly Doc[]) {
    let fallback: Doc | undefined;
    for (const route of routes) {
      const key = String(route['RouteKey']);
      if (key === '$default') {
        fallback = route;
        continue;
      }
      const sp = key.indexOf(' ');
      const method = key.slice(0, sp);
      const path = key.slice(sp + 1);
      const parts = path === '/' ? [] : path.slice(1).split('/');
      let greedy: string | undefined;
      const segs: Seg[] = [];
      for (const p of parts) {
        const g = /^\{(.+)\+\}$/.exec(p);
        if (g) greedy = g[1];
        else {
          const m = /^\{(.+)\}$/.exec(p);
          segs.push(m ? { param: m[1]! } : { literal: p });
        }
      }
      (greedy === undefined ? this.exact : this.greedy).push({ route, method, path, segs, greedy });
    }
    this.fallback = fallback;
    // Most specific first: a literal beats a parameter at the first position they differ; then exact method beats ANY.
    const rank = (c: Compiled) => c.segs.map((s) => ('literal' in s ? '0' : '1')).join('');
    const cmp = (a: Compiled, b: Compiled) => {
      const ra = rank(a);
      const rb = rank(b);
      if (ra !== rb) return ra < rb ? -1 : 1;
      return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
    };
    this.exact.sort(cmp);
    // Greedy: longer prefixes first.
    this.greedy.sort((a, b) => b.segs.length - a.segs.length || cmp(a, b));
  }

  /** `path`: the raw (percent-encoded) path after the stage. */
  match(method: string, path: string): Routed | undefined {
    let p = path.startsWith('/') ? path.slice(1) : path;
    const parts = p === '' ? [] : p.split('/').map(decode);
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    for (const c of this.exact) {
      if (c.method !== method && c.method !== 'ANY') continue;
      if (c.segs.length !== parts.length) continue;
      const params = matchSegs(c.segs, parts);
      if (params) return { route: c.route, resource: c.path, pathParameters: params };
    }
    for (const c of this.greedy) {
      if (c.method !== method && c.method !== 'ANY') continue;
      if (parts.length <= c.segs.length) continue;
      const params = matchSegs(c.segs, parts.slice(0, c.segs.length));
      if (!params) continue;
      p = parts.slice(c.segs.length).join('/');
      params[c.greedy!] = p;
      return { route: c.route, resource: c.path, pathParameters: params };
    }
    return this.fallback ? { route: this.fallback, resource: '$default', pathParameters: {} } : undefined;
  }
}

function matchSegs(segs: Seg[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const part = parts[i]!;
    if ('literal' in s) {
      if (s.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[s.param] = part;
    }
  }
  return params;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
