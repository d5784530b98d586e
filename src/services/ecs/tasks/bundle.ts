import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_PARENT } from '../../../runtimes/host.js';
import type { BindMount, RootOverlay } from '../../../runtimes/runc/spec.js';
import { DEFAULT_CAPABILITIES, ociConfig } from '../../../runtimes/runc/spec.js';
import { resolveUser } from '../../../runtimes/runc/users.js';
import type { ServerInfo } from '../../deps.js';
import type { ImageConfigFile } from '../../ecr/port.js';
import type { ContainerDefinition, ContainerOverride, TaskDefinitionDoc, TaskDoc } from '../types.js';

export interface PreparedImage {
  /** The unpacked image (overlay lower directory). */
  lower: string;
  config: ImageConfigFile;
  /** The digest the image reference resolved to (imageDigest in DescribeTasks). */
  digest: string;
}

/** A container's root directory, and the overlay runc mounts on it when the host has not. */
export interface PreparedRoot {
  path: string;
  overlay?: RootOverlay;
}

interface InstanceView {
  task: TaskDoc;
  td: TaskDefinitionDoc;
  dir: string;
  att: { ip: string; path: string; netns: string } | undefined;
}

interface RunView {
  def: ContainerDefinition;
  runtimeId: string;
  dir: string;
  image: PreparedImage | undefined;
  /** The variables of the container's environmentFiles, in order. */
  envFiles: [string, string][];
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker's rule: an entryPoint from the task definition drops the image's Cmd. */
export function processArgs(
  def: ContainerDefinition,
  o: ContainerOverride | undefined,
  img: ImageConfigFile,
): string[] {
  const c = img.config ?? {};
  const command = o?.command ?? def.command;
  if (def.entryPoint?.length) return [...def.entryPoint, ...(command ?? [])];
  return [...(c.Entrypoint ?? []), ...(command ?? c.Cmd ?? [])];
}

/** Environment: Overcast's defaults < image Env < environment files < task definition < RunTask overrides. */
export function processEnv(
  base: Record<string, string>,
  img: ImageConfigFile,
  def: ContainerDefinition,
  o: ContainerOverride | undefined,
  files: readonly [string, string][] = [],
): string[] {
  const env = new Map<string, string>();
  const set = (k: string, v: string) => env.set(k, v);
  for (const [k, v] of Object.entries(base)) set(k, v);
  for (const e of img.config?.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) set(e.slice(0, i), e.slice(i + 1));
  }
  for (const [k, v] of files) set(k, v);
  for (const e of def.environment ?? []) set(e.name, e.value ?? '');
  // Secrets are plain values for now (no Secrets Manager / SSM yet).
  for (const s of def.secrets ?? []) set(s.name, s.valueFrom);
  for (const e of o?.environment ?? []) set(e.name, e.value ?? '');
  if (!env.has('PATH')) set('PATH', DEFAULT_PATH.slice(5));
  return [...env.entries()].map(([k, v]) => `${k}=${v}`);
}

/**
 * Write a container's OCI bundle (config.json over its overlay root). Everything but the root path
 * is worked out while the overlay is being mounted: the user is looked up in the unpacked image,
 * which is what the overlay shows before the container has run.
 */
