// What Overcast's launcher (bin/overcast.js) runs node with: its second line is a shell command that
// sets a few environment variables and execs `node <flags> bin/overcast.js`. A bench that spawns
// `node bin/overcast.js` itself bypasses that line, so it passes both: reading them from the
// launcher keeps every bench on what users get.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/overcast.js');

/** The launcher's shell line, and the flags between its `exec node` and `"$0"`. */
function launcherLine() {
  const line = readFileSync(LAUNCHER, 'utf8').split('\n', 2)[1] ?? '';
  const match = /\bexec node((?:\s+--\S+)*)\s+"\$0" "\$@"$/.exec(line);
  if (!match) throw new Error(`${LAUNCHER}: second line does not exec node on "$0": ${line}`);
  return { line, flags: match[1].split(/\s+/).filter(Boolean) };
}

/** The Node flags on the launcher's shell line. */
export function launcherNodeFlags() {
  return launcherLine().flags;
}

/** The environment the launcher gives node, from `base`: /bin/sh evaluates its own line. */
export function launcherEnv(base = process.env) {
  const probe = launcherLine().line.replace(/\bexec node\b.*$/, 'exec env -0');
  const out = execFileSync('/bin/sh', ['-c', probe], { env: base, encoding: 'latin1' });
  const env = {};
  for (const entry of out.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
