import type { Doc } from '../control/store.js';

function originAllowed(cors: Doc, origin: string): boolean {
  const allowed: string[] = cors['AllowOrigins'] ?? [];
  return allowed.some(
    (o) =>
      o === '*' ||
      o.toLowerCase() === origin.toLowerCase() ||
      (o.includes('*') &&
        new RegExp(
          '^' +
            o
              .split('*')
              .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
              .join('.*') +
            '$',
          'i',
        ).test(origin)),
  );
}

const join = (v: unknown): string | undefined => (Array.isArray(v) && v.length > 0 ? v.join(',') : undefined);

/** The answer to a CORS preflight (API Gateway answers it itself, route or not). */
export function preflight(cors: Doc, origin: string | undefined): [string, string][] {
  if (!origin || !originAllowed(cors, origin)) return [];
  const h: [string, string][] = [['access-control-allow-origin', allowOriginValue(cors, origin)]];
  const methods = join(cors['AllowMethods']);
  if (methods) h.push(['access-control-allow-methods', methods]);
  const headers = join(cors['AllowHeaders']);
  if (headers) h.push(['access-control-allow-headers', headers]);
  if (cors['MaxAge'] !== undefined && cors['MaxAge'] >= 0) h.push(['access-control-max-age', String(cors['MaxAge'])]);
  if (cors['AllowCredentials']) h.push(['access-control-allow-credentials', 'true']);
  const expose = join(cors['ExposeHeaders']);
  if (expose) h.push(['access-control-expose-headers', expose]);
  return h;
}

function allowOriginValue(cors: Doc, origin: string): string {
  const all = (cors['AllowOrigins'] as string[] | undefined)?.includes('*');
  return all && !cors['AllowCredentials'] ? '*' : origin;
}

/** CORS headers of an actual response; the integration's own Access-Control-* headers are dropped. */
export function applyCors(cors: Doc, origin: string | undefined, headers: [string, string][]): [string, string][] {
  const kept = headers.filter(([k]) => !k.toLowerCase().startsWith('access-control-'));
  if (!origin || !originAllowed(cors, origin)) return kept;
  kept.push(['access-control-allow-origin', allowOriginValue(cors, origin)]);
  if (cors['AllowCredentials']) kept.push(['access-control-allow-credentials', 'true']);
  const expose = join(cors['ExposeHeaders']);
  if (expose) kept.push(['access-control-expose-headers', expose]);
  if (!(cors['AllowOrigins'] as string[] | undefined)?.includes('*') || cors['AllowCredentials'])
    kept.push(['vary', 'Origin']);
  return kept;
}
