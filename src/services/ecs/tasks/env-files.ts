import { S3ObjectError, getObject, s3CallerFor } from '../../s3/object-client.js';

/** Reads an object as a task's account would: how environment files come from S3. */
export type ObjectReader = (account: string, region: string, bucket: string, key: string) => Promise<Buffer>;

/** An ObjectReader through S3's API on Overcast's own endpoint, signed with the account's credentials. */
export function s3ObjectReader(
  endpoint: () => string,
  credentials: () => readonly { account: string; accessKeyId: string; secretAccessKey: string }[],
): ObjectReader {
  return (account, region, bucket, key) =>
    getObject(s3CallerFor(credentials(), endpoint(), { account, region }), bucket, key);
}

/**
 * The variables of an environment file as ECS reads them: one `VARIABLE=VALUE` a line, `#` lines
 * and blank lines ignored, no shell quoting or escapes (the value is everything after the first `=`).
 */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.push([line.slice(0, eq).trimEnd(), line.slice(eq + 1)]);
  }
  return out;
}

const S3_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/;

/**
 * A container's `environmentFiles`, read in order (a later file's value wins for a repeated name);
 * the container's own `environment` entries take precedence over all of them (see processEnv).
 * Throws the ResourceInitializationError reason ECS gives a task whose files cannot be read.
 */
export async function readEnvFiles(
  read: ObjectReader,
  account: string,
  region: string,
  files: readonly { value: string; type: string }[],
): Promise<[string, string][]> {
  const vars: [string, string][] = [];
  for (const f of files) {
    const m = S3_ARN.exec(f.value);
    if (f.type !== 's3' || !m) {
      throw new Error(`ResourceInitializationError: failed to download env files: invalid environment file ${f.value}`);
    }
    try {
      vars.push(...parseEnvFile((await read(account, region, m[1]!, m[2]!)).toString('utf8')));
    } catch (err) {
      const detail = err instanceof S3ObjectError ? `${err.code}: ${err.message}` : String(err);
      throw new Error(
        `ResourceInitializationError: failed to download env files: file download command: non empty error stream: ${detail} (${f.value})`,
        { cause: err },
      );
    }
  }
  return vars;
}
