// Errors with a hint and a non-zero exit code, in text or --json form.
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function fail(err: unknown, json?: boolean): void {
  const message = err instanceof Error ? err.message : String(err);
  const hint =
    err instanceof CliError
      ? err.hint
      : /ECONNREFUSED|fetch failed/.test(message)
        ? 'is Overcast running? start it with `overcast start`'
        : undefined;
  if (json) process.stdout.write(JSON.stringify({ error: message, ...(hint ? { hint } : {}) }) + '\n');
  else process.stderr.write(`overcast: ${message}${hint ? `\nhint: ${hint}` : ''}\n`);
  process.exitCode = err instanceof CliError ? err.exitCode : 1;
}
