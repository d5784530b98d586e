// API Gateway benchmark: an HTTP API → Lambda hello world through Overcast (and, when
// bench/lambda's peers are installed, through serverless-offline and Architect sandbox side by
// side), plus the gateway's own overhead as the issue defines it: a REST API resource with a MOCK
// integration answering a fixed body through its integration response, against a bare node:http
// server answering the same body. An HTTP API HTTP_PROXY route to that bare server is measured
// too (extra information: it includes the proxy hop). Load: bench/lambda's generator (wrk when
// present, else autocannon).
//   node bench/apigateway/run.mjs [--quick] [--no-peers] [--duration 10] [--concurrency 1,32] [--lambda-warmup 10]
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import * as T from '../lambda/targets.mjs';
import * as L from '../lambda/load.mjs';
import { onBenchExit } from '../children.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: node bench/apigateway/run.mjs [options]   (or: npm run bench:apigateway -- [options])

  --quick             --duration 4 --lambda-warmup 3
  --duration SEC      measured seconds per system and concurrency (default 10)
  --concurrency LIST  connections, comma list (default 1,32)
  --lambda-warmup SEC warm-up of Lambda-backed systems at the highest concurrency (default 10)
  --no-peers          Overcast only (no serverless-offline / Architect sandbox)
  -h, --help          this text`);
  process.exit(0);
}
const flag = (n) => args.includes(n);
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const quick = flag('--quick');
const durationSec = Number(opt('--duration', quick ? 4 : 10));
const concurrency = opt('--concurrency', '1,32').split(',').map(Number);
const withPeers = !flag('--no-peers') && existsSync(path.join(HERE, '../lambda/node_modules/@architect'));
const runLoad = L.hasWrk() ? L.runLoadWrk : L.runLoadAutocannon;
const log = (m) => process.stderr.write(m + '\n');
// Interrupted or killed (Ctrl-C, a `timeout`): take the servers started so far down too.
onBenchExit(T.killAllSync);

// Lambda-backed systems warm 10 s at the highest concurrency (as bench:lambda: each of Overcast's
// 32 execution environments is a process that compiles its own hot code); the others 3 s.
const lambdaWarmupSec = Number(opt('--lambda-warmup', quick ? 3 : 10));

async function measure(label, url, variants, warmupSec = Math.min(3, durationSec)) {
  await runLoad(url, variants, { connections: Math.max(...concurrency), durationSec: warmupSec });
  const rows = [];
  for (const c of concurrency) {
    await L.waitQuiet(log);
    const r = await runLoad(url, variants, { connections: c, durationSec });
    rows.push({ label, c, rps: r.rps, p50: r.p50ms, p99: r.p99ms, errors: r.socketErrors ?? 0, non2xx: r.non2xx ?? 0 });
    log(
      `${label} c=${c}: ${Math.round(r.rps)} req/s, p50 ${r.p50ms?.toFixed?.(3)} ms, p99 ${r.p99ms?.toFixed?.(3)} ms`,
    );
  }
  return rows;
}

const results = [];
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
});
await new Promise((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;
try {
  const overcast = await T.startOvercast();
  const client = new ApiGatewayV2Client({
    endpoint: overcast.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await T.createFunction(overcast.url, 'hello');
  const helloPath = await T.createHttpApi(overcast.url, 'hello');
  const proxy = await client.send(new CreateApiCommand({ Name: 'proxy', ProtocolType: 'HTTP' }));
  const i = await client.send(
    new CreateIntegrationCommand({
      ApiId: proxy.ApiId,
      IntegrationType: 'HTTP_PROXY',
      IntegrationUri: bareUrl + '/',
      IntegrationMethod: 'GET',
    }),
  );
  await client.send(
    new CreateRouteCommand({ ApiId: proxy.ApiId, RouteKey: 'GET /', Target: `integrations/${i.IntegrationId}` }),
  );
  await client.send(new CreateStageCommand({ ApiId: proxy.ApiId, StageName: '$default', AutoDeploy: true }));
  // REST API: GET / → MOCK integration ({"statusCode": 200}), integration response body `hello`.
  const rest = new APIGatewayClient({
    endpoint: overcast.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mockApi = await rest.send(new CreateRestApiCommand({ name: 'mock' }));
  const root = (await rest.send(new GetResourcesCommand({ restApiId: mockApi.id }))).items.find((r) => r.path === '/');
  const m = { restApiId: mockApi.id, resourceId: root.id, httpMethod: 'GET' };
  await rest.send(new PutMethodCommand({ ...m, authorizationType: 'NONE' }));
  await rest.send(
    new PutIntegrationCommand({ ...m, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }),
  );
  await rest.send(new PutMethodResponseCommand({ ...m, statusCode: '200' }));
  await rest.send(
    new PutIntegrationResponseCommand({
      ...m,
      statusCode: '200',
      responseTemplates: { 'application/json': 'hello' },
    }),
  );
  await rest.send(new CreateDeploymentCommand({ restApiId: mockApi.id, stageName: 'bench' }));
  rest.destroy();
  const mockPath = `/_aws/execute-api/${mockApi.id}/bench/`;
  const mockCheck = await T.request(overcast.url + mockPath);
  if (mockCheck.status !== 200 || mockCheck.body !== 'hello')
    throw new Error(`REST API MOCK check: HTTP ${mockCheck.status} ${mockCheck.body.slice(0, 200)}`);
  for (let n = 0; n < 50; n++) {
    const r = await T.request(overcast.url + helloPath);
    if (r.status === 200 && r.body === 'hello') break;
    await new Promise((res) => setTimeout(res, 200));
  }
  results.push(
    ...(await measure(
      'Overcast HTTP API → Lambda',
      overcast.url,
      [{ method: 'GET', path: helloPath }],
      lambdaWarmupSec,
    )),
  );
  results.push(...(await measure('bare node:http (direct)', bareUrl, [{ method: 'GET', path: '/' }])));
  results.push(...(await measure('Overcast REST API → MOCK', overcast.url, [{ method: 'GET', path: mockPath }])));
  results.push(
    ...(await measure('Overcast HTTP API → HTTP_PROXY → bare', overcast.url, [
      { method: 'GET', path: `/_aws/execute-api/${proxy.ApiId}/` },
    ])),
  );
  client.destroy();
  await T.stopChild(overcast.child);
  if (withPeers) {
    for (const name of ['sls', 'arc']) {
      if (!T.PEERS[name]) continue;
      try {
        const dir = await T.PEERS[name].prepare();
        const peer = await T.startPeer(name, dir);
        results.push(
          ...(await measure(
            `${T.PEERS[name].label} HTTP API → Lambda`,
            peer.url,
            [{ method: 'GET', path: '/' }],
            lambdaWarmupSec,
          )),
        );
        await T.stopChild(peer.child);
      } catch (err) {
        log(`${name}: ${err.message}`);
      }
    }
  }
} finally {
  bare.close();
  await T.stopAll();
}

const at = (label, c) => results.find((r) => r.label.startsWith(label) && r.c === c);
console.log('\n| system | c | req/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.label} | ${r.c} | ${Math.round(r.rps)} | ${r.p50?.toFixed(3)} | ${r.p99?.toFixed(3)} | ${r.errors + r.non2xx} |`,
  );
const cMax = Math.max(...concurrency);
const ours = at('Overcast HTTP API → Lambda', cMax);
const peers = results.filter((r) => r.c === cMax && !r.label.startsWith('Overcast') && !r.label.startsWith('bare'));
const best = peers.sort((a, b) => b.rps - a.rps)[0];
if (ours && best)
  console.log(`\nc=${cMax}: Overcast / best peer (${best.label}) = ${(ours.rps / best.rps).toFixed(2)}x`);
for (const c of concurrency) {
  const direct = at('bare node:http', c);
  const mock = at('Overcast REST API → MOCK', c);
  const via = at('Overcast HTTP API → HTTP_PROXY', c);
  if (direct && mock)
    console.log(
      `c=${c}: gateway overhead (REST API MOCK − bare node:http, the issue's measure) p50 = ${(mock.p50 - direct.p50).toFixed(3)} ms` +
        (c === 1 ? ` (target < 0.2 ms: ${mock.p50 - direct.p50 < 0.2 ? 'MET' : 'NOT MET'})` : ''),
    );
  if (direct && via)
    console.log(
      `c=${c}: HTTP API HTTP_PROXY − bare node:http (proxy hop included) p50 = ${(via.p50 - direct.p50).toFixed(3)} ms`,
    );
}
