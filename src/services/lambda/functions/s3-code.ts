import { S3ObjectError, getObject, s3CallerFor } from '../../s3/object-client.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';

/** Code.S3Bucket/S3Key: the object read through S3's API as the function's account, as Lambda does. */
export async function codeFromS3(
  lc: LambdaContext,
  scope: { account: string; region: string },
  bucket: string,
  key: string,
  version?: string,
): Promise<Buffer> {
  try {
    return await getObject(s3CallerFor(lc.config.credentials, lc.server.endpoint, scope), bucket, key, version);
  } catch (err) {
    if (err instanceof S3ObjectError) {
      throw lambdaErrors.invalidParameter(
        `Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}`,
      );
    }
    throw err;
  }
}
