/** How each runtime family is started: the command line, and the spawn wrapper that applies limits. */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { RuntimeInfo } from './runtimes.js';
import { runtimeAssetDir } from './assets.js';

export interface LaunchPlan {
  command: string;
  args: string[];
  /** LAMBDA_RUNTIME_DIR. */
  runtimeDir: string;
  /** Directory of the language binary, first on PATH (AWS: /var/lang/bin). */
  langBinDir?: string;
  /** Overcast's own runtime client runs: it speaks the framed channel (runtime-api/ipc.ts) on fd 3. */
  ownClient?: boolean;
}

export interface LaunchFailure {
  errorType: string;
  errorMessage: string;
}

/** True when every directory on the way to `path` is searchable by others and the file is executable by others. */
export function worldExecutable(path: string): boolean {
  try {
    const real = realpathSync(path);
    if ((statSync(real).mode & 0o001) === 0) return false;
    let dir = dirname(real);
    for (;;) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      const parent = dirname(dir);
      if (parent === dir) return true;
      dir = parent;
    }
  } catch {
    return false;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first `names` entry found on PATH (world-executable only, when the function runs as another user). */
export function findOnPath(
  names: string[],
  needWorldAccess: boolean,
  pathVar = process.env['PATH'] ?? '',
): string | undefined {
  const dirs = [...pathVar.split(delimiter).filter(Boolean), '/usr/local/bin', '/usr/bin', '/bin'];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (!executable(candidate)) continue;
      if (needWorldAccess && !worldExecutable(candidate)) continue;
      return candidate;
    }
  }
  return undefined;
}

/** V8 flags AWS's Node bootstrap derives from the memory size, its fixed ones, and one of ours. */
function nodeArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 64);
  const semiSpace = Math.max(1, Math.floor(newSpace / 2));
  const oldSpace = memoryMb - newSpace;
  return [
    '--expose-gc',
    // Hot code is optimised after a thirty-second of V8's default profiling budget: each
    // environment is its own process and compiles its own hot paths, and a local one sees few
    // invocations, so with the default a function stays in the interpreter for its first few
    // hundred invokes. Semantics are unchanged (only when V8 optimises); cold start measured the
    // same either way; 2048 gave 7–9 % more HTTP API → Lambda throughput at c=32 than 8192.
    '--interrupt-budget=2048',
    // V8's memory reducer shrinks an idle heap with full GCs on a timer; in an environment frozen
    // between invocations that timer fires at the next thaw, so the first invocation after a few
    // seconds of quiet paid ~5 ms of CPU (GC, then page faults to grow the heap back). Memory is
    // reserved per environment anyway: idle RSS measured 48.5 MB per environment without it,
    // 47.9 MB with it. Only when V8 collects changes.
    '--no-memory-reducer',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${semiSpace}`,
    `--max-old-space-size=${oldSpace}`,
  ];
}

export interface LaunchInputs {
  info: RuntimeInfo;
  runtime: string;
  memoryMb: number;
  taskRoot: string;
  optDir: string;
  nodeBinary: string;
  pythonBinary?: string;
}

export function planLaunch(x: LaunchInputs): LaunchPlan | LaunchFailure {
  switch (x.info.family) {
    case 'nodejs': {
      const runtimeDir = runtimeAssetDir('node');
      return {
        command: x.nodeBinary,
        args: [...nodeArgs(x.memoryMb), join(runtimeDir, 'bootstrap.mjs')],
        runtimeDir,
        langBinDir: dirname(x.nodeBinary),
        ownClient: true,
      };
    }
    case 'python': {
      const runtimeDir = runtimeAssetDir('python');
      if (!x.pythonBinary) {
        return {
          errorType: 'Runtime.InvalidEntrypoint',
          errorMessage: `No Python interpreter for ${x.runtime} on this host`,
        };
      }
      return {
        command: x.pythonBinary,
        args: [join(runtimeDir, 'bootstrap.py')],
        runtimeDir,
        langBinDir: dirname(x.pythonBinary),
        ownClient: true,
      };
    }
    case 'provided': {
      // AWS looks for /var/task/bootstrap, then /opt/bootstrap.
      const candidates = [join(x.taskRoot, 'bootstrap'), join(x.optDir, 'bootstrap')];
      const found = candidates.find((c) => existsSync(c));
      if (!found) {
        return {
          errorType: 'Runtime.InvalidEntrypoint',
          errorMessage: `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`,
        };
      }
      return { command: found, args: [], runtimeDir: dirname(found) };
    }
  }
}

/**
 * The shell wrapper every runtime starts under: it joins the environment's cgroups, sets the
 * rlimits Lambda has (1,024 open files; 1,024 processes for an isolated user without a pids
 * cgroup; no core dumps), then execs the runtime. Arguments: <procs files…> -- <command> <args…>.
 */
export function wrapperScript(maxProcesses: number | undefined): string {
  // dash spells the process limit -p, bash -u (bash's -p is the pipe size, which it refuses to set).
  const nprocSet = maxProcesses
    ? `ulimit -p ${maxProcesses} 2>/dev/null || ulimit -u ${maxProcesses} 2>/dev/null; `
    : '';
  return (
    'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; ' +
    'ulimit -c 0 2>/dev/null; ulimit -n 1024 2>/dev/null; ' +
    nprocSet +
    'exec "$@"'
  );
}
