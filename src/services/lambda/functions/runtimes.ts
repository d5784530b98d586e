import { lambdaErrors } from '../errors.js';

/** Runtimes Lambda no longer accepts for new functions or updates, with the suggested replacement. */
const DEPRECATED: Record<string, string> = {
  nodejs: 'nodejs24.x',
  'nodejs4.3': 'nodejs24.x',
  'nodejs4.3-edge': 'nodejs24.x',
  'nodejs6.10': 'nodejs24.x',
  'nodejs8.10': 'nodejs24.x',
  'nodejs10.x': 'nodejs24.x',
  'nodejs12.x': 'nodejs24.x',
  'nodejs14.x': 'nodejs24.x',
  'nodejs16.x': 'nodejs24.x',
  'python2.7': 'python3.13',
  'python3.6': 'python3.13',
  'python3.7': 'python3.13',
  'python3.8': 'python3.13',
  'dotnetcore1.0': 'dotnet8',
  'dotnetcore2.0': 'dotnet8',
  'dotnetcore2.1': 'dotnet8',
  'dotnetcore3.1': 'dotnet8',
  dotnet6: 'dotnet8',
  'ruby2.5': 'ruby3.3',
  'ruby2.7': 'ruby3.3',
  'go1.x': 'provided.al2023',
  java8: 'java21',
};

/** Runtimes Overcast runs on this machine (Node.js, Python, custom runtimes). */
export function isRunnable(runtime: string): boolean {
  return (
    /^nodejs\d+\.x$/.test(runtime) || /^python3\.\d+$/.test(runtime) || /^provided(\.al2|\.al2023)?$/.test(runtime)
  );
}

export function checkRuntimeAccepted(runtime: string): void {
  const replacement = DEPRECATED[runtime];
  if (replacement) {
    throw lambdaErrors.invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${replacement}) while creating or updating functions.`,
    );
  }
}

/** RuntimeVersionArn as GetFunctionConfiguration shows it. */
export function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${runtime.replace(/[^a-z0-9]/g, '')}0000000000000000000000000000000000000000000000000000`.slice(
    0,
    120,
  );
}
