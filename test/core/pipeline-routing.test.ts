import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/core/auth/authenticate.js';
import { ManualClock } from '../../src/core/clock.js';
import { AwsError } from '../../src/core/errors/aws-error.js';
import type { HttpRequest } from '../../src/core/http/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { ServiceModel } from '../../src/core/model/types.js';
import { Pipeline } from '../../src/core/pipeline.js';
import type { ProtocolCodec } from '../../src/core/protocols/codec.js';
import type { ServiceDefinition } from '../../src/core/service.js';

const clock = new ManualClock();
const auth = new Authenticator(
  { mode: 'accept', credentials: [], defaultAccount: '000000000000', defaultRegion: 'us-east-1' },
  clock,
);

function request(
  method: string,
  url: string,
  signingName: string | undefined,
  headers: Record<string, string> = {},
  body = '',
): HttpRequest {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const all: Record<string, string> = { host: 'localhost:4566', 'x-amz-date': '20260101T000000Z', ...headers };
  if (signingName)
    all['authorization'] =
      `AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/${signingName}/aws4_request, SignedHeaders=host, Signature=00`;
  return {
    method,
    rawPath,
    rawQuery,
    path: decodeURIComponent(rawPath),
    query: new URLSearchParams(rawQuery),
    headers: all,
    rawHeaders: [],
    body: Buffer.from(body),
  };
}

const text = (body: Buffer | string) => body.toString();

/** A restJson1 service with one GET route per operation. */
function restService(name: string, routes: Record<string, string>): ServiceDefinition {
  const model: ServiceModel = {
    metadata: { apiVersion: '2020-01-01', endpointPrefix: 'shared', protocol: 'rest-json', signingName: 'shared' },
    operations: Object.fromEntries(
      Object.entries(routes).map(([op, uri]) => [op, { http: { method: 'GET', requestUri: uri }, output: 'Out' }]),
    ),
    shapes: { Out: { type: 'structure', members: { served: { shape: 'S' } } }, S: { type: 'string' } },
  } as unknown as ServiceModel;
  const operations = Object.fromEntries(Object.keys(routes).map((op) => [op, () => ({ served: `${name}.${op}` })]));
  return { name, signingName: 'shared', protocol: 'restJson1', model, operations };
}

describe('services sharing a signing name', () => {
  // `shared` is registered second but is the default: it is named for the signing name.
  const other = restService('other', { ListWidgets: '/v2/widgets', GetWidget: '/v2/widgets/{Id}' });
  const main = restService('shared', { ListThings: '/things', GetThing: '/things/{Id}' });
  const pipeline = new Pipeline({ services: [other, main], auth, clock, log: silentLogger });

  it('go to the one whose REST routes match the request', async () => {
    expect(pipeline.route(request('GET', '/v2/widgets', 'shared'))?.name).toBe('other');
    expect(pipeline.route(request('GET', '/v2/widgets/w-1', 'shared'))?.name).toBe('other');
    expect(pipeline.route(request('GET', '/things/t-1', 'shared'))?.name).toBe('shared');
    const req = request('GET', '/v2/widgets/w-1', 'shared');
    const res = await pipeline.handle(req, pipeline.route(req)!);
    expect(res.status).toBe(200);
    expect(JSON.parse(text(res.body))).toEqual({ served: 'other.GetWidget' });
  });

  it('leave requests no route claims to the service named for the signing name', async () => {
    const req = request('GET', '/nowhere', 'shared');
    const service = pipeline.route(req)!;
    expect(service.name).toBe('shared');
    const res = await pipeline.handle(req, service);
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    // The method counts: a POST to a GET route is no one's.
    expect(pipeline.route(request('POST', '/v2/widgets', 'shared'))?.name).toBe('shared');
  });

  it('fall back to the first registered when none is named for the signing name', () => {
    const a = restService('a', { One: '/one' });
    const b = restService('b', { Two: '/two' });
    const p = new Pipeline({ services: [a, b], auth, clock, log: silentLogger });
    expect(p.route(request('GET', '/two', 'shared'))?.name).toBe('b');
    expect(p.route(request('GET', '/three', 'shared'))?.name).toBe('a');
  });
});

