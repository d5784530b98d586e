import { Compile, parse } from 'velocityjs';

/** A small JSONPath: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`. */
export function jsonPath(root: unknown, path: string): unknown {
  let p = path.trim();
  if (!p.startsWith('$')) p = `$.${p}`;
  const tokens: (string | number | '*')[] = [];
  const re = /\.\*|\[\*\]|\.([A-Za-z_$@-][\w$@-]*)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) return undefined;
    if (m[0] === '.*' || m[0] === '[*]') tokens.push('*');
    else if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else tokens.push(m[3]!);
  }
  let current: unknown[] = [root];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (t === '*') {
        multi = true;
        next.push(...(Array.isArray(v) ? v : Object.values(v)));
      } else {
        const x = (v as Record<string | number, unknown>)[t];
        if (x !== undefined) next.push(x);
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}

export function escapeJavaScript(s: unknown): string {
  return String(s ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\f/g, '\\f')
    .replace(/[\b]/g, '\\b');
}

export const vtlUtil = {
  escapeJavaScript,
  parseJson: (s: string) => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  },
  urlEncode: (s: string) => encodeURIComponent(String(s ?? '')).replace(/%20/g, '+'),
  urlDecode: (s: string) => {
    try {
      return decodeURIComponent(String(s ?? '').replace(/\+/g, ' '));
    } catch {
      return String(s);
    }
  },
  base64Encode: (s: string) => Buffer.from(String(s ?? ''), 'utf8').toString('base64'),
  base64Decode: (s: string) => Buffer.from(String(s ?? ''), 'base64').toString('utf8'),
};

/** What `$input.params()` sees. */
export interface InputParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

/** `$input` for a body (the request's, or the integration response's) and the request parameters. */
export function vtlInput(body: string, params: InputParams) {
  let parsed: unknown;
  let parsedOk = false;
  const root = (): unknown => {
    if (!parsedOk) {
      parsedOk = true;
      try {
        parsed = body.trim() === '' ? {} : JSON.parse(body);
      } catch {
        parsed = body;
      }
    }
    return parsed;
  };
  const lower = (m: Record<string, string>, name: string) => {
    const k = Object.keys(m).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? undefined : m[k];
  };
  return {
    body,
    json: (path: string) => {
      const v = jsonPath(root(), path);
      return v === undefined ? '' : JSON.stringify(v);
    },
    path: (path: string) => jsonPath(root(), path),
    params: (name?: string) => {
      if (name === undefined) return params;
      return params.path[name] ?? params.querystring[name] ?? lower(params.header, name) ?? '';
    },
  };
}

type Handler = {
  uid: string;
  match: (a: { property: string; context: unknown }) => boolean;
  resolve: (a: { context: any; params: any[] }) => unknown;
};

/** Java String methods templates use that JavaScript strings lack (or spell differently). */
const STRING_METHODS: Handler[] = [
  {
    uid: 'length',
    match: ({ property, context }) => property === 'length' && typeof context === 'string',
    resolve: ({ context }) => (context as string).length,
  },
  {
    uid: 'contains',
    match: ({ property, context }) => property === 'contains' && typeof context === 'string',
    resolve: ({ context, params }) => (context as string).includes(String(params[0])),
  },
  {
    uid: 'equals',
    match: ({ property }) => property === 'equals',
    resolve: ({ context, params }) => context === params[0],
  },
  {
    uid: 'isEmpty',
    match: ({ property, context }) => property === 'isEmpty' && typeof context === 'string',
    resolve: ({ context }) => (context as string).length === 0,
  },
  {
    uid: 'matches',
    match: ({ property, context }) => property === 'matches' && typeof context === 'string',
    resolve: ({ context, params }) => new RegExp(`^(?:${String(params[0])})$`).test(context as string),
  },
];

/** Renders a mapping template; `vars` holds `$input`, `$context`, `$stageVariables`, `$util`. */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  let ast = parsed.get(template);
  if (!ast) {
    ast = parse(template);
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value!);
    parsed.set(template, ast);
  }
  return new Compile(ast, { escape: false, customMethodHandlers: STRING_METHODS } as never).render(
    { util: vtlUtil, ...vars },
    {},
  );
}

/** Parsed templates, by source: a deployed API renders the same few templates on every request. */
const parsed = new Map<string, ReturnType<typeof parse>>();
const MAX_PARSED = 1000;
