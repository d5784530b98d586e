// `overcast deploy | destroy | status | validate | events | dev`: SAM/CloudFormation apps through the
// CloudFormation API, the way the AWS tools do it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isObj, type Obj } from '../services/cloudformation/sam/util.js';
import { callRest, clientOptions, type ClientOptions } from './aws-client.js';
import { cfn, field, members } from './deploy-cfn.js';
import { CliError, fail } from './output/cli-error.js';
import { parseOverrides, readTemplate } from './sam.js';
import { ecsStatus, ecsStatusLines } from './status-ecs.js';
import { zipDirectory } from '../core/zip.js';
import { findOnPath } from '../services/lambda/environments/launch.js';

export interface DeployFlags {
  template?: string;
  stackName?: string;
  parameterOverrides?: string[];
  endpoint?: string;
  region?: string;
  json?: boolean;
  configEnv?: string;
  /** Programmatic callers (`overcast start --sample`, tests): the client to use instead of flags/env. */
  client?: ClientOptions;
  /** No per-resource progress lines. */
  quiet?: boolean;
}
type Flags = DeployFlags;

function clientOf(flags: Flags): ClientOptions {
  return flags.client ?? clientOptions(flags);
}

/** samconfig.toml `[<env>.deploy.parameters]` and `[<env>.global.parameters]` (string/bool values). */
export function readSamConfig(dir: string, env = 'default'): Record<string, string> {
  const path = join(dir, 'samconfig.toml');
  if (!existsSync(path)) return {};
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2]!.trim();
    if (v.startsWith('"')) v = JSON.parse(v.replace(/\s+#.*$/, '')) as string;
    else if (v.startsWith('[')) v = (JSON.parse(v) as string[]).join(' ');
    (out[section] ??= {})[kv[1]!] = v;
  }
  return { ...out[`${env}.global.parameters`], ...out[`${env}.deploy.parameters`] };
}

/**
 * `Fn::Transform: { Name: AWS::Include, Parameters: { Location: <local file> } }`, as `sam package`
 * handles it: the file (YAML or JSON, CloudFormation's short-form tags allowed) takes the node's
 * place, or, beside other keys, is merged into its mapping. S3 locations are left to the server.
 */
export function inlineIncludes(node: unknown, dir: string): unknown {
  if (Array.isArray(node)) return node.map((v) => inlineIncludes(v, dir));
  if (!isObj(node)) return node;
  const t = node['Fn::Transform'];
  const params = isObj(t) && t.Name === 'AWS::Include' && isObj(t.Parameters) ? t.Parameters : undefined;
  const location = params && typeof params.Location === 'string' ? params.Location : undefined;
  if (location !== undefined && !location.startsWith('s3://')) {
    const file = isAbsolute(location) ? location : resolve(dir, location);
    const included = inlineIncludes(readTemplate(file), dirname(file));
    const rest = Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'Fn::Transform'));
    if (Object.keys(rest).length === 0) return included;
    if (!isObj(included)) throw new CliError(`${location}: an AWS::Include beside other keys must hold a mapping`);
    return inlineIncludes({ ...rest, ...included }, dir);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineIncludes(v, dir)]));
}

interface Prepared {
  /** The template file. */
  path: string;
  template: Obj;
  stackName: string;
  parameters: Record<string, string>;
  dir: string;
  functions: Map<string, { codeDir: string; handler: string; build: boolean }>;
}

