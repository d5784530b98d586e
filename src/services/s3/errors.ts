import { escapeXml } from './xml.js';

/** An S3 error: `<Error><Code>…</Code><Message>…</Message>…<RequestId/><HostId/></Error>`. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra elements after Message (BucketName, Key, Condition, …). */
    readonly fields: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }

  toXml(requestId: string, hostId: string): string {
    let extra = '';
    for (const [k, v] of Object.entries(this.fields)) extra += `<${k}>${escapeXml(v)}</${k}>`;
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${this.code}</Code><Message>${escapeXml(this.message)}</Message>${extra}` +
      `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`
    );
  }
}

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string, headers: Record<string, string> = {}) =>
    new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }, headers),
  noSuchVersion: (key: string, versionId: string) =>
    new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      404,
      { UploadId: uploadId },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    ),
  bucketAlreadyExists: (bucket: string) =>
    new S3Error(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { BucketName: bucket },
    ),
  bucketNotEmpty: (bucket: string, versioned = false) =>
    new S3Error(
      'BucketNotEmpty',
      versioned
        ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
        : 'The bucket you tried to delete is not empty',
      409,
      { BucketName: bucket },
    ),
  invalidBucketName: (bucket: string) =>
    new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  invalidRange: (size: number, range: string) =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: range,
      ActualObjectSize: String(size),
    }),
  preconditionFailed: (condition: string) =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: condition,
    }),
  badDigest: (message = 'The Content-MD5 you specified did not match what we received.') =>
    new S3Error('BadDigest', message, 400),
  invalidDigest: () => new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400),
  sha256Mismatch: (client: string, computed: string) =>
    new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      { ClientComputedContentSHA256: client, S3ComputedContentSHA256: computed },
    ),
  entityTooSmall: (size: number, partNumber: number, eTag: string) =>
    new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
      ProposedSize: String(size),
      MinSizeAllowed: String(5 * 1024 * 1024),
      PartNumber: String(partNumber),
      ETag: eTag,
    }),
  entityTooLarge: (size: number, max: number) =>
    new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: String(size),
      MaxSizeAllowed: String(max),
    }),
  invalidPart: (partNumber: number, eTag: string, uploadId: string) =>
    new S3Error(
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      400,
      { UploadId: uploadId, PartNumber: String(partNumber), ETag: eTag },
    ),
  invalidPartOrder: (uploadId: string) =>
    new S3Error(
      'InvalidPartOrder',
      'The list of parts was not in ascending order. Parts must be ordered by part number.',
      400,
      {
        UploadId: uploadId,
      },
    ),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    ),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error(
      'InvalidArgument',
      message,
      400,
      name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
    ),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', message, 400),
  invalidLocationConstraint: (message = 'The specified location-constraint is not valid') =>
    new S3Error('InvalidLocationConstraint', message, 400),
  illegalLocationConstraint: (region: string, target: string) =>
    new S3Error(
      'IllegalLocationConstraintException',
      `The ${target} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    ),
  methodNotAllowed: (method: string, resource: string, headers: Record<string, string> = {}) =>
    new S3Error(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        Method: method,
        ResourceType: resource,
      },
      headers,
    ),
  notImplemented: (what: string) =>
    new S3Error(
      'NotImplemented',
      `A header or query you provided implies functionality that is not implemented: ${what}`,
      501,
    ),
  accessDenied: (message = 'Access Denied') => new S3Error('AccessDenied', message, 403),
  invalidAccessKeyId: (key: string) =>
    new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, {
      AWSAccessKeyId: key,
    }),
  signatureDoesNotMatch: (fields: Record<string, string>) =>
    new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
      fields,
    ),
  noSuchTagSet: (bucket: string) =>
    new S3Error('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket }),
  noSuchCors: (bucket: string) =>
    new S3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404, { BucketName: bucket }),
  noSuchPolicy: (bucket: string) =>
    new S3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket }),
  invalidTag: (message: string, fields: Record<string, string> = {}) => new S3Error('InvalidTag', message, 400, fields),
  incompleteBody: () =>
    new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
    ),
  keyTooLong: () => new S3Error('KeyTooLongError', 'Your key is too long', 400),
  internal: () => new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
};
