import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find((p) => existsSync(p)) ?? 'ip';

/**
 * Run `ip [-n netns] -batch -` with the given commands (one process for many changes). With
 * `force`, ip carries on past failing commands (and still reports failure).
 */
export function ipBatch(commands: string[], netns?: string, force = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [...(netns ? ['-n', netns] : []), ...(force ? ['-force'] : []), '-batch', '-'];
    const child = spawn(IP, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`ip ${args.join(' ')}: ${Buffer.concat(err).toString('utf8').trim() || `exit ${code}`}`)),
    );
    child.stdin.end(commands.join('\n') + '\n');
  });
}

export function ipJson<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(IP, ['-j', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8') || '[]') as T);
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}