async function prepare(flags: Flags): Promise<Prepared> {
  const path = resolve(
    flags.template ??
      (existsSync('template.yaml') ? 'template.yaml' : existsSync('template.yml') ? 'template.yml' : 'template.json'),
  );
  const dir = dirname(path);
  const cfg = readSamConfig(dir, flags.configEnv);
  const template = inlineIncludes(readTemplate(path), dir) as Obj;
  const stackName =
    flags.stackName ?? cfg['stack_name'] ?? (dir.split('/').pop() || 'sam-app').replace(/[^A-Za-z0-9-]/g, '-');
  const parameters = { ...parseOverrides(cfg['parameter_overrides']), ...parseOverrides(flags.parameterOverrides) };
  const functions = new Map<string, { codeDir: string; handler: string; build: boolean }>();
  const globalsFn = isObj(template.Globals) && isObj(template.Globals.Function) ? template.Globals.Function : {};
  for (const [id, r] of Object.entries((template.Resources ?? {}) as Obj)) {
    if (!isObj(r)) continue;
    const p: Obj = isObj(r.Properties) ? r.Properties : {};
    if (r.Type === 'AWS::Serverless::Function' && p.InlineCode === undefined && p.PackageType !== 'Image') {
      const uri = p.CodeUri ?? globalsFn.CodeUri ?? '.';
      if (typeof uri !== 'string' || uri.startsWith('s3://')) continue;
      const codeDir = isAbsolute(uri) ? uri : resolve(dir, uri);
      const handler = String(p.Handler ?? globalsFn.Handler ?? 'index.handler');
      const build =
        (isObj(r.Metadata) && r.Metadata.BuildMethod === 'esbuild') ||
        existsSync(join(codeDir, handler.slice(0, handler.lastIndexOf('.')) + '.ts'));
      functions.set(id, { codeDir, handler, build });
      const runtime = String(p.Runtime ?? globalsFn.Runtime ?? '');
      r.Properties = {
        ...p,
        CodeUri: build
          ? await bundle(id, await installDependencies(id, codeDir, dir, flags.json, 'deps'), handler, r.Metadata, dir)
          : runtime.startsWith('python')
            ? installRequirements(id, codeDir, dir, runtime, flags.json)
            : await installDependencies(id, codeDir, dir, flags.json),
      };
    } else if (
      r.Type === 'AWS::Serverless::LayerVersion' &&
      typeof p.ContentUri === 'string' &&
      !p.ContentUri.startsWith('s3://')
    ) {
      p.ContentUri = resolve(dir, p.ContentUri);
    } else if (r.Type === 'AWS::Lambda::Function' && isObj(p.Code) === false && typeof p.Code === 'string') {
      p.Code = { 'Overcast::LocalPath': resolve(dir, p.Code) };
    }
  }
  return { path, template, stackName, parameters, dir, functions };
}

/**
 * As `sam build` does for Node.js functions: a CodeUri with a package.json that declares
 * dependencies but has no node_modules is copied to .overcast/build/<Fn>/ and `npm install
 * --omit=dev` runs there (the source folder is left as it is). Reused while package.json is unchanged.
 * Functions built with esbuild get theirs in .overcast/deps/<Fn>/ first, bundled from there (as
 * `sam build`'s esbuild workflow installs before it bundles).
 */
async function installDependencies(
  id: string,
  codeDir: string,
  root: string,
  json?: boolean,
  area: 'build' | 'deps' = 'build',
): Promise<string> {
  const manifest = join(codeDir, 'package.json');
  if (!existsSync(manifest) || existsSync(join(codeDir, 'node_modules'))) return codeDir;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  // An esbuild build resolves imports from devDependencies too, as `sam build`'s esbuild workflow does.
  const bundling = area === 'deps';
  const declared = { ...pkg.dependencies, ...(bundling ? pkg.devDependencies : {}) };
  if (Object.keys(declared).length === 0) return codeDir;
  const out = join(root, '.overcast', area, id);
  const stamp = join(out, '.overcast-package.json');
  // The stamp records what was installed: this package.json, and whether devDependencies came too.
  const manifestText = readFileSync(manifest, 'utf8') + (bundling ? '\n// with devDependencies' : '');
  const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === manifestText;
  // Refresh the code, keep node_modules (and the stamp saying what it holds) when package.json did not change.
  clearBuildDir(out, installed ? ['node_modules', basename(stamp)] : []);
  copyCode(codeDir, out, root, [join(codeDir, 'node_modules')]);
  if (!installed) {
    const args = ['install', ...(bundling ? [] : ['--omit=dev']), '--no-audit', '--no-fund', '--loglevel=error'];
    if (!json) process.stderr.write(`${id}: npm ${args.slice(0, bundling ? 1 : 2).join(' ')} (as sam build)…\n`);
    try {
      execFileSync('npm', args, {
        cwd: out,
        stdio: json ? 'ignore' : ['ignore', 'ignore', 'inherit'],
      });
    } catch {
      throw new CliError(
        `${id}: npm install failed in ${out}`,
        'check the function package.json, or run npm install in its CodeUri yourself',
      );
    }
    writeFileSync(stamp, manifestText);
  }
  return out;
}

