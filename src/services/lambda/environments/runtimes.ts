import { createHash } from 'node:crypto';

export type RuntimeFamily = 'nodejs' | 'python' | 'provided';

export interface RuntimeInfo {
  family: RuntimeFamily;
  /** e.g. 20 for nodejs20.x, 12 for python3.12. */
  major: number;
  /** AWS_EXECUTION_ENV (not set for provided runtimes). */
  executionEnv?: string;
  /** What INIT_START shows, e.g. nodejs:20.v13. */
  runtimeVersion: string;
}

const NODE = /^nodejs(18|20|22|24)\.x$/;
const PYTHON = /^python3\.(8|9|10|11|12|13|14)$/;
const PROVIDED = /^provided(\.al2|\.al2023)?$/;

/** What a Lambda runtime identifier means here; undefined when it is not one this provider runs. */
export function runtimeInfo(runtime: string): RuntimeInfo | undefined {
  let m = NODE.exec(runtime);
  if (m) {
    const major = Number(m[1]);
    return { family: 'nodejs', major, executionEnv: `AWS_Lambda_${runtime}`, runtimeVersion: `nodejs:${major}.v1` };
  }
  m = PYTHON.exec(runtime);
  if (m) {
    const minor = Number(m[1]);
    return {
      family: 'python',
      major: minor,
      executionEnv: `AWS_Lambda_${runtime}`,
      runtimeVersion: `python:3.${minor}.v1`,
    };
  }
  m = PROVIDED.exec(runtime);
  if (m) {
    const flavour = m[1] ? m[1].slice(1) : 'alami';
    return { family: 'provided', major: 0, runtimeVersion: `provided:${flavour}.v1` };
  }
  return undefined;
}

/** The INIT_START line: `INIT_START Runtime Version: nodejs:20.v1\tRuntime Version ARN: arn:aws:lambda:<region>::runtime:<hash>`. */
export function initStartLine(info: RuntimeInfo, region: string): string {
  const hash = createHash('sha256').update(`overcast:${info.runtimeVersion}`).digest('hex');
  return `INIT_START Runtime Version: ${info.runtimeVersion}\tRuntime Version ARN: arn:aws:lambda:${region}::runtime:${hash}`;
}
