import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import type { ImagesOptions } from './images-client.js';
import { RegistryClient, clientOptions, formatBytes, parseImageRef, progress } from './images-client.js';

/** One Dockerfile instruction after line continuations are joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

const SUPPORTED = new Set(['FROM', 'COPY', 'ENV', 'WORKDIR', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'USER', 'LABEL', 'ARG']);

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    const start = i + 1;
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1) + ' ' + lines[++i]!.trim();
    }
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'RUN') {
      throw new Error(
        `Dockerfile line ${start}: RUN is not supported (overcast images build runs nothing; start FROM an image that already has what RUN would install)`,
      );
    }
    if (!SUPPORTED.has(keyword))
      throw new Error(
        `Dockerfile line ${start}: ${keyword} is not supported (supported: FROM, COPY, ENV, WORKDIR, CMD, ENTRYPOINT, EXPOSE, USER, LABEL, ARG)`,
      );
    out.push({ keyword, args: m[2]!.trim(), line: start });
  }
  return out;
}

/** Exec form (`["a","b"]`) or shell form (`/bin/sh -c "..."`). */
function commandOf(args: string): string[] {
  if (args.startsWith('[')) {
    const v = JSON.parse(args) as unknown;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`invalid exec form: ${args}`);
    return v;
  }
  return ['/bin/sh', '-c', args];
}

/** `KEY=value KEY2="v 2"` or the legacy `KEY value`. */
function pairsOf(args: string): [string, string][] {
  if (!/^[^\s=]+=/.test(args)) {
    const m = /^(\S+)\s+(.*)$/.exec(args);
    if (!m) throw new Error(`invalid ENV/LABEL: ${args}`);
    return [[m[1]!, m[2]!]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args))) {
    let v = m[2]!;
    if (v.startsWith('"')) v = JSON.parse(v) as string;
    else if (v.startsWith("'")) v = v.slice(1, -1);
    out.push([m[1]!, v]);
  }
  return out;
}

function substitute(value: string, vars: Map<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_all, a: string | undefined, def: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      return vars.get(name) ?? def ?? '';
    },
  );
}

interface ImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  config?: Record<string, any>;
  rootfs?: { type: string; diff_ids: string[] };
  history?: Record<string, unknown>[];
}

interface LayerFile {
  path: string;
  size: number;
  digest: string;
  diffId: string;
}

