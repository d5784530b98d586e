// `overcast exec <task> [--cluster c] [--container name] [-- cmd args...]`: a command inside a
// running ECS task's container, through `runc exec` (as `docker exec` / ECS Exec would).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findRunc } from '../runtimes/runc/runc.js';
import { AwsCallError, clientOptions } from './aws-client.js';
import type { ClientOptions } from './aws-client.js';
import { ecsCall, idOf, listAll } from './ecs-client.js';
import { CliError } from './output/cli-error.js';

export interface ExecFlags {
  cluster?: string;
  container?: string;
  endpoint?: string;
  region?: string;
  dataDir?: string;
  interactive?: boolean;
}

const clientOf = (flags: ExecFlags): ClientOptions => clientOptions(flags);

interface TaskView {
  taskArn: string;
  lastStatus: string;
  stoppedReason?: string;
  containers: { name: string; lastStatus: string; runtimeId?: string }[];
}

/** The task by ARN or id, in the given cluster, else in the default one, else in any cluster. */
async function findTask(client: ClientOptions, ref: string, cluster: string | undefined): Promise<TaskView> {
  // A full task ARN names its cluster: arn:aws:ecs:<region>:<account>:task/<cluster>/<id>.
  const fromArn = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:task\/([^/]+)\/[0-9a-f]+$/.exec(ref)?.[1];
  const clusters = cluster ? [cluster] : fromArn ? [fromArn] : await listAll(client, 'ListClusters', {}, 'clusterArns');
  for (const c of clusters) {
    const r = await ecsCall(client, 'DescribeTasks', { cluster: c, tasks: [ref] }).catch((e: unknown) => {
      if (e instanceof AwsCallError) return undefined; // ClusterNotFoundException, a malformed reference
      throw e;
    });
    const t = r?.tasks?.[0] as TaskView | undefined;
    if (t) return t;
  }
  throw new CliError(
    `task ${ref} not found${cluster ? ` in cluster ${cluster}` : ''}`,
    'list running tasks with `overcast status` (the task id is the last part of the ARN)' +
      (cluster ? '' : '; pass --cluster if it is in another region'),
  );
}

/**
 * runc's state root of the Overcast that runs the container: the `--root` of the foreground
 * `runc ... run ... <id>` process that owns it (Overcast runs every container that way), else
 * `<data dir>/ecs/runc` (--data-dir, OVERCAST_DATA_DIR, ./.overcast; ephemeral servers use
 * <tmp>/overcast-*). The one holding `<id>/state.json` wins.
 */
export function findRuncRoot(containerId: string, dataDir?: string): string | undefined {
  const holds = (root: string) => existsSync(join(root, containerId, 'state.json'));
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    // no procfs
  }
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!/(^|\/)runc$/.test(argv[0] ?? '') || !argv.includes('run')) continue;
    if (argv.filter(Boolean).at(-1) !== containerId) continue;
    const i = argv.indexOf('--root');
    const root = i >= 0 ? argv[i + 1] : undefined;
    if (root && holds(root)) return root;
  }
  const candidates = [dataDir, process.env['OVERCAST_DATA_DIR'], './.overcast']
    .filter((d): d is string => Boolean(d))
    .map((d) => join(resolve(d), 'ecs', 'runc'));
  try {
    for (const e of readdirSync(tmpdir()))
      if (e.startsWith('overcast-')) candidates.push(join(tmpdir(), e, 'ecs', 'runc'));
  } catch {
    // no tmpdir listing
  }
  return candidates.find(holds);
}

/** Run the command in the container; resolves with its exit code (128+n when killed by signal n). */
export async function execInTask(taskRef: string, cmd: string[], flags: ExecFlags): Promise<number> {
  if (process.platform !== 'linux') throw new CliError('overcast exec needs Linux (tasks run as runc containers)');
  const runc = findRunc();
  if (!runc) throw new CliError('runc not found', 'install it (apt-get install -y runc) or set OVERCAST_RUNC');
  if (process.getuid?.() !== 0)
    throw new CliError(
      "overcast exec needs root: runc exec enters the task's namespaces",
      `run it as root: sudo overcast exec ${taskRef} ...`,
    );
  const client = clientOf(flags);
  const task = await findTask(client, taskRef, flags.cluster);
  const id = idOf(task.taskArn);
  if (task.lastStatus !== 'RUNNING')
    throw new CliError(
      `task ${id} is ${task.lastStatus}, not RUNNING${task.stoppedReason ? ` (${task.stoppedReason})` : ''}`,
      task.lastStatus === 'STOPPED' ? 'exec needs a running task' : 'wait until it is RUNNING and try again',
    );
  const names = task.containers.map((c) => c.name);
  let container = task.containers[0];
  if (flags.container) {
    container = task.containers.find((c) => c.name === flags.container);
    if (!container)
      throw new CliError(`task ${id} has no container ${flags.container}`, `its containers: ${names.join(', ')}`);
  } else if (task.containers.length > 1) {
    throw new CliError(
      `task ${id} has ${task.containers.length} containers (${names.join(', ')})`,
      'pick one with --container <name>',
    );
  }
  if (!container || container.lastStatus !== 'RUNNING' || !container.runtimeId)
    throw new CliError(
      `container ${container?.name ?? '?'} of task ${id} is ${container?.lastStatus ?? 'missing'}, not RUNNING`,
      'exec needs a running container',
    );
  const root = findRuncRoot(container.runtimeId, flags.dataDir);
  if (!root)
    throw new CliError(
      `container ${container.runtimeId} is not on this machine`,
      'overcast exec runs where Overcast runs its containers; pass --data-dir if Overcast uses another data directory',
    );
  const tty = flags.interactive !== false && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const args = [
    '--root',
    root,
    'exec',
    ...(tty ? ['--tty'] : []),
    container.runtimeId,
    ...(cmd.length ? cmd : ['/bin/sh']),
  ];
  const child = spawn(runc, args, { stdio: 'inherit' });
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? 128 + (signal ? constants.signals[signal] : 1)));
  });
}
