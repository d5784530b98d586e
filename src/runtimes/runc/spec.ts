import { readFileSync } from 'node:fs';

/** Generates an OCI runtime config.json (runtime-spec 1.0.2, what runc 1.1 reads). */

export interface BindMount {
  source: string;
  destination: string;
  readonly?: boolean;
}

export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

/** An overlay runc mounts over the (empty) root directory inside the container's mount namespace. */
export interface RootOverlay {
  lower: string;
  upper: string;
  work: string;
}

export interface ContainerSpec {
  rootfs: string;
  /**
   * When set, `rootfs` is an empty directory and runc mounts this overlay on it as the container's
   * first mount (see `Runc.mountsRootOverlay`): no mount on the host, none to undo.
   */
  rootOverlay?: RootOverlay;
  readonlyRootfs: boolean;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  hostname: string;
  /** Network namespace to join (`/var/run/netns/<name>`); a fresh one when absent. */
  netnsPath?: string;
  mounts: BindMount[];
  /** Memory limit in bytes (cgroup memory.limit_in_bytes; swap limited to the same). */
  memoryBytes?: number;
  /** Soft memory limit (memoryReservation). */
  memoryReservationBytes?: number;
  /** CPU units (1024 = 1 vCPU): shares and a CFS quota. */
  cpuUnits?: number;
  pidsLimit?: number;
  cgroupsPath: string;
  capabilities: string[];
  ulimits: Ulimit[];
  /** Extra sysctls (`systemControls`). */
  sysctl?: Record<string, string>;
}

/** Docker's default capability set (what Fargate grants; only SYS_PTRACE may be added). */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const MASKED = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function hostNofile(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const hard = Number(line?.trim().split(/\s+/)[4]);
    return Number.isFinite(hard) && hard > 0 ? Math.min(65535, hard) : 1024;
  } catch {
    return 1024;
  }
}

const NOFILE = hostNofile();

const RLIMITS: Record<string, string> = {
  core: 'RLIMIT_CORE',
  cpu: 'RLIMIT_CPU',
  data: 'RLIMIT_DATA',
  fsize: 'RLIMIT_FSIZE',
  locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE',
  nice: 'RLIMIT_NICE',
  nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC',
  rss: 'RLIMIT_RSS',
  rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING',
  stack: 'RLIMIT_STACK',
};

export function ociConfig(s: ContainerSpec): Record<string, unknown> {
  const caps = s.capabilities;
  const rlimits = new Map<string, { type: string; soft: number; hard: number }>([
    // Fargate's default nofile limit, within what this host allows.
    ['RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft: NOFILE, hard: NOFILE }],
  ]);
  for (const u of s.ulimits) {
    const type = RLIMITS[u.name];
    if (type) rlimits.set(type, { type, soft: u.soft, hard: u.hard });
  }
  const namespaces: Record<string, string>[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  namespaces.push(s.netnsPath ? { type: 'network', path: s.netnsPath } : { type: 'network' });
  const resources: Record<string, unknown> = {
    devices: [{ allow: false, access: 'rwm' }],
  };
  if (s.memoryBytes) {
    resources['memory'] = {
      limit: s.memoryBytes,
      swap: s.memoryBytes,
      ...(s.memoryReservationBytes ? { reservation: s.memoryReservationBytes } : {}),
    };
  } else if (s.memoryReservationBytes) {
    resources['memory'] = { reservation: s.memoryReservationBytes };
  }
  if (s.cpuUnits) {
    const period = 100_000;
    resources['cpu'] = {
      shares: Math.max(2, s.cpuUnits),
      quota: Math.max(1000, Math.round((s.cpuUnits / 1024) * period)),
      period,
    };
  }
  if (s.pidsLimit) resources['pids'] = { limit: s.pidsLimit };
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: s.uid, gid: s.gid, ...(s.additionalGids.length ? { additionalGids: s.additionalGids } : {}) },
      args: s.args,
      env: s.env,
      cwd: s.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: [...rlimits.values()],
      noNewPrivileges: true,
    },
    root: { path: s.rootfs, readonly: s.readonlyRootfs },
    hostname: s.hostname,
    mounts: [
      ...(s.rootOverlay
        ? [
            {
              destination: '/',
              type: 'overlay',
              source: 'overlay',
              options: [
                `lowerdir=${s.rootOverlay.lower}`,
                `upperdir=${s.rootOverlay.upper}`,
                `workdir=${s.rootOverlay.work}`,
              ],
            },
          ]
        : []),
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
      ...s.mounts.map((m) => ({
        destination: m.destination,
        type: 'bind',
        source: m.source,
        options: ['rbind', 'nosuid', 'nodev', m.readonly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      cgroupsPath: s.cgroupsPath,
      namespaces,
      resources,
      ...(s.sysctl && Object.keys(s.sysctl).length ? { sysctl: s.sysctl } : {}),
      maskedPaths: MASKED,
      readonlyPaths: READONLY,
    },
  };
}
