/** Manifest media types, parsing and the references a manifest holds. */

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
const IMAGE_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest]);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture?: string; os?: string; variant?: string };
  urls?: string[];
}

export interface ParsedManifest {
  mediaType: string;
  isIndex: boolean;
  artifactType: string | undefined;
  configMediaType: string | undefined;
  subject: string | undefined;
  annotations: Record<string, string> | undefined;
  /** Blobs the manifest needs (config and layers; non-distributable layers excluded). */
  blobs: Descriptor[];
  /** Foreign layers that may live elsewhere. */
  foreign: Descriptor[];
  /** Child manifests (indexes). */
  manifests: Descriptor[];
  /** Sum of config and layer sizes (images). */
  imageSize: number;
}

export class ManifestError extends Error {
  constructor(
    readonly code: 'MANIFEST_INVALID' | 'UNSUPPORTED',
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function descriptor(v: unknown, where: string): Descriptor {
  if (
    !isObject(v) ||
    typeof v['mediaType'] !== 'string' ||
    typeof v['digest'] !== 'string' ||
    typeof v['size'] !== 'number'
  ) {
    throw new ManifestError('MANIFEST_INVALID', `invalid descriptor in ${where}`);
  }
  if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(v['digest']) || v['size'] < 0) {
    throw new ManifestError('MANIFEST_INVALID', `invalid descriptor digest in ${where}`);
  }
  return v as unknown as Descriptor;
}

function isForeign(d: Descriptor): boolean {
  return d.mediaType.includes('.nondistributable.') || d.mediaType.includes('.foreign.');
}

/** Strip media type parameters (`; charset=...`). */
export function baseMediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const t = contentType.split(';')[0]!.trim();
  return t || undefined;
}

/** Parse and check a manifest's JSON against the given (or detected) media type. */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ManifestError('MANIFEST_INVALID', 'manifest is not valid JSON');
  }
  if (!isObject(json)) throw new ManifestError('MANIFEST_INVALID', 'manifest is not a JSON object');
  const declared = typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined;
  let mediaType = baseMediaType(contentType);
  if (mediaType === 'application/json' || mediaType === 'application/octet-stream') mediaType = undefined;
  if (mediaType && declared && declared !== mediaType) {
    throw new ManifestError('MANIFEST_INVALID', `mediaType in manifest should be '${mediaType}' not '${declared}'`);
  }
  mediaType ??=
    declared ??
    (Array.isArray(json['manifests']) ? MT.ociIndex : json['config'] !== undefined ? MT.ociManifest : undefined);
  if (!mediaType) throw new ManifestError('MANIFEST_INVALID', 'manifest media type unknown');
  if (mediaType === MT.dockerSchema1 || mediaType === MT.dockerSchema1Signed) {
    throw new ManifestError('UNSUPPORTED', 'Docker schema 1 manifests are not supported');
  }
  const isIndex = INDEX_TYPES.has(mediaType);
  if (!isIndex && !IMAGE_TYPES.has(mediaType)) {
    throw new ManifestError('MANIFEST_INVALID', `unsupported manifest media type '${mediaType}'`);
  }
  if (json['schemaVersion'] !== 2) throw new ManifestError('MANIFEST_INVALID', 'schemaVersion must be 2');
  const subject = json['subject'] !== undefined ? descriptor(json['subject'], 'subject').digest : undefined;
  const annotations = isObject(json['annotations']) ? (json['annotations'] as Record<string, string>) : undefined;
  const artifactType = typeof json['artifactType'] === 'string' ? json['artifactType'] : undefined;
  const parsed: ParsedManifest = {
    mediaType,
    isIndex,
    artifactType,
    configMediaType: undefined,
    subject,
    annotations,
    blobs: [],
    foreign: [],
    manifests: [],
    imageSize: 0,
  };
  if (isIndex) {
    if (!Array.isArray(json['manifests'])) throw new ManifestError('MANIFEST_INVALID', 'index without manifests');
    parsed.manifests = json['manifests'].map((m, i) => descriptor(m, `manifests[${i}]`));
    return parsed;
  }
  const config = descriptor(json['config'], 'config');
  parsed.configMediaType = config.mediaType;
  parsed.blobs.push(config);
  const layers = json['layers'] ?? [];
  if (!Array.isArray(layers)) throw new ManifestError('MANIFEST_INVALID', 'layers must be a list');
  if (mediaType === MT.dockerManifest && layers.length === 0) {
    throw new ManifestError('MANIFEST_INVALID', 'Docker image manifests need at least one layer');
  }
  parsed.imageSize = config.size;
  layers.forEach((l, i) => {
    const d = descriptor(l, `layers[${i}]`);
    parsed.imageSize += d.size;
    if (isForeign(d)) parsed.foreign.push(d);
    else parsed.blobs.push(d);
  });
  return parsed;
}

/** The descriptor of a manifest in a referrers list. */
export function referrerDescriptor(row: {
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  config_media_type: string | null;
  annotations: string | null;
}): Descriptor {
  const d: Descriptor = { mediaType: row.media_type, digest: row.digest, size: Number(row.size) };
  const artifactType =
    row.artifact_type ?? (INDEX_TYPES.has(row.media_type) ? undefined : (row.config_media_type ?? undefined));
  if (artifactType) d.artifactType = artifactType;
  if (row.annotations) d.annotations = JSON.parse(row.annotations) as Record<string, string>;
  return d;
}