/**
 * As `sam build` does for Python functions: a CodeUri with a requirements.txt naming packages is copied
 * to .overcast/build/<Fn>/ and `pip install -r requirements.txt -t .` runs there, with the Python the
 * function will run on (as root, a world-executable one), so compiled wheels match it. Reused while
 * requirements.txt is unchanged.
 */
function installRequirements(id: string, codeDir: string, root: string, runtime: string, json?: boolean): string {
  const manifest = join(codeDir, 'requirements.txt');
  if (!existsSync(manifest)) return codeDir;
  const text = readFileSync(manifest, 'utf8');
  if (!text.split('\n').some((l) => l.trim() && !l.trim().startsWith('#'))) return codeDir;
  const minor = /^python3\.(\d+)$/.exec(runtime)?.[1];
  const python = findOnPath([...(minor ? [`python3.${minor}`] : []), 'python3'], process.getuid?.() === 0);
  if (!python) throw new CliError(`${id}: no python3 to install its requirements.txt with`, 'apt-get install python3');
  const out = join(root, '.overcast', 'build', id);
  const stamp = join(out, '.overcast-requirements.txt');
  const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === text;
  const entries = join(out, '.overcast-pip-entries');
  // Refresh the code; keep what pip put there (and the stamps) when requirements.txt did not change.
  clearBuildDir(
    out,
    installed ? [...readFileSync(entries, 'utf8').split('\n'), basename(entries), basename(stamp)] : [],
  );
  if (!installed) {
    if (!json) process.stderr.write(`${id}: pip install -r requirements.txt (as sam build)…\n`);
    try {
      execFileSync(
        python,
        [
          '-m',
          'pip',
          'install',
          '-r',
          manifest,
          '-t',
          out,
          '--quiet',
          '--disable-pip-version-check',
          '--no-warn-conflicts',
          '--root-user-action=ignore',
        ],
        { cwd: codeDir, stdio: json ? 'ignore' : ['ignore', 'ignore', 'inherit'] },
      );
    } catch {
      throw new CliError(
        `${id}: pip install -r requirements.txt failed (${python})`,
        'check requirements.txt; pip itself comes with python3-pip on Debian',
      );
    }
    writeFileSync(entries, readdirSync(out).join('\n'));
    writeFileSync(stamp, text);
  }
  copyCode(codeDir, out, root);
  return out;
}

