import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI_BUNDLE = join(ROOT, 'dist/cli.cjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Build dist/ (as `npm test` does) when it is missing or older than src/. */
export function ensureBuilt(): void {
  if (existsSync(CLI_BUNDLE) && statSync(CLI_BUNDLE).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  const out = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`build failed: ${out.stderr}`);
}

export interface OvercastProcess {
  child: ChildProcess;
  endpoint: string;
  port: number;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit (graceful stop). */
  stop(): Promise<void>;
}

export interface StartProcessOptions {
  /**
   * Run bin/overcast.js as an executable (its shell line, then node with its flags and
   * environment; this test run's node first on PATH) rather than `node bin/overcast.js`.
   */
  launcher?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Run `node bin/overcast.js start --port 0 --json ...` and wait for its JSON ready line. */
export async function startOvercastProcess(
  args: string[],
  timeoutMs = 15_000,
  opts: StartProcessOptions = {},
): Promise<OvercastProcess> {
  ensureBuilt();
  const launcher = join(ROOT, 'bin/overcast.js');
  const cliArgs = ['start', '--port', '0', '--json', '--log-level', 'silent', ...args];
  const env = opts.env ?? process.env;
  const [command, argv, childEnv] = opts.launcher
    ? [launcher, cliArgs, { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env['PATH'] ?? ''}` }]
    : [process.execPath, [launcher, ...cliArgs], env];
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await new Promise<{ endpoint: string; port: number }>((resolvePromise, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`overcast did not start in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolvePromise(JSON.parse(buffered.slice(0, nl)));
      } catch (err) {
        reject(new Error(`unexpected ready line ${buffered.slice(0, nl)}: ${String(err)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`overcast exited with ${code} before it was ready: ${stderr}`));
    });
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    child,
    endpoint: ready.endpoint,
    port: ready.port,
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
