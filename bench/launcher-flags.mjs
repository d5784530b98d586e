// The Node flags Overcast's launcher runs with: those on bin/overcast.js's shebang line. A bench
// that spawns `node bin/overcast.js` bypasses the shebang, so it passes these itself; reading them
// from the launcher keeps every bench on the flags users get.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/overcast.js');

/** The flags after `node` on the launcher's `#!/usr/bin/env -S node ...` line. */
export function launcherNodeFlags() {
  const first = readFileSync(LAUNCHER, 'utf8').split('\n', 1)[0];
  const match = /^#!.*\bnode((?:\s+--\S+)*)\s*$/.exec(first);
  if (!match) throw new Error(`${LAUNCHER}: first line is not a node shebang: ${first}`);
  return match[1].split(/\s+/).filter(Boolean);
}
