import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The AWS CLI v2 (Debian's awscli); the `aws` first on PATH may be an old v1. */
export const AWS_CLI = '/usr/bin/aws';

export const hasAwsCli = existsSync(AWS_CLI);

if (!hasAwsCli) {
  console.warn(
    `\n*** SKIPPING AWS CLI tests: ${AWS_CLI} not found. Install it with: apt-get install -y awscli (CI's .ci/run does) ***\n`,
  );
}

/** Run `/usr/bin/aws <args> --endpoint-url <endpoint> --output json` and parse its JSON output. */
export async function aws(endpoint: string, args: string[], env: Record<string, string> = {}): Promise<any> {
  const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
      AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      ...env,
    },
  });
  return stdout.trim() ? JSON.parse(stdout) : {};
}
