import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, startOvercastProcess } from '../helpers/process.js';

const LAUNCHER = join(ROOT, 'bin/overcast.js');

/** bin/overcast.js's second line: the shell command that execs node on the file. */
function launcherLine(): string {
  const lines = readFileSync(LAUNCHER, 'utf8').split('\n', 2);
  expect(lines[0]).toBe('#!/bin/sh');
  return lines[1]!;
}

/** The Node flags between `exec node` and `"$0"` on the launcher's shell line. */
function launcherFlags(): string[] {
  const match = /\bexec node((?:\s+--\S+)+)\s+"\$0" "\$@"$/.exec(launcherLine());
  if (!match) throw new Error(`bin/overcast.js: unexpected second line: ${launcherLine()}`);
  return match[1]!.trim().split(/\s+/);
}

/** NUL-separated KEY=VALUE pairs (/proc/PID/environ) as an object. */
function parseEnviron(raw: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

const onLinux = process.platform === 'linux';

describe('the launcher (bin/overcast.js)', () => {
  it("sets V8's young generation and the floor under its old-generation limit", () => {
    // Without the floor an idle spell left request load running a Mark-Compact every ~80 ms
    // (docs/benchmarks.md, DynamoDB, stop 18).
    expect(launcherFlags()).toEqual(['--max-semi-space-size=32', '--initial-old-space-size=128']);
  });

  it('is JavaScript as well as shell: its shell line is a string and a comment to node', () => {
    expect(launcherLine()).toMatch(/^':' \/\/; /);
  });

  it('npm start runs the launcher', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['start']).toContain('./bin/overcast.js start');
  });

  it('runs through its shell line', () => {
    ensureBuilt();
    const out = execFileSync(LAUNCHER, ['--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.runIf(onLinux)("execs node with its flags and start-up environment, and keeps the caller's", async () => {
    const server = await startOvercastProcess(['--ephemeral'], 15_000, {
      launcher: true,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/some bundle.pem', GLIBC_TUNABLES: 'glibc.malloc.top_pad=0' },
    });
    try {
      // exec: the pid spawned is node's, with the flags, the script and the arguments.
      const argv = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(1, 4)).toEqual([...launcherFlags(), LAUNCHER]);
      expect(argv.slice(4, 6)).toEqual(['start', '--port']);
      // What node started with (the CLI puts NODE_EXTRA_CA_CERTS back later, for its children).
      const env = parseEnviron(readFileSync(`/proc/${server.child.pid}/environ`, 'latin1'));
      expect(env['NODE_EXTRA_CA_CERTS']).toBe('');
      expect(env['OVERCAST_EXTRA_CA_CERTS']).toBe('/etc/some bundle.pem');
      // (ld.so splits the variable in place, so /proc shows its first tunable only.)
      expect(env['GLIBC_TUNABLES']).toMatch(/^glibc\.malloc\.hugetlb=1\b/);
      expect((await fetch(`${server.endpoint}/`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("puts its glibc tunable before the caller's, and hands over no CA file when there is none", () => {
    // The shell line itself, with `exec env` for node: the environment node gets.
    const probe = launcherLine().replace(/\bexec node\b.*$/, 'exec env -0');
    const run = (env: NodeJS.ProcessEnv) =>
      parseEnviron(execFileSync('/bin/sh', ['-c', probe], { env, encoding: 'latin1' }));
    const withTunables = run({ PATH: process.env['PATH'], GLIBC_TUNABLES: 'glibc.malloc.top_pad=0' });
    expect(withTunables['GLIBC_TUNABLES']).toBe('glibc.malloc.hugetlb=1:glibc.malloc.top_pad=0');
    const bare = run({ PATH: process.env['PATH'] });
    expect(bare['GLIBC_TUNABLES']).toBe('glibc.malloc.hugetlb=1');
    expect(bare['NODE_EXTRA_CA_CERTS']).toBe('');
    expect(bare['OVERCAST_EXTRA_CA_CERTS']).toBe('');
  });

  it('runs as CommonJS: an ES module entry point would load the ESM loader first (~12 ms a start)', () => {
    const scope = JSON.parse(readFileSync(join(ROOT, 'bin/package.json'), 'utf8')) as { type?: string };
    expect(scope.type).toBe('commonjs');
    expect(readFileSync(join(ROOT, 'bin/overcast.js'), 'utf8')).not.toMatch(/^\s*import\s/m);
  });

  it('reads a bundle that is pure ASCII (it reads it as latin1)', () => {
    ensureBuilt();
    const bytes = readFileSync(join(ROOT, 'dist/cli.cjs'));
    const firstNonAscii = bytes.findIndex((b) => b > 0x7f);
    expect(firstNonAscii).toBe(-1);
    // And the launcher reads it so: were the build to leave a UTF-8 character, this test fails first.
    expect(readFileSync(join(ROOT, 'bin/overcast.js'), 'utf8')).toContain("readFileSync(file, 'latin1')");
  });

  it('reads a bundle the build already wrapped as Node wraps a CommonJS module', async () => {
    ensureBuilt();
    const { wrap } = (await import('node:module')).default as unknown as { wrap: (s: string) => string };
    const [head, tail] = wrap('\u0000').split('\u0000') as [string, string];
    const text = readFileSync(join(ROOT, 'dist/cli.cjs'), 'latin1');
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    // So the launcher compiles the file as it is read: wrapping it at start-up cost a copy.
    expect(readFileSync(LAUNCHER, 'utf8')).toContain("new vm.Script(readFileSync(file, 'latin1'), {");
  });
});
