/**
 * The OCI bundle of a container-image function's environment: the image's config merged with the
 * function's ImageConfig and Lambda's environment variables, a read-only root (only /tmp is
 * writable, as on Lambda), the MemorySize as the cgroup memory limit.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_PARENT } from '../../../runtimes/host.js';
import { DEFAULT_CAPABILITIES, ociConfig } from '../../../runtimes/runc/spec.js';
import { resolveUser } from '../../../runtimes/runc/users.js';
import type { ImageConfigFile } from '../../ecr/port.js';
import { RESERVED_VARIABLES, buildEnvironment } from './env-vars.js';
import type { FunctionImageConfig } from './runc-image.js';
import { imageProcess } from './runc-image.js';
import { runtimeInfo } from './runtimes.js';
import type { EnvironmentSpec } from './types.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Lambda's sandbox user (sbx_user1051) when the image names no USER. */
export const SANDBOX_UID = 993;
export const SANDBOX_GID = 990;

/** Processes + threads per environment (AWS: 1,024). */
const MAX_PIDS = 1024;

/**
 * The function's environment inside the container: image ENV < the function's variables (reserved
 * ones ignored) < Lambda's reserved variables, which always win. AWS_ENDPOINT_URL points at
 * Overcast through the bridge gateway unless the function sets it.
 */
export function containerEnvironment(
  spec: EnvironmentSpec,
  img: ImageConfigFile,
  runtimeApi: string,
  endpointUrl: string,
  handler: string,
): string[] {
  const env = new Map<string, string>();
  for (const e of img.config?.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  for (const [k, v] of Object.entries(spec.environment)) if (!RESERVED_VARIABLES.has(k)) env.set(k, v);
  const lambda = buildEnvironment({ ...spec, endpointUrl, handler }, runtimeInfo('provided.al2023')!, {
    runtimeApi,
    taskRoot: '/var/task',
    runtimeDir: '/var/runtime',
    optDir: '/opt',
    tmpDir: '/tmp',
  });
  for (const [k, v] of Object.entries(lambda)) if (RESERVED_VARIABLES.has(k)) env.set(k, v);
  if (!('AWS_ENDPOINT_URL' in spec.environment)) env.set('AWS_ENDPOINT_URL', endpointUrl);
  if (!env.has('HOME')) env.set('HOME', '/tmp');
  return [...env.entries()].map(([k, v]) => `${k}=${v}`);
}

export interface BundleInput {
  spec: EnvironmentSpec;
  img: ImageConfigFile;
  imageConfig: FunctionImageConfig | undefined;
  /** The environment's directory: config.json, tmp/, hosts, resolv.conf go here. */
  dir: string;
  /** The mounted overlay root. */
  rootfs: string;
  containerId: string;
  netnsPath: string;
  runtimeApi: string;
  endpointUrl: string;
}

/** Writes `<dir>/config.json`; returns the process args (empty: the image has nothing to run). */
export async function writeBundle(b: BundleInput): Promise<{ args: string[] }> {
  const proc = imageProcess(b.img, b.imageConfig);
  if (proc.args.length === 0) return { args: [] };
  const user = b.img.config?.User
    ? await resolveUser(b.rootfs, b.img.config.User)
    : { uid: SANDBOX_UID, gid: SANDBOX_GID, additionalGids: [], home: '/tmp' };
  const tmp = join(b.dir, 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  chownSync(tmp, user.uid, user.gid);
  writeFileSync(join(b.dir, 'hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n');
  writeFileSync(join(b.dir, 'resolv.conf'), '# Overcast function environments have no DNS resolver\noptions ndots:0\n');
  const config = ociConfig({
    rootfs: b.rootfs,
    // Lambda's root filesystem is read-only; /tmp is the function's scratch space.
    readonlyRootfs: true,
    args: proc.args,
    env: containerEnvironment(b.spec, b.img, b.runtimeApi, b.endpointUrl, proc.command.join(' ')),
    cwd: proc.cwd,
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    hostname: 'localhost',
    netnsPath: b.netnsPath,
    mounts: [
      { source: tmp, destination: '/tmp' },
      { source: join(b.dir, 'hosts'), destination: '/etc/hosts', readonly: true },
      { source: join(b.dir, 'resolv.conf'), destination: '/etc/resolv.conf', readonly: true },
    ],
    memoryBytes: b.spec.memoryMb * 1024 * 1024,
    pidsLimit: MAX_PIDS,
    cgroupsPath: `/${CGROUP_PARENT}/${b.containerId}`,
    capabilities: [...DEFAULT_CAPABILITIES],
    ulimits: [],
  });
  writeFileSync(join(b.dir, 'config.json'), JSON.stringify(config));
  return { args: proc.args };
}
