import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../helpers/process.js';

/** The Node flags on bin/overcast.js's `#!/usr/bin/env -S node …` line. */
function shebangFlags(): string {
  const first = readFileSync(join(ROOT, 'bin/overcast.js'), 'utf8').split('\n', 1)[0]!;
  const match = /^#!\/usr\/bin\/env -S node((?:\s+--\S+)+)\s*$/.exec(first);
  if (!match) throw new Error(`bin/overcast.js: unexpected first line: ${first}`);
  return match[1]!.trim();
}

describe('the launcher (bin/overcast.js)', () => {
  it("sets V8's young generation and the floor under its old-generation limit", () => {
    // Without the floor an idle spell left request load running a Mark-Compact every ~80 ms
    // (docs/benchmarks.md, DynamoDB, stop 18).
    expect(shebangFlags().split(/\s+/)).toEqual(['--max-semi-space-size=32', '--initial-old-space-size=128']);
  });

  it('npm start runs node with the same flags as the shebang', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['start']).toContain(`node ${shebangFlags()} bin/overcast.js start`);
  });

  it('runs through its shebang (env -S passes the flags to node)', () => {
    ensureBuilt();
    const out = execFileSync(join(ROOT, 'bin/overcast.js'), ['--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
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
});