/** Files of a COPY source: a file, a directory's contents, or a `*` glob in the last component. */
function expandSource(context: string, src: string): string[] {
  const full = resolve(context, src);
  const rel = relative(context, full);
  if (rel.startsWith('..') || resolve(rel) === rel) throw new Error(`COPY ${src}: outside the build context`);
  const base = full.slice(full.lastIndexOf(sep) + 1);
  if (base.includes('*') || base.includes('?')) {
    const dir = full.slice(0, full.lastIndexOf(sep));
    const re = new RegExp(
      `^${base
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => re.test(n))
          .map((n) => join(dir, n))
      : [];
  }
  if (!existsSync(full)) throw new Error(`COPY ${src}: no such file in the build context`);
  return [full];
}

/** Build one gzip layer for a COPY into a temporary file, hashing compressed and uncompressed bytes. */
async function copyLayer(
  context: string,
  sources: string[],
  dest: string,
  chown: { uid: number; gid: number },
  tmp: string,
): Promise<LayerFile> {
  const p = pack();
  const destIsDir =
    dest.endsWith('/') ||
    sources.length > 1 ||
    (sources.length === 1 && statSync(expandSource(context, sources[0]!)[0] ?? context).isDirectory());
  const seenDirs = new Set<string>();
  const addDir = (path: string) => {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (seenDirs.has(d)) continue;
      seenDirs.add(d);
      p.entry({ name: `${d}/`, type: 'directory', mode: 0o755, uid: chown.uid, gid: chown.gid, mtime: new Date(0) });
    }
  };
  const addPath = (file: string, target: string) => {
    const st = lstatSync(file);
    const name = target.replace(/^\/+/, '');
    if (st.isDirectory()) {
      addDir(name);
      for (const child of readdirSync(file).sort()) addPath(join(file, child), posix.join(target, child));
    } else if (st.isSymbolicLink()) {
      addDir(posix.dirname(name));
      p.entry({
        name,
        type: 'symlink',
        linkname: readlinkSync(file),
        mode: 0o777,
        uid: chown.uid,
        gid: chown.gid,
        mtime: st.mtime,
      });
    } else if (st.isFile()) {
      addDir(posix.dirname(name));
      p.entry(
        { name, size: st.size, mode: st.mode & 0o7777, uid: chown.uid, gid: chown.gid, mtime: st.mtime },
        readFileSync(file),
      );
    }
  };
  for (const src of sources) {
    for (const file of expandSource(context, src)) {
      const isDir = statSync(file).isDirectory();
      if (isDir) addPath(file, dest);
      else addPath(file, destIsDir ? posix.join(dest, file.slice(file.lastIndexOf(sep) + 1)) : dest);
    }
  }
  p.finalize();
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  let size = 0;
  const tap = (hash: ReturnType<typeof createHash>, count: boolean) =>
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        if (count) size += chunk.length;
        cb(null, chunk);
      },
    });
  const path = join(tmp, `layer-${Date.now()}-${Math.random().toString(36).slice(2)}.tar.gz`);
  await pipeline(p, tap(diff, false), createGzip(), tap(compressed, true), createWriteStream(path));
  return { path, size, digest: `sha256:${compressed.digest('hex')}`, diffId: `sha256:${diff.digest('hex')}` };
}

export interface BuildResult {
  repository: string;
  tag: string;
  digest: string;
  base: string;
  layers: number;
}

/** `overcast images build <dir> -t <repo:tag>`: FROM an image Overcast holds, COPY files, set config; no RUN. */
export async function buildImage(
  contextDir: string,
  flags: ImagesOptions & { tag?: string; file?: string; platform?: string },
): Promise<BuildResult> {
  const log = progress(flags);
  if (!flags.tag) throw new Error('give the image name with -t <repo:tag>');
  const context = resolve(contextDir);
  const dockerfile = resolve(context, flags.file ?? 'Dockerfile');
  if (!existsSync(dockerfile)) throw new Error(`${dockerfile} not found`);
  const steps = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const from = steps[0];
  if (!from || (from.keyword !== 'FROM' && from.keyword !== 'ARG')) throw new Error('a Dockerfile starts with FROM');
  if (steps.filter((s) => s.keyword === 'FROM').length !== 1)
    throw new Error('exactly one FROM is supported (no multi-stage builds)');
  const { name, tag } = parseImageRef(flags.tag);
  const client = new RegistryClient(clientOptions(flags));
  await client.prepare(name);
  const vars = new Map<string, string>();
  let config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  let baseLayers: { mediaType: string; digest: string; size: number }[] = [];
  let docker = false;
  let baseName = 'scratch';
  const layerFiles: LayerFile[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'overcast-build-'));
  const now = new Date().toISOString();
  try {
    for (const step of steps) {
      const args = step.keyword === 'FROM' || step.keyword === 'ARG' ? step.args : substitute(step.args, vars);
      const c = (config.config ??= {});
      switch (step.keyword) {
        case 'ARG': {
          const [k, v] = args.split('=', 2);
          if (!vars.has(k!)) vars.set(k!, v ?? '');
          break;
        }
        case 'FROM': {
          const ref = substitute(args.split(/\s+/)[0]!, vars);
          baseName = ref;
          if (ref === 'scratch') break;
          const base = parseImageRef(ref);
          let m = await client.getManifest(base.name, base.tag);
          let json = JSON.parse(m.bytes.toString('utf8')) as {
            manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
            config?: { digest: string };
            layers?: typeof baseLayers;
          };
          if (json.manifests) {
            const [os, arch] = (flags.platform ?? 'linux/amd64').split('/');
            const pick =
              json.manifests.find((x) => x.platform?.os === os && x.platform?.architecture === arch) ??
              json.manifests[0];
            if (!pick) throw new Error(`${ref} is an empty index`);
            m = await client.getManifest(base.name, pick.digest);
            json = JSON.parse(m.bytes.toString('utf8')) as typeof json;
          }
          docker = m.mediaType === 'application/vnd.docker.distribution.manifest.v2+json';
          config = JSON.parse((await client.getBlob(base.name, json.config!.digest)).toString('utf8')) as ImageConfig;
          baseLayers = json.layers ?? [];
          // make the base's blobs visible in the target repository (cross-repository mount, no copy)
          for (const b of [json.config!, ...baseLayers]) await client.mountBlob(name, b.digest, base.name);
          log(`FROM ${ref} (${baseLayers.length} layers)`);
          break;
        }
        case 'COPY': {
          let rest = args;
          let chown = { uid: 0, gid: 0 };
          const flag = /^--chown=(\d+)(?::(\d+))?\s+/.exec(rest);
          if (flag) {
            chown = { uid: Number(flag[1]), gid: Number(flag[2] ?? flag[1]) };
            rest = rest.slice(flag[0].length);
          }
          if (/^--/.test(rest))
            throw new Error(
              `Dockerfile line ${step.line}: COPY ${rest.split(/\s/)[0]} is not supported (only --chown=<uid>:<gid>)`,
            );
          const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
          if (parts.length < 2) throw new Error(`Dockerfile line ${step.line}: COPY needs a source and a destination`);
          let dest = parts[parts.length - 1]!;
          if (!dest.startsWith('/'))
            dest = posix.join((c['WorkingDir'] as string | undefined) ?? '/', dest) + (dest.endsWith('/') ? '/' : '');
          const layer = await copyLayer(context, parts.slice(0, -1), dest, chown, tmp);
          layerFiles.push(layer);
          config.rootfs ??= { type: 'layers', diff_ids: [] };
          config.rootfs.diff_ids.push(layer.diffId);
          (config.history ??= []).push({ created: now, created_by: `COPY ${rest}` });
          log(`COPY ${parts.slice(0, -1).join(' ')} ${dest}  ${formatBytes(layer.size)}`);
          break;
        }
        case 'ENV': {
          const env = ((c['Env'] as string[] | undefined) ?? []).slice();
          for (const [k, v] of pairsOf(args)) {
            vars.set(k, v);
            const i = env.findIndex((e) => e.startsWith(`${k}=`));
            if (i >= 0) env[i] = `${k}=${v}`;
            else env.push(`${k}=${v}`);
          }
          c['Env'] = env;
          break;
        }
        case 'WORKDIR':
          c['WorkingDir'] = args.startsWith('/')
            ? args
            : posix.join((c['WorkingDir'] as string | undefined) ?? '/', args);
          break;
        case 'CMD':
          c['Cmd'] = commandOf(args);
          break;
        case 'ENTRYPOINT':
          c['Entrypoint'] = commandOf(args);
          // Like docker build: a new ENTRYPOINT drops the CMD inherited from the base image.
          if (!steps.slice(steps.indexOf(step)).some((s) => s.keyword === 'CMD')) delete c['Cmd'];
          break;
        case 'EXPOSE': {
          const ports = (c['ExposedPorts'] as Record<string, object> | undefined) ?? {};
          for (const p of args.split(/\s+/)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
          c['ExposedPorts'] = ports;
          break;
        }
        case 'USER':
          c['User'] = args;
          break;
        case 'LABEL': {
          const labels = (c['Labels'] as Record<string, string> | undefined) ?? {};
          for (const [k, v] of pairsOf(args)) labels[k] = v;
          c['Labels'] = labels;
          break;
        }
      }
      if (step.keyword !== 'COPY' && step.keyword !== 'FROM' && step.keyword !== 'ARG') {
        (config.history ??= []).push({ created: now, created_by: `${step.keyword} ${args}`, empty_layer: true });
      }
    }
    config.created = now;
    const layerType = docker
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : 'application/vnd.oci.image.layer.v1.tar+gzip';
    const layers = [...baseLayers];
    for (const l of layerFiles) {
      await client.pushBlob(name, l.digest, { file: l.path, size: l.size });
      layers.push({ mediaType: layerType, digest: l.digest, size: l.size });
    }
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
    await client.pushBlob(name, configDigest, configBytes);
    const mediaType = docker
      ? 'application/vnd.docker.distribution.manifest.v2+json'
      : 'application/vnd.oci.image.manifest.v1+json';
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: {
          mediaType: docker
            ? 'application/vnd.docker.container.image.v1+json'
            : 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: configBytes.length,
        },
        layers,
      }),
    );
    const digest = await client.putManifest(name, tag, mediaType, manifest);
    const result: BuildResult = { repository: name, tag, digest, base: baseName, layers: layers.length };
    log(`built ${name}:${tag} ${digest}`);
    if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