describe('a service speaking two protocols', () => {
  const model = {
    metadata: {
      apiVersion: '2021-02-03',
      endpointPrefix: 'echo',
      protocol: 'json',
      jsonVersion: '1.0',
      targetPrefix: 'Echo',
      signingName: 'echo',
    },
    operations: {
      Say: { http: { method: 'POST', requestUri: '/' }, input: 'SayIn', output: 'SayOut' },
      Fail: { http: { method: 'POST', requestUri: '/' }, input: 'SayIn' },
    },
    shapes: {
      SayIn: { type: 'structure', members: { Text: { shape: 'S' } } },
      SayOut: { type: 'structure', members: { Said: { shape: 'S' } } },
      S: { type: 'string' },
    },
  } as unknown as ServiceModel;
  const echo: ServiceDefinition = {
    name: 'echo',
    signingName: 'echo',
    protocol: 'awsJson1.0',
    protocols: ['awsJson1.0', 'query'],
    model,
    operations: {
      Say: (input: { Text?: string }) => ({ Said: `<${input.Text ?? ''}>` }),
      Fail: () => {
        throw new AwsError('Refused', 'no & never', { namespace: 'com.amazonaws.echo' });
      },
    },
  };
  const pipeline = new Pipeline({ services: [echo], auth, clock, log: silentLogger });
  const json = (op: string, body: string) =>
    request('POST', '/', 'echo', { 'x-amz-target': `Echo.${op}`, 'content-type': 'application/x-amz-json-1.0' }, body);
  const form = (body: string) =>
    request('POST', '/', 'echo', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body);

  it('answers X-Amz-Target JSON requests in awsJson', async () => {
    const res = await pipeline.handle(json('Say', '{"Text":"hi"}'), echo);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(text(res.body))).toEqual({ Said: '<hi>' });
    const err = await pipeline.handle(json('Fail', '{}'), echo);
    expect(err.status).toBe(400);
    expect(JSON.parse(text(err.body))).toEqual({ __type: 'com.amazonaws.echo#Refused', message: 'no & never' });
  });

  it('answers form-encoded Action requests in query, errors as <ErrorResponse>', async () => {
    const req = form('Action=Say&Version=2021-02-03&Text=hi');
    expect(pipeline.route(req)).toBe(echo);
    const res = await pipeline.handle(req, echo);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(text(res.body)).toContain('<SayResponse xmlns="https://echo.amazonaws.com/doc/2021-02-03/">');
    expect(text(res.body)).toContain('<SayResult><Said>&lt;hi&gt;</Said></SayResult>');
    const err = await pipeline.handle(form('Action=Fail'), echo);
    expect(err.status).toBe(400);
    expect(text(err.body)).toMatch(
      /^<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>Refused<\/Code><Message>no &amp; never<\/Message><\/Error>/,
    );
    const unknown = await pipeline.handle(form('Action=Shout'), echo);
    expect(text(unknown.body)).toContain('<Code>InvalidAction</Code>');
    // GET with Action is query too; without it (and without a target) the default protocol answers.
    const get = await pipeline.handle(request('GET', '/?Action=Say&Text=q', 'echo'), echo);
    expect(text(get.body)).toContain('<Said>&lt;q&gt;</Said>');
    const neither = await pipeline.handle(
      request('POST', '/', 'echo', { 'content-type': 'application/json' }, '{}'),
      echo,
    );
    expect(JSON.parse(text(neither.body))).toEqual({ __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  it("uses the service's own codec for a protocol when it gives one", async () => {
    const dialect: ProtocolCodec = {
      operationName: (req) => new URLSearchParams(req.body.toString()).get('Action') ?? undefined,
      decodeInput: () => ({ Text: 'dialect' }),
      encodeOutput: (_s, op, output) => ({ status: 200, headers: {}, body: `${op}:${JSON.stringify(output)}` }),
      encodeError: (_s, e) => ({ status: e.status, headers: {}, body: `error:${e.code}` }),
      unknownOperation: (_req, op) => new AwsError('NoSuchVerb', `${op}`),
    };
    const own: ServiceDefinition = { ...echo, codecs: { query: dialect } };
    const p = new Pipeline({ services: [own], auth, clock, log: silentLogger });
    expect(text((await p.handle(form('Action=Say'), own)).body)).toBe('Say:{"Said":"<dialect>"}');
    expect(text((await p.handle(form('Action=toString'), own)).body)).toBe('error:NoSuchVerb');
    // The JSON side keeps the core codec.
    expect(JSON.parse(text((await p.handle(json('Say', '{"Text":"j"}'), own)).body))).toEqual({ Said: '<j>' });
  });

  it('routes unsigned query requests by Version, and by path when the service claims the path', () => {
    expect(pipeline.route(form('Action=Say&Version=2021-02-03'))).toBe(echo);
    const unsigned = request(
      'POST',
      '/q/1',
      undefined,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=Say',
    );
    expect(pipeline.route(unsigned)).toBeUndefined();
    const byPath: ServiceDefinition = { ...echo, unsignedQueryPaths: /^\/q\/\d+$/ };
    const p = new Pipeline({ services: [byPath], auth, clock, log: silentLogger });
    expect(p.route(unsigned)).toBe(byPath);
  });
});
