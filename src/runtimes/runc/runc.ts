import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where runc is looked for (Debian installs it in /usr/sbin). */
export function findRunc(): string | undefined {
  const env = process.env['OVERCAST_RUNC'];
  if (env) return existsSync(env) ? env : undefined;
  for (const p of ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'])
    if (existsSync(p)) return p;
  return undefined;
}

/** Why containers cannot run here, or undefined when they can (root and runc present). */
export function runtimeUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'containers need Linux';
  if (process.getuid?.() !== 0) return 'containers need root (runc, network namespaces, overlay mounts)';
  if (!findRunc()) return 'runc not found: apt-get install -y runc';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip'))
    return 'ip not found: apt-get install -y iproute2';
  return undefined;
}

export interface ExitStatus {
  /** Exit code of the container's init process (128+n when killed by signal n). */
  code: number;
}

/** A container running in the foreground under `runc run` (a child of this process). */
export interface RuncContainer {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves with the container init's host pid once it exists; rejects if runc fails first. */
  readonly started: Promise<number>;
  readonly exited: Promise<ExitStatus>;
  /** Last lines runc wrote to stderr (start errors). */
  runcErrors(): string;
}

export interface ExecResult {
  code: number;
  output: string;
  timedOut: boolean;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
};

export function signalNumber(name: string | undefined): number {
  if (!name) return 15;
  if (/^\d+$/.test(name)) return Number(name);
  const n = name.toUpperCase();
  return SIGNALS[n.startsWith('SIG') ? n : `SIG${n}`] ?? 15;
}

/**
 * A thin driver over the runc CLI with its own state root (so several Overcast processes never
 * see each other's containers). Containers run with `runc run` in the foreground: the exit code
 * comes back on the child's exit; signals go through `runc kill`; health checks through `runc exec`.
 */
export class Runc {
  private rootOverlay: Promise<boolean> | undefined;

  constructor(
    readonly bin: string,
    readonly root: string,
  ) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  /**
   * Whether this runc mounts an overlay given as the first mount, destination `/`, over the
   * container's root inside the container's mount namespace (runc 1.0 and 1.1 do: the root is
   * then reached by path again for the later mounts and pivot_root). That saves a `mount` process
   * on the host per container, and an `umount` after it. Later runc versions resolve the later
   * mounts through a handle to the root taken before the first mount, so they get the host mount.
   */
  mountsRootOverlay(): Promise<boolean> {
    this.rootOverlay ??= this.cli(['--version'], false)
      .then((out) => {
        const m = /runc version (\d+)\.(\d+)\./.exec(out);
        return m !== null && Number(m[1]) === 1 && Number(m[2]) <= 1;
      })
      .catch(() => false);
    return this.rootOverlay;
  }

  run(id: string, bundle: string, io: { stdout: (b: Buffer) => void; stderr: (b: Buffer) => void }): RuncContainer {
    const pidFile = join(bundle, 'init.pid');
    const logFile = join(bundle, 'runc.log');
    // runc writes the pid file (by renaming it into place) once the container's process runs:
    // watched, so the start is seen at once rather than at the next poll.
    let watcher: ReturnType<typeof watch> | undefined;
    let onPidFile: () => void = () => undefined;
    try {
      watcher = watch(bundle, (_event, name) => {
        if (name === 'init.pid') onPidFile();
      });
      watcher.on('error', () => undefined);
    } catch {
      // no inotify: the poll below finds it
    }
    const child = spawn(
      this.bin,
      [
        '--root',
        this.root,
        '--log',
        logFile,
        '--log-format',
        'json',
        'run',
        '--bundle',
        bundle,
        '--pid-file',
        pidFile,
        id,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const errLines: string[] = [];
    // runc's own messages go to the log file; the pipes carry only the container's output.
    child.stdout!.on('data', io.stdout);
    child.stderr!.on('data', io.stderr);
    const readErrors = async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        try {
          const e = JSON.parse(line) as { level?: string; msg?: string };
          if (e.level === 'error' && e.msg) errLines.push(e.msg);
        } catch {
          // not JSON
        }
      }
    };
    const exited = new Promise<ExitStatus>((resolve) => {
      child.on('error', (err) => {
        errLines.push(err.message);
        resolve({ code: 255 });
      });
      child.on('exit', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal ?? undefined) }));
    });
    let gone = false;
    void exited.then(() => (gone = true));
    const started = (async () => {
      try {
        for (let i = 0; ; i++) {
          const text = await readFile(pidFile, 'utf8').catch(() => '');
          if (text.trim()) return Number(text.trim());
          if (gone) {
            // The pid file may appear between the check and the exit.
            const again = await readFile(pidFile, 'utf8').catch(() => '');
            if (again.trim()) return Number(again.trim());
            await readErrors();
            throw new Error(errLines.join('\n') || 'runc exited before the container started');
          }
          // Woken by the watcher, the exit, or a slow poll (in case an event is missed).
          await new Promise<void>((r) => {
            const t = setTimeout(r, watcher ? 50 : i < 50 ? 2 : 20);
            onPidFile = () => {
              clearTimeout(t);
              r();
            };
            void exited.then(onPidFile);
          });
        }
      } finally {
        watcher?.close();
      }
    })();
    started.catch(() => undefined);
    return { id, child, started, exited, runcErrors: () => errLines.join('\n') };
  }

  async kill(id: string, signal: string | number): Promise<void> {
    await this.cli(['kill', id, String(signal)]).catch(() => undefined);
  }

  async delete(id: string): Promise<void> {
    await this.cli(['delete', '--force', id]).catch(() => undefined);
  }

  async list(): Promise<{ id: string; status: string; pid: number }[]> {
    // runc keeps one directory per container under its root: none (a new data directory), no spawn.
    if (!existsSync(this.root) || readdirSync(this.root).length === 0) return [];
    const out = await this.cli(['list', '--format', 'json']).catch(() => 'null');
    return ((JSON.parse(out || 'null') as { id: string; status: string; pid: number }[] | null) ?? []).map((c) => ({
      id: c.id,
      status: c.status,
      pid: c.pid,
    }));
  }

  /** Run a process inside a running container (health checks, `overcast exec`). */
  exec(id: string, args: string[], opts: { timeoutMs: number; env?: string[]; user?: string }): Promise<ExecResult> {
    const a = ['--root', this.root, 'exec'];
    for (const e of opts.env ?? []) a.push('--env', e);
    if (opts.user) a.push('--user', opts.user);
    a.push(id, ...args);
    return new Promise((resolve) => {
      const child = spawn(this.bin, a, { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let size = 0;
      const take = (b: Buffer) => {
        if (size < 65536) chunks.push(b);
        size += b.length;
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs);
      child.on('error', () => undefined);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code: code ?? 128 + signalNumber(signal ?? undefined),
          output: Buffer.concat(chunks).toString('utf8'),
          timedOut,
        });
      });
    });
  }

  private cli(args: string[], withRoot = true): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, withRoot ? ['--root', this.root, ...args] : args, {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve(Buffer.concat(out).toString('utf8'))
          : reject(new Error(Buffer.concat(err).toString('utf8').trim() || `runc ${args[0]} exited ${code}`)),
      );
    });
  }
}
