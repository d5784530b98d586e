/**
 * Runs Lambda execution environments as local processes (see process-environment.ts). As root,
 * every environment gets its own uid/gid (from a high range), private copies of its code and
 * layers readable only by that group, a /tmp only it can enter, and memory/pids cgroups; without
 * root, environments run as Overcast's user with an RSS watchdog instead (no file isolation).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../../core/clock.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { packageRoot } from './assets.js';
import { CgroupFactory } from './cgroups.js';
import { prepareSdkDir, type Owner } from './filesystem.js';
import { findOnPath, worldExecutable } from './launch.js';
import { ProcessEnvironment } from './process-environment.js';
import { runtimeInfo } from './runtimes.js';
import type { EnvironmentProvider, EnvironmentSpec, ExecutionEnvironment, LogSink } from './types.js';
import { LiveEnvironments } from './live-set.js';

export interface ProcessProviderOptions {
  clock?: Clock;
  log?: Logger;
  /** Where environment directories go; a fresh temporary directory (removed on close) by default. */
  workDir?: string;
  /** Own uid/gid, private files and /tmp per environment. Default: when running as root. */
  isolation?: boolean;
  /** Memory and pids cgroups per environment. Default: when the host allows it. */
  cgroups?: boolean;
  /** Init must finish within this (AWS: 10 s). */
  initTimeoutMs?: number;
  /** Processes + threads per environment (AWS: 1,024). */
  maxProcesses?: number;
  /**
   * A node_modules directory where handlers find the AWS SDK v3 (AWS's Node runtimes ship it);
   * default Overcast's own node_modules when it has @aws-sdk; false for none.
   */
  sdkNodeModules?: string | false;
  /** The Node.js binary for nodejs* runtimes (default: the one running Overcast). */
  nodeBinary?: string;
  /** First uid/gid of the range isolated environments get (default derived from the pid). */
  uidBase?: number;
}

export class ProcessEnvironmentProvider implements EnvironmentProvider {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly isolation: boolean;
  private readonly cgroups: CgroupFactory | undefined;
  private readonly initTimeoutMs: number;
  private readonly maxProcesses: number;
  private readonly nodeBinary: string;
  private readonly uidBase: number;
  private readonly envs = new LiveEnvironments<ProcessEnvironment>();
  private readonly pythonBinaries = new Map<string, string | undefined>();
  private workDir: Promise<string> | undefined;
  private sdkDir: Promise<string | undefined> | undefined;
  private nextUid = 0;
  private closed = false;

  constructor(private readonly options: ProcessProviderOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    const root = process.getuid?.() === 0;
    this.isolation = options.isolation ?? root;
    if (this.isolation && !root) throw new Error('lambda: process isolation (own uid per environment) needs root');
    this.cgroups = options.cgroups === false ? undefined : CgroupFactory.detect(this.log);
    if (options.cgroups === true && !this.cgroups) throw new Error('lambda: cgroups requested but not available');
    this.initTimeoutMs = options.initTimeoutMs ?? 10_000;
    this.maxProcesses = options.maxProcesses ?? 1024;
    this.nodeBinary = options.nodeBinary ?? process.execPath;
    // Distinct ranges per Overcast process, far from real users: 1e9 + (pid mod 100000) * 10000.
    this.uidBase = options.uidBase ?? 1_000_000_000 + (process.pid % 100_000) * 10_000;
    if (!this.isolation) {
      this.log.info(
        'lambda: not running as root; functions run as Overcast’s own user without file isolation ' +
          '(a function can read other functions’ code and /tmp)',
      );
    }
  }

  /** Whether environments get their own uid (Overcast runs as root). */
  get isolated(): boolean {
    return this.isolation;
  }

  /** Which cgroup version limits memory and processes, if any. */
  get cgroupKind(): 'v1' | 'v2' | undefined {
    return this.cgroups?.kind;
  }

  supports(runtime: string): boolean {
    const info = runtimeInfo(runtime);
    if (!info) return false;
    if (info.family === 'nodejs') return !this.isolation || worldExecutable(this.nodeBinary);
    if (info.family === 'python') return this.pythonFor(info.major) !== undefined;
    return true;
  }

  async create(spec: EnvironmentSpec, logs: LogSink): Promise<ExecutionEnvironment> {
    if (this.closed) throw new Error('lambda: environment provider is closed');
    const info = runtimeInfo(spec.runtime);
    if (!info) throw new Error(`lambda: unsupported runtime ${spec.runtime}`);
    const workDir = await this.ensureWorkDir();
    const sdkNodeModules = info.family === 'nodejs' ? await this.ensureSdkDir(workDir) : undefined;
    const n = this.nextUid++ % 10_000;
    const owner: Owner | undefined = this.isolation ? { uid: this.uidBase + n, gid: this.uidBase + n } : undefined;
    const env: ProcessEnvironment = new ProcessEnvironment(spec, logs, {
      clock: this.clock,
      log: this.log,
      info,
      envDir: join(workDir, `env-${process.pid.toString(36)}-${this.nextUid.toString(36)}`),
      owner,
      cgroups: this.cgroups,
      nodeBinary: this.nodeBinary,
      pythonBinary: info.family === 'python' ? this.pythonFor(info.major) : undefined,
      sdkNodeModules,
      initTimeoutMs: this.initTimeoutMs,
      maxProcesses: this.maxProcesses,
      onDestroyed: () => this.envs.forget(env),
    });
    return this.envs.start(env);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.envs.destroyAll();
    await this.cgroups?.close();
    if (this.workDir && !this.options.workDir) {
      const dir = await this.workDir;
      // An environment still unpacking its code when the server stops may add files while the
      // directory is removed (ENOTEMPTY): Node's rm retries that.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }
  }

  private ensureWorkDir(): Promise<string> {
    this.workDir ??= (async () => {
      if (this.options.workDir) return this.options.workDir;
      const dir = await mkdtemp(join(tmpdir(), 'overcast-lambda-'));
      // Traversable (isolated users reach their own directories), not listable.
      await chmod(dir, 0o711);
      return dir;
    })();
    return this.workDir;
  }

  private ensureSdkDir(workDir: string): Promise<string | undefined> {
    this.sdkDir ??= (async () => {
      const opt = this.options.sdkNodeModules;
      if (opt === false) return undefined;
      if (typeof opt === 'string') return opt;
      const own = join(packageRoot(), 'node_modules');
      if (!existsSync(join(own, '@aws-sdk'))) return undefined;
      return prepareSdkDir(join(workDir, 'aws-sdk', 'node_modules'), own);
    })();
    return this.sdkDir;
  }

  private pythonFor(minor: number): string | undefined {
    const key = String(minor);
    if (!this.pythonBinaries.has(key)) {
      this.pythonBinaries.set(key, findOnPath([`python3.${minor}`, 'python3'], this.isolation));
    }
    return this.pythonBinaries.get(key);
  }
}
