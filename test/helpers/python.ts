// Whether the python3 Overcast runs python3.x functions with can do something: as root each function
// runs under a uid of its own, so that python must be world-executable (not a pyenv under /root).
import { execFileSync } from 'node:child_process';
import { findOnPath } from '../../src/services/lambda/environments/launch.js';

/**
 * True when the functions' python3 (python3.<minor> first) runs `args` successfully; otherwise warns
 * loudly, naming what was skipped and how to install what is missing, and answers false.
 */
export function functionPythonCan(minor: number, args: string[], skipped: string, install: string): boolean {
  const python = findOnPath([`python3.${minor}`, 'python3'], process.getuid?.() === 0);
  try {
    if (python) execFileSync(python, args, { stdio: 'ignore' });
    else throw new Error('no python3');
    return true;
  } catch {
    console.warn(`SKIPPED ${skipped}: ${python ?? 'no python3'} cannot (${install})`);
    return false;
  }
}