export async function bundleFor(
  inst: InstanceView,
  run: RunView,
  mounted: Promise<PreparedRoot>,
  deps: { server: ServerInfo; host: { bridge(): Promise<{ gateway: string }> } },
): Promise<{ dir: string }> {
  const { task, td } = inst;
  const def = run.def;
  const img = run.image!.config;
  const override = task.overrides.containerOverrides.find((o) => o.name === def.name);
  const [, , , region = '', account = ''] = task.taskArn.split(':');
  const gateway = (await deps.host.bridge()).gateway;
  const user = await resolveUser(run.image!.lower, def.user ?? img.config?.User);
  const hostname = `ip-${inst.att!.ip.replace(/\./g, '-')}.ec2.internal`;
  const env = processEnv(
    {
      AWS_ENDPOINT_URL: `http://${gateway}:${deps.server.port}`,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // A 12-digit access key id is the account in Overcast's accept mode: calls land in the task's account.
      AWS_ACCESS_KEY_ID: account,
      AWS_SECRET_ACCESS_KEY: 'overcast',
      AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE',
      ECS_CONTAINER_METADATA_URI_V4: `http://${gateway}:${deps.server.port}/_overcast/ecs/metadata/${task.taskArn.split('/').pop()}`,
      HOSTNAME: hostname,
      HOME: user.home,
    },
    img,
    def,
    override,
    run.envFiles,
  );
  const mounts: BindMount[] = [
    { source: join(inst.dir, 'hosts'), destination: '/etc/hosts', readonly: true },
    { source: join(inst.dir, 'hostname'), destination: '/etc/hostname', readonly: true },
    { source: join(inst.dir, 'resolv.conf'), destination: '/etc/resolv.conf', readonly: true },
  ];
  const mountPoints = [...(def.mountPoints ?? [])];
  for (const vf of def.volumesFrom ?? []) {
    const src = td.containerDefinitions.find((c) => c.name === vf.sourceContainer);
    for (const m of src?.mountPoints ?? []) mountPoints.push({ ...m, readOnly: vf.readOnly ?? m.readOnly });
  }
  for (const m of mountPoints) {
    if (!m.sourceVolume || !m.containerPath) continue;
    const source = join(inst.dir, 'volumes', m.sourceVolume);
    mkdirSync(source, { recursive: true, mode: 0o777 });
    mounts.push({ source, destination: m.containerPath, readonly: m.readOnly === true });
  }
  const caps = new Set(DEFAULT_CAPABILITIES);
  const lp = def.linuxParameters?.capabilities;
  for (const c of lp?.drop ?? []) caps.delete(c === 'ALL' ? c : `CAP_${c.replace(/^CAP_/, '')}`);
  if (lp?.drop?.includes('ALL')) caps.clear();
  // Fargate only lets SYS_PTRACE be added.
  if (lp?.add?.some((c) => c.replace(/^CAP_/, '') === 'SYS_PTRACE')) caps.add('CAP_SYS_PTRACE');
  const memMiB = override?.memory ?? def.memory ?? (task.memory ? Number(task.memory) : undefined);
  const reservation = override?.memoryReservation ?? def.memoryReservation;
  const cpu = override?.cpu ?? (def.cpu ? def.cpu : task.cpu ? Number(task.cpu) : undefined);
  const sysctl: Record<string, string> = {};
  for (const s of def.systemControls ?? []) if (s.namespace && s.value !== undefined) sysctl[s.namespace] = s.value;
  const root = await mounted;
  const config = ociConfig({
    rootfs: root.path,
    rootOverlay: root.overlay,
    readonlyRootfs: def.readonlyRootFilesystem === true,
    args: processArgs(def, override, img),
    env,
    cwd: def.workingDirectory ?? (img.config?.WorkingDir || '/'),
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    hostname,
    netnsPath: inst.att!.path,
    mounts,
    memoryBytes: memMiB ? memMiB * 1024 * 1024 : undefined,
    memoryReservationBytes: reservation ? reservation * 1024 * 1024 : undefined,
    cpuUnits: cpu,
    pidsLimit: 4096,
    cgroupsPath: `/${CGROUP_PARENT}/${run.runtimeId}`,
    capabilities: [...caps],
    ulimits: (def.ulimits ?? []).map((u) => ({ name: u.name, soft: u.softLimit, hard: u.hardLimit })),
    sysctl,
  });
  if (!config['process'] || (config['process'] as { args: string[] }).args.length === 0) {
    throw new Error('No command specified');
  }
  writeFileSync(join(run.dir, 'config.json'), JSON.stringify(config));
  return { dir: run.dir };
}
