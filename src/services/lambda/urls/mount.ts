import { createReadStream, existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import { writeWhole } from '../../../core/http/mount.js';
import { readBodyWithin } from '../../../core/http/read-body.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { WholeResponse } from '../../../core/http/types.js';
import type { LambdaContext } from '../context.js';
import type { UrlConfig } from '../operations/urls.js';
import { SYNC_PAYLOAD_LIMIT } from '../invoke/invoker.js';
import { functionUrlEvent, inferResponse } from './event.js';

const HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost$/;
const PATH = /^\/_aws\/lambda-url\/([a-z0-9]{32})(\/.*)?$/;
const CODE = /^\/_overcast\/lambda\/code\/([a-f0-9]{64})\.zip$/;

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Function URLs (`<id>.lambda-url.<region>.localhost` and `/_aws/lambda-url/<id>/…`) and code downloads. */
export function lambdaMount(lc: LambdaContext): HttpMount {
  return {
    name: 'lambda-urls',
    matches(head: RequestHead) {
      return HOST.test(head.hostname) || PATH.test(head.path) || (head.method === 'GET' && CODE.test(head.path));
    },
    async handle(head, req, res) {
      const code = CODE.exec(head.path);
      if (code && !HOST.test(head.hostname)) {
        const file = join(lc.filesDir, 'zips', `${code[1]}.zip`);
        if (!existsSync(file)) return send(res, 404, { 'content-type': 'text/plain' }, 'Not Found');
        res.writeHead(200, { 'content-type': 'application/zip' });
        createReadStream(file).pipe(res);
        return;
      }
      const answer = await urlAnswer(lc, head, () => readBodyWithin(req, SYNC_PAYLOAD_LIMIT), req.socket.remoteAddress);
      writeWhole(res, head.method, answer);
    },
    // Function URLs answer whole buffers: the fast path may read the request for them.
    takesWhole: (head) => !CODE.test(head.path) || HOST.test(head.hostname),
    respondWhole: (head, request) =>
      urlAnswer(
        lc,
        head,
        async () => (request.body.length > SYNC_PAYLOAD_LIMIT ? undefined : request.body),
        request.remoteAddress,
      ),
  };
}

const json = (status: number, headers: Record<string, string>, body: unknown): WholeResponse =>
  whole(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));

function whole(status: number, headers: Record<string, string>, body: Buffer | string): WholeResponse {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return { status, headers: Object.entries(headers), body: b };
}

/**
 * The answer to a function URL request: CORS, the AWS_IAM check, the payload limit, the payload
 * 2.0 event, the invoke and the inferred response. `body` reads the request body (undefined: over
 * the synchronous payload limit).
 */
async function urlAnswer(
  lc: LambdaContext,
  head: RequestHead,
  body: () => Promise<Buffer | undefined>,
  remoteAddress: string | undefined,
): Promise<WholeResponse> {
  let id: string;
  let path = head.path;
  let rawPath = head.rawPath;
  const byHost = HOST.exec(head.hostname);
  if (byHost) id = byHost[1]!;
  else {
    const m = PATH.exec(head.path)!;
    id = m[1]!;
    path = m[2] ?? '/';
    rawPath = head.rawPath.replace(/^\/_aws\/lambda-url\/[a-z0-9]{32}/, '') || '/';
  }
  const urls = await lc.settings.all<UrlConfig>('url');
  const entry = urls.find((u) => u.config.UrlId === id);
  if (!entry) return json(404, {}, { Message: null });
  const cfg = entry.config;
  const cors = cfg.Cors as
    | {
        AllowOrigins?: string[];
        AllowMethods?: string[];
        AllowHeaders?: string[];
        ExposeHeaders?: string[];
        MaxAge?: number;
        AllowCredentials?: boolean;
      }
    | undefined;
  const origin = head.headers['origin'];
  const corsHeaders: Record<string, string> = {};
  if (cors && origin && (cors.AllowOrigins ?? []).some((o) => o === '*' || o === origin)) {
    corsHeaders['access-control-allow-origin'] = (cors.AllowOrigins ?? []).includes('*') ? '*' : origin;
    if (cors.ExposeHeaders?.length) corsHeaders['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
    if (cors.AllowCredentials) corsHeaders['access-control-allow-credentials'] = 'true';
  }
  if (cors && head.method === 'OPTIONS' && head.headers['access-control-request-method']) {
    if (cors.AllowMethods?.length) corsHeaders['access-control-allow-methods'] = cors.AllowMethods.join(',');
    if (cors.AllowHeaders?.length) corsHeaders['access-control-allow-headers'] = cors.AllowHeaders.join(',');
    if (cors.MaxAge !== undefined) corsHeaders['access-control-max-age'] = String(cors.MaxAge);
    return whole(200, corsHeaders, '');
  }
  if (cfg.AuthType === 'AWS_IAM' && !head.headers['authorization'] && !head.query.has('X-Amz-Signature'))
    return json(403, corsHeaders, { Message: 'Forbidden' });
  const payload = await body();
  if (!payload)
    return json(413, {}, { Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
  const event = functionUrlEvent(
    { ...head, path, rawPath },
    payload,
    id,
    cfg.AuthType === 'NONE' ? 'anonymous' : entry.account,
    remoteAddress ?? '127.0.0.1',
    lc.clock.now(),
  );
  try {
    const result = await lc.invoker.invoke({
      account: entry.account,
      region: entry.region,
      functionName: entry.fn,
      qualifier: entry.qualifier === '$LATEST' ? undefined : entry.qualifier,
      payload: Buffer.from(JSON.stringify(event)),
      jsonSerialized: true,
    });
    if (result.functionError)
      return json(502, { 'x-amzn-requestid': result.requestId, ...corsHeaders }, { Message: 'Internal Server Error' });
    const answer = inferResponse(result.payload);
    const headers: [string, string][] = Object.entries({
      ...answer.headers,
      ...corsHeaders,
      'x-amzn-requestid': result.requestId,
    });
    for (const cookie of answer.cookies) headers.push(['set-cookie', cookie]);
    return { status: answer.status, headers, body: answer.body };
  } catch (err) {
    const e = err instanceof AwsError ? err : undefined;
    if (!e) lc.log.error({ err }, 'function URL invoke failed');
    const status = e?.status === 429 ? 429 : 502;
    return json(status, corsHeaders, { Message: status === 429 ? 'Rate Exceeded.' : 'Internal Server Error' });
  }
}