/** Empties a build folder (made if missing) but for the entries named in `keep`. */
function clearBuildDir(out: string, keep: readonly string[]): void {
  for (const entry of existsSync(out) ? readdirSync(out) : [])
    if (!keep.includes(entry)) rmSync(join(out, entry), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
}

/** Copies a CodeUri folder into its build folder, without .git, the build areas, or `skip`. */
function copyCode(codeDir: string, out: string, root: string, skip: string[] = []): void {
  const left = [...skip, join(codeDir, '.git'), join(root, '.overcast'), join(root, '.aws-sam')];
  const filter = (src: string): boolean => !left.some((s) => src === s || src.startsWith(s + '/'));
  // Entry by entry: with `CodeUri: .` the build folder (under .overcast/) is inside the code folder,
  // and cpSync refuses to copy a folder into itself before its filter would leave .overcast out.
  for (const entry of readdirSync(codeDir)) {
    const src = join(codeDir, entry);
    if (filter(src)) cpSync(src, join(out, entry), { recursive: true, filter });
  }
}

/** esbuild a TypeScript/ESM handler into .overcast/build/<Fn>/ (the CodeUri the stack uses). */
async function bundle(id: string, codeDir: string, handler: string, metadata: unknown, root: string): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    // Loaded where installed (a dev dependency, not bundled); require keeps the bundle free of import().
    esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch {
    throw new CliError(`${id} needs esbuild to build its handler`, 'npm install --save-dev esbuild');
  }
  const base = handler.slice(0, handler.lastIndexOf('.'));
  const props = isObj(metadata) && isObj(metadata.BuildProperties) ? metadata.BuildProperties : {};
  const entries = Array.isArray(props.EntryPoints) ? props.EntryPoints.map((e: string) => join(codeDir, e)) : undefined;
  const entry = entries ?? [
    ['.ts', '.mts', '.js', '.mjs'].map((e) => join(codeDir, base + e)).find((f) => existsSync(f)) ??
      join(codeDir, base + '.ts'),
  ];
  const out = join(root, '.overcast', 'build', id);
  const esm = props.Format === 'esm';
  await esbuild.build({
    entryPoints: entry,
    bundle: true,
    platform: 'node',
    target: typeof props.Target === 'string' ? props.Target : 'node20',
    format: esm ? 'esm' : 'cjs',
    outdir: out,
    outExtension: { '.js': esm ? '.mjs' : '.js' },
    minify: props.Minify === true,
    sourcemap: props.Sourcemap === true,
    external: Array.isArray(props.External) ? props.External : ['@aws-sdk/*'],
    logLevel: 'error',
  });
  return out;
}

