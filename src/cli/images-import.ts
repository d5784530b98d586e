import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { ImagesOptions } from './images-client.js';
import { RegistryClient, clientOptions, formatBytes, parseImageRef, progress } from './images-client.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImportResult {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  blobs: number;
  uploaded: number;
  bytes: number;
}

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** `overcast images import <oci-layout-dir|docker-archive.tar> <repo:tag>` */
export async function importImage(
  source: string,
  target: string,
  flags: ImagesOptions & { ref?: string },
): Promise<ImportResult> {
  const log = progress(flags);
  const { name, tag } = parseImageRef(target);
  const client = new RegistryClient(clientOptions(flags));
  await client.prepare(name);
  if (!existsSync(source)) throw new Error(`${source} does not exist`);
  const result = statSync(source).isDirectory()
    ? await importOciLayout(client, source, name, tag, flags.ref, log)
    : await importDockerArchive(client, source, name, tag, log);
  log(
    `imported ${name}:${tag} ${result.digest} (${result.blobs} blobs, ${result.uploaded} uploaded, ${formatBytes(result.bytes)})`,
  );
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
  return result;
}

// ---- OCI image layout

async function importOciLayout(
  client: RegistryClient,
  dir: string,
  name: string,
  tag: string,
  ref: string | undefined,
  log: (l: string) => void,
): Promise<ImportResult> {
  if (!existsSync(join(dir, 'oci-layout')) || !existsSync(join(dir, 'index.json'))) {
    throw new Error(`${dir} is not an OCI image layout (no oci-layout / index.json)`);
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  let top: Descriptor | undefined;
  if (ref) top = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  else if (index.manifests.length === 1) top = index.manifests[0];
  else top = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!top) {
    const refs = index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']).filter(Boolean);
    throw new Error(`choose the image of the layout with --ref (one of: ${refs.join(', ') || 'none named'})`);
  }
  const blobPath = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const result: ImportResult = {
    repository: name,
    tag,
    digest: top.digest,
    mediaType: top.mediaType,
    blobs: 0,
    uploaded: 0,
    bytes: 0,
  };
  const pushManifest = async (d: Descriptor, ref: string): Promise<void> => {
    const bytes = readFileSync(blobPath(d.digest));
    const manifest = JSON.parse(bytes.toString('utf8')) as {
      mediaType?: string;
      config?: Descriptor;
      layers?: Descriptor[];
      manifests?: Descriptor[];
    };
    const mediaType = manifest.mediaType ?? d.mediaType;
    if (INDEX_TYPES.includes(mediaType)) {
      for (const child of manifest.manifests ?? []) {
        if (existsSync(blobPath(child.digest))) await pushManifest(child, child.digest);
      }
    } else {
      for (const b of [manifest.config!, ...(manifest.layers ?? [])]) {
        const path = blobPath(b.digest);
        if (!existsSync(path)) {
          if (b.mediaType.includes('nondistributable') || b.mediaType.includes('foreign')) continue;
          throw new Error(`blob ${b.digest} is missing from the layout`);
        }
        const size = statSync(path).size;
        result.blobs++;
        const uploaded = await client.pushBlob(name, b.digest, { file: path, size });
        if (uploaded) {
          result.uploaded++;
          result.bytes += size;
        }
        log(`${uploaded ? 'pushed ' : 'exists '} ${b.digest.slice(0, 19)}  ${formatBytes(size)}`);
      }
    }
    await client.putManifest(name, ref, mediaType, bytes);
  };
  await pushManifest(top, tag);
  return result;
}

// ---- docker-archive (docker save)

interface DockerArchiveManifest {
  Config: string;
  RepoTags?: string[];
  Layers: string[];
}

async function scanTar(
  file: string,
  onEntry: (name: string, stream: Readable, size: number) => Promise<void>,
): Promise<void> {
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.on('entry', (header, stream, next) => {
    onEntry(header.name.replace(/^\.\//, ''), stream as unknown as Readable, header.size ?? 0).then(
      () => {
        stream.resume();
        next();
      },
      (err: unknown) => ex.destroy(err as Error),
    );
  });
  createReadStream(file).pipe(ex);
  await done;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function importDockerArchive(
  client: RegistryClient,
  file: string,
  name: string,
  tag: string,
  log: (l: string) => void,
): Promise<ImportResult> {
  // Pass 1: the small JSON files (manifest.json, the image config).
  const json = new Map<string, Buffer>();
  await scanTar(file, async (entry, stream, size) => {
    if (
      entry === 'manifest.json' ||
      (size < 4 * 1024 * 1024 && (entry.endsWith('.json') || entry.startsWith('blobs/')) && size < 1024 * 1024)
    ) {
      json.set(entry, await readAll(stream));
    }
  });
  const manifestJson = json.get('manifest.json');
  if (!manifestJson) throw new Error(`${file} is not a docker archive (no manifest.json)`);
  const manifests = JSON.parse(manifestJson.toString('utf8')) as DockerArchiveManifest[];
  const wanted =
    manifests.find((m) =>
      m.RepoTags?.some((t) => parseImageRef(t).tag === tag && parseImageRef(t).name.endsWith(name)),
    ) ?? manifests[0];
  if (!wanted) throw new Error(`${file} holds no image`);
  const config = json.get(wanted.Config);
  if (!config) throw new Error(`${file}: config ${wanted.Config} missing`);
  // Pass 2: stream every layer into the registry, hashing on the way.
  const layers = new Map<string, Descriptor>();
  const result: ImportResult = {
    repository: name,
    tag,
    digest: '',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    blobs: 0,
    uploaded: 0,
    bytes: 0,
  };
  await scanTar(file, async (entry, stream, size) => {
    if (!wanted.Layers.includes(entry) || layers.has(entry)) return;
    const d = await client.pushStream(name, stream);
    layers.set(entry, {
      mediaType: d.gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
      digest: d.digest,
      size: d.size,
    });
    result.blobs++;
    result.uploaded++;
    result.bytes += size;
    log(`pushed  ${d.digest.slice(0, 19)}  ${formatBytes(size)}  (${entry})`);
  });
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  await client.pushBlob(name, configDigest, config);
  result.blobs++;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: result.mediaType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: wanted.Layers.map((l) => {
        const d = layers.get(l);
        if (!d) throw new Error(`${file}: layer ${l} missing`);
        return d;
      }),
    }),
  );
  result.digest = await client.putManifest(name, tag, result.mediaType, manifest);
  return result;
}
