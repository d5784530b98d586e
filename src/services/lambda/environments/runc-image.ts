/**
 * Container-image functions: where a function's ImageUri points in Overcast's own registry, and
 * what the image resolves to (the manifest digest Lambda pins as ResolvedImageUri).
 */
import type { ImageConfigFile, ImagePort, ResolvedImage } from '../../ecr/port.js';

/** A repository reference in Overcast's registry. */
export interface ImageLocation {
  account: string;
  region: string;
  /** `<account>.dkr.ecr.<region>.localhost:<port>`, `localhost:<port>`, … as the URI wrote it. */
  registry: string;
  repo: string;
  /** Tag or `sha256:…` digest. */
  ref: string;
}

/** The function's ImageConfig overrides (CreateFunction / UpdateFunctionConfiguration). */
export interface FunctionImageConfig {
  EntryPoint?: string[];
  Command?: string[];
  WorkingDirectory?: string;
}

/** What the runc provider needs about a function's image (carried on the EnvironmentSpec). */
export interface FunctionImage {
  imageUri: string;
  /** Manifest digest the URI resolved to when the code was deployed (the environment runs exactly that). */
  resolvedDigest: string;
  imageConfig?: FunctionImageConfig;
}

export interface ResolvedFunctionImage {
  location: ImageLocation;
  image: ResolvedImage;
  /** `<registry>/<repo>@sha256:…` (GetFunction's Code.ResolvedImageUri). */
  resolvedImageUri: string;
}

/**
 * Parses `<account>.dkr.ecr.<region>.(localhost|amazonaws.com)[:port]/<repo>[:tag|@sha256:…]`,
 * or `localhost[:port]/…` / `127.0.0.1[:port]/…` (the caller's account and region).
 */
export function parseImageUri(uri: string, account: string, region: string): ImageLocation | undefined {
  const slash = uri.indexOf('/');
  if (slash <= 0) return undefined;
  const registry = uri.slice(0, slash);
  const rest = uri.slice(slash + 1);
  let acct = account;
  let reg = region;
  const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.-]+(?::\d+)?$/.exec(registry);
  if (ecr) {
    acct = ecr[1]!;
    reg = ecr[2]!;
  } else if (!/^(localhost|127\.0\.0\.1)(:\d+)?$/.test(registry)) {
    return undefined;
  }
  let repo = rest;
  let ref = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    repo = rest.slice(0, at);
    ref = rest.slice(at + 1);
    if (!/^sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      repo = rest.slice(0, colon);
      ref = rest.slice(colon + 1);
    }
  }
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(repo) || !ref) return undefined;
  return { account: acct, region: reg, registry, repo, ref };
}

/** Resolves an ImageUri in the registry; undefined when the URI is not Overcast's or the image is absent. */
export async function resolveImageUri(
  images: ImagePort,
  uri: string,
  account: string,
  region: string,
): Promise<ResolvedFunctionImage | undefined> {
  const location = parseImageUri(uri, account, region);
  if (!location) return undefined;
  const image = await images.resolve(location.account, location.region, location.repo, location.ref);
  if (!image.ok) return undefined;
  return { location, image, resolvedImageUri: `${location.registry}/${location.repo}@${image.resolvedDigest}` };
}

/**
 * The process a container-image function runs: ImageConfig.EntryPoint / Command / WorkingDirectory
 * each replace the image's ENTRYPOINT / CMD / WORKDIR (independently, as Lambda applies them).
 */
export function imageProcess(
  img: ImageConfigFile,
  overrides: FunctionImageConfig | undefined,
): { args: string[]; command: string[]; cwd: string } {
  const c = img.config ?? {};
  const entrypoint = overrides?.EntryPoint?.length ? overrides.EntryPoint : (c.Entrypoint ?? []);
  const command = overrides?.Command?.length ? overrides.Command : (c.Cmd ?? []);
  const cwd = overrides?.WorkingDirectory || c.WorkingDir || '/';
  return { args: [...entrypoint, ...command], command, cwd };
}