const isLocal = (endpoint: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(endpoint);

/** Remote server: replace local CodeUri paths by inline zips (Overcast::ZipBase64). */
async function inlineCode(p: Prepared): Promise<void> {
  for (const [id] of p.functions) {
    const r = (p.template.Resources as Obj)[id] as Obj;
    const dir = r.Properties.CodeUri as string;
    const zip = statSync(dir).isDirectory() ? await zipDirectory(dir) : readFileSync(dir);
    r.Properties.CodeUri = { 'Overcast::ZipBase64': zip.toString('base64') };
  }
}

const TERMINAL = /(_COMPLETE|_FAILED)$/;

async function stackStatus(
  client: ClientOptions,
  name: string,
): Promise<{ status: string; outputs: Record<string, string>; reason?: string } | undefined> {
  let xml: string;
  try {
    xml = await cfn(client, 'DescribeStacks', { StackName: name });
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return undefined;
    throw e;
  }
  const stack = members(xml, 'Stacks')[0];
  if (!stack) return undefined;
  const outputs: Record<string, string> = {};
  for (const o of members(stack, 'Outputs')) outputs[field(o, 'OutputKey') ?? ''] = field(o, 'OutputValue') ?? '';
  return { status: field(stack, 'StackStatus') ?? '', outputs, reason: field(stack, 'StackStatusReason') };
}

async function waitStack(
  client: ClientOptions,
  name: string,
  since: number,
  json: boolean | undefined,
): Promise<string> {
  const seen = new Set<string>();
  for (;;) {
    const xml = await cfn(client, 'DescribeStackEvents', { StackName: name });
    const events = members(xml, 'StackEvents').reverse();
    let done: string | undefined;
    for (const e of events) {
      const eid = field(e, 'EventId') ?? '';
      const ts = Date.parse(field(e, 'Timestamp') ?? '');
      if (seen.has(eid) || ts < since - 1000) continue;
      seen.add(eid);
      const type = field(e, 'ResourceType') ?? '';
      const status = field(e, 'ResourceStatus') ?? '';
      const reason = field(e, 'ResourceStatusReason');
      if (!json) {
        const colour = /FAILED|ROLLBACK/.test(status) ? '\x1b[31m' : /COMPLETE/.test(status) ? '\x1b[32m' : '\x1b[33m';
        const tty = process.stderr.isTTY;
        process.stderr.write(
          `${tty ? colour : ''}${status.padEnd(22)}${tty ? '\x1b[0m' : ''} ${type.padEnd(34)} ${field(e, 'LogicalResourceId')}${reason ? `  ${reason}` : ''}\n`,
        );
      }
      if (type === 'AWS::CloudFormation::Stack' && TERMINAL.test(status) && !/IN_PROGRESS/.test(status)) done = status;
    }
    if (done) return done;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `<LogicalId> (<Type>): <reason>` of the first resource that failed since `since`. */
async function firstFailure(client: ClientOptions, name: string, since: number): Promise<string | undefined> {
  const xml = await cfn(client, 'DescribeStackEvents', { StackName: name });
  const e = members(xml, 'StackEvents')
    .reverse()
    .find(
      (m) =>
        /_FAILED$/.test(field(m, 'ResourceStatus') ?? '') &&
        field(m, 'ResourceType') !== 'AWS::CloudFormation::Stack' &&
        Date.parse(field(m, 'Timestamp') ?? '') >= since - 1000,
    );
  return e
    ? `${field(e, 'LogicalResourceId')} (${field(e, 'ResourceType')}): ${field(e, 'ResourceStatusReason') ?? 'failed'}`
    : undefined;
}

/** API URLs of the stack's REST/HTTP APIs. */
export async function apiUrls(client: ClientOptions, name: string): Promise<Record<string, string[]>> {
  const xml = await cfn(client, 'ListStackResources', { StackName: name });
  const res = members(xml, 'StackResourceSummaries').map((m) => ({
    id: field(m, 'LogicalResourceId') ?? '',
    type: field(m, 'ResourceType') ?? '',
    physical: field(m, 'PhysicalResourceId') ?? '',
  }));
  const port = new URL(client.endpoint).port || '80';
  const out: Record<string, string[]> = {};
  const apis = res.filter((r) => r.type === 'AWS::ApiGateway::RestApi' || r.type === 'AWS::ApiGatewayV2::Api');
  // The stages each API has now (a stage's logical id need not name its API).
  const stagesOf = async (api: { type: string; physical: string }): Promise<string[]> => {
    try {
      if (api.type === 'AWS::ApiGateway::RestApi') {
        const r = await callRest(client, 'apigateway', 'GET', `/restapis/${encodeURIComponent(api.physical)}/stages`);
        return ((r.body.item ?? []) as { stageName: string }[]).map((x) => x.stageName);
      }
      const r = await callRest(client, 'apigateway', 'GET', `/v2/apis/${encodeURIComponent(api.physical)}/stages`);
      return ((r.body.items ?? []) as { stageName: string }[]).map((x) => x.stageName);
    } catch {
      return [];
    }
  };
  const found = await Promise.all(apis.map(stagesOf));
  apis.forEach((api, i) => {
    out[api.id] = found[i]!.sort().flatMap((s) => {
      const st = s === '$default' ? '' : `${s}/`;
      return [
        `http://${api.physical}.execute-api.localhost:${port}/${st}`,
        `http://localhost:${port}/_aws/execute-api/${api.physical}/${st}`,
      ];
    });
  });
  return out;
}

export async function deploy(flags: Flags): Promise<{
  stackName: string;
  status: string;
  outputs: Record<string, string>;
  apis: Record<string, string[]>;
  ms: number;
  prepared: Prepared;
}> {
  const started = Date.now();
  const client = clientOf(flags);
  const p = await prepare(flags);
  if (!isLocal(client.endpoint)) await inlineCode(p);
  const existing = await stackStatus(client, p.stackName);
  const input = {
    StackName: p.stackName,
    TemplateBody: JSON.stringify(p.template),
    Parameters: Object.entries(p.parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
  };
  const since = Date.now();
  let status: string;
  try {
    await cfn(client, existing && existing.status !== 'REVIEW_IN_PROGRESS' ? 'UpdateStack' : 'CreateStack', input);
    status = await waitStack(client, p.stackName, since, flags.json || flags.quiet);
  } catch (e) {
    if (/No updates are to be performed/.test((e as Error).message)) status = existing!.status;
    else throw e;
  }
  const ok = /^(CREATE|UPDATE)_COMPLETE$/.test(status);
  const [after, apis] = await Promise.all([
    stackStatus(client, p.stackName),
    ok ? apiUrls(client, p.stackName) : Promise.resolve({}),
  ]);
  if (!ok) {
    const failed = await firstFailure(client, p.stackName, since).catch(() => undefined);
    throw new CliError(
      `stack ${p.stackName} ended in ${status}${after?.reason ? `: ${after.reason}` : ''}${failed ? `; ${failed}` : ''}`,
      failureHint(failed),
    );
  }
  return { stackName: p.stackName, status, outputs: after?.outputs ?? {}, apis, ms: Date.now() - started, prepared: p };
}

/** The hint under a failed deploy: the generic one, or what to do about a failure templates often meet. */
function failureHint(failed: string | undefined): string {
  const generic = 'see the failed resources above; `overcast events` lists them again';
  const layer = failed && /Layer version (arn:aws:lambda:[^:]+:\d{12}:layer:[^:\s]+:\d+) does not exist/.exec(failed);
  if (layer)
    return `${generic}. ${layer[1]} is not on this server: a layer published in another account (a public one such as Lambda Insights) is not fetched; publish its content here with \`aws lambda publish-layer-version\` and use that ARN, or leave the layer out`;
  return generic;
}

export function printResult(
  r: { stackName: string; status: string; outputs: Record<string, string>; apis: Record<string, string[]>; ms: number },
  json?: boolean,
): void {
  if (json) {
    process.stdout.write(
      JSON.stringify({ StackName: r.stackName, StackStatus: r.status, Outputs: r.outputs, Apis: r.apis, ms: r.ms }) +
        '\n',
    );
    return;
  }
  const lines = [`${r.stackName}: ${r.status} in ${r.ms} ms`];
  if (Object.keys(r.outputs).length)
    lines.push('Outputs:', ...Object.entries(r.outputs).map(([k, v]) => `  ${k.padEnd(24)} ${v}`));
  if (Object.keys(r.apis).length)
    lines.push('APIs:', ...Object.entries(r.apis).flatMap(([k, urls]) => urls.map((u) => `  ${k.padEnd(24)} ${u}`)));
  process.stdout.write(lines.join('\n') + '\n');
}

export async function destroy(flags: Flags): Promise<void> {
  const client = clientOf(flags);
  const name = flags.stackName ?? (await prepare(flags)).stackName;
  if (!(await stackStatus(client, name)))
    throw new CliError(`stack ${name} does not exist`, 'list stacks with `overcast status`');
  const since = Date.now();
  await cfn(client, 'DeleteStack', { StackName: name });
  let status = 'DELETE_COMPLETE';
  try {
    status = await waitStack(client, name, since, flags.json);
  } catch (e) {
    if (!/does not exist/.test((e as Error).message)) throw e;
  }
  if (flags.json) process.stdout.write(JSON.stringify({ StackName: name, StackStatus: status }) + '\n');
  else process.stdout.write(`${name}: ${status}\n`);
  if (status !== 'DELETE_COMPLETE') process.exitCode = 1;
}

export async function status(flags: Flags): Promise<void> {
  const client = clientOf(flags);
  const xml = await cfn(client, 'DescribeStacks', flags.stackName ? { StackName: flags.stackName } : {});
  const stacks = [];
  for (const s of members(xml, 'Stacks')) {
    const name = field(s, 'StackName') ?? '';
    const outputs: Record<string, string> = {};
    for (const o of members(s, 'Outputs')) outputs[field(o, 'OutputKey') ?? ''] = field(o, 'OutputValue') ?? '';
    const res = members(await cfn(client, 'ListStackResources', { StackName: name }), 'StackResourceSummaries').map(
      (m) => ({
        LogicalResourceId: field(m, 'LogicalResourceId'),
        ResourceType: field(m, 'ResourceType'),
        PhysicalResourceId: field(m, 'PhysicalResourceId'),
        ResourceStatus: field(m, 'ResourceStatus'),
      }),
    );
    stacks.push({
      StackName: name,
      StackStatus: field(s, 'StackStatus'),
      Outputs: outputs,
      Apis: await apiUrls(client, name),
      Resources: res,
    });
  }
  // ECS clusters, services and running tasks (not when one stack is asked for).
  const ecs = flags.stackName ? undefined : await ecsStatus(client);
  if (flags.json)
    return void process.stdout.write(
      JSON.stringify({ Endpoint: client.endpoint, Stacks: stacks, ...(ecs ? { Ecs: { Clusters: ecs } } : {}) }) + '\n',
    );
  const lines = [`Overcast at ${client.endpoint}`];
  if (!stacks.length) lines.push('  no stacks (deploy one with `overcast deploy`)');
  if (ecs) lines.push(...ecsStatusLines(ecs));
  for (const s of stacks) {
    lines.push(`\n${s.StackName}  ${s.StackStatus}`);
    for (const r of s.Resources)
      lines.push(
        `  ${String(r.ResourceType).padEnd(34)} ${String(r.LogicalResourceId).padEnd(32)} ${r.PhysicalResourceId}`,
      );
    for (const [k, urls] of Object.entries(s.Apis)) for (const u of urls) lines.push(`  url  ${k}  ${u}`);
    for (const [k, v] of Object.entries(s.Outputs)) lines.push(`  output  ${k} = ${v}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export async function validate(flags: Flags): Promise<void> {
  const client = clientOf(flags);
  const p = await prepare(flags);
  const xml = await cfn(client, 'ValidateTemplate', { TemplateBody: JSON.stringify(p.template) });
  const params = members(xml, 'Parameters').map((m) => field(m, 'ParameterKey'));
  if (flags.json) process.stdout.write(JSON.stringify({ Valid: true, Parameters: params }) + '\n');
  else
    process.stdout.write(
      `${flags.template ?? 'template'} is valid${params.length ? ` (parameters: ${params.join(', ')})` : ''}\n`,
    );
}

/** `overcast dev` with no server at a local endpoint: run one in this process (state in ./.overcast). */
async function ensureServer(client: ClientOptions, json?: boolean): Promise<void> {
  try {
    const res = await fetch(new URL('/_overcast/health', client.endpoint));
    if (res.ok) return;
  } catch {
    // nothing listening
  }
  if (!isLocal(client.endpoint))
    throw new CliError(`no Overcast server answers at ${client.endpoint}`, 'start it there with `overcast start`');
  const { configFromEnv, resolveConfig } = await import('../config/load.js');
  const { startOvercast } = await import('../platform.js');
  const url = new URL(client.endpoint);
  const config = resolveConfig(configFromEnv(process.env), {
    port: Number(url.port || 80),
    host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, ''),
    logLevel: 'warn',
  });
  const overcast = await startOvercast({ config });
  process.once('SIGINT', () => void overcast.stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void overcast.stop().then(() => process.exit(0)));
  if (!json)
    process.stderr.write(
      `started Overcast at ${overcast.endpoint} (state ${config.ephemeral ? 'in memory' : `in ${resolve(config.dataDir)}`})\n`,
    );
}

/** `overcast dev`: deploy, then redeploy on change; a handler change only swaps that function's code. */
export async function dev(flags: Flags): Promise<void> {
  const client = clientOf(flags);
  await ensureServer(client, flags.json);
  let r = await deploy(flags);
  printResult(r, flags.json);
  const templatePath = r.prepared.path;
  let timer: NodeJS.Timeout | undefined;
  const pending = new Set<string>();
  let running: Promise<void> = Promise.resolve();
  const run = async (): Promise<void> => {
    const changed = [...pending];
    pending.clear();
    if (!changed.length) return;
    try {
      if (changed.includes('__template__')) {
        physicalIds.clear();
        r = await deploy(flags);
        printResult(r, flags.json);
        watchCode();
        return;
      }
      // Only the functions whose code changed: their code is swapped, everything else keeps running.
      await Promise.all(
        changed.map(async (id) => {
          const ms = await updateCode(client, r, id);
          if (flags.json) process.stdout.write(JSON.stringify({ Updated: id, ms }) + '\n');
          else process.stderr.write(`updated ${id} in ${ms} ms\n`);
        }),
      );
    } catch (e) {
      fail(e, flags.json);
    }
  };
  const schedule = (key: string): void => {
    pending.add(key);
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(run);
    }, 10);
  };
  // The template's folder, not the file: editors save by renaming, which ends a watch on the file itself.
  const templateName = templatePath.split('/').pop();
  watch(dirname(templatePath), (_e, file) => {
    if (file && String(file) === templateName) schedule('__template__');
  });
  const watchers = new Map<string, FSWatcher>();
  const watchCode = (): void => {
    const dirs = new Map<string, string[]>();
    for (const [id, f] of r.prepared.functions) dirs.set(f.codeDir, [...(dirs.get(f.codeDir) ?? []), id]);
    for (const [dir, w] of watchers)
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    for (const [dir, ids] of dirs) {
      watchers.get(dir)?.close();
      watchers.set(
        dir,
        watch(dir, { recursive: true }, (_e, file) => {
          if (file && !String(file).includes('node_modules')) for (const id of ids) schedule(id);
        }),
      );
    }
  };
  watchCode();
  void streamLogs(client, r);
  if (!flags.json) process.stderr.write('watching for changes (Ctrl-C to stop)\n');
  await new Promise(() => undefined);
}

/** Function names by `<stack>/<logical id>` (a template redeploy clears them). */
const physicalIds = new Map<string, string>();

export async function updateCode(
  client: ClientOptions,
  r: Awaited<ReturnType<typeof deploy>>,
  id: string,
): Promise<number> {
  const t0 = Date.now();
  const f = r.prepared.functions.get(id)!;
  const key = `${r.stackName}/${id}`;
  let physical = physicalIds.get(key);
  if (!physical) {
    const xml = await cfn(client, 'DescribeStackResource', { StackName: r.stackName, LogicalResourceId: id });
    physical = field(xml, 'PhysicalResourceId');
    if (!physical) throw new CliError(`no physical id for ${id}`);
    physicalIds.set(key, physical);
  }
  const resource = (r.prepared.template.Resources as Obj)[id] as Obj;
  const dir = f.build ? await bundle(id, f.codeDir, f.handler, resource.Metadata, r.prepared.dir) : f.codeDir;
  const zip = await zipDirectory(dir);
  await callRest(client, 'lambda', 'PUT', `/2015-03-31/functions/${encodeURIComponent(physical)}/code`, {
    ZipFile: zip.toString('base64'),
  });
  return Date.now() - t0;
}

async function streamLogs(client: ClientOptions, r: Awaited<ReturnType<typeof deploy>>): Promise<void> {
  const { callJson } = await import('./aws-client.js');
  const names: string[] = [];
  for (const id of r.prepared.functions.keys()) {
    const xml = await cfn(client, 'DescribeStackResource', { StackName: r.stackName, LogicalResourceId: id }).catch(
      () => '',
    );
    const p = field(xml, 'PhysicalResourceId');
    if (p) names.push(p);
  }
  let since = Date.now();
  const colours = ['\x1b[36m', '\x1b[35m', '\x1b[34m', '\x1b[33m'];
  for (;;) {
    const now = Date.now();
    for (const [i, name] of names.entries()) {
      try {
        const out = await callJson(
          client,
          'logs',
          'Logs_20140328.FilterLogEvents',
          { logGroupName: `/aws/lambda/${name}`, startTime: since },
          '1.1',
        );
        for (const e of out.events ?? []) {
          const tty = process.stderr.isTTY;
          process.stderr.write(
            `${tty ? colours[i % colours.length] : ''}${name}${tty ? '\x1b[0m' : ''} ${String(e.message).trimEnd()}\n`,
          );
        }
      } catch {
        // the log group appears with the first invocation
      }
    }
    since = now;
    await new Promise((res) => setTimeout(res, 500));
  }
}
