import { createHash } from 'node:crypto';
import type { Authenticator, Caller, Credential } from '../../../core/auth/authenticate.js';
import { parseSigV4 } from '../../../core/auth/sigv4-parse.js';
import { signingStrings } from '../../../core/auth/sigv4-verify.js';
import type { SignableRequest } from '../../../core/auth/sigv4-verify.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { GatewayError } from './gateway-responses.js';

/** `requestContext.identity` fields API Gateway fills for an IAM caller. */
export interface IamIdentity {
  accessKey: string;
  accountId: string;
  caller: string;
  user: string;
  userArn: string;
}

const SERVICE = 'execute-api';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * AWS_IAM method authorization: the caller's SigV4 signature (Authorization header or presigned
 * query) over the request as the gateway received it (path with the stage, query, signed headers,
 * payload hash), checked by the core's Authenticator. In `accept` mode any well-formed signature
 * passes, as for the AWS APIs; in `enforce` mode it is verified against the configured credentials
 * and must be scoped to `execute-api` in the API's region.
 */
export class IamAuthorizer {
  private readonly byKey = new Map<string, Credential>();

  constructor(
    private readonly auth: Authenticator,
    credentials: Credential[],
  ) {
    for (const c of credentials) this.byKey.set(c.accessKeyId, c);
  }

  /** The caller's identity, or throws the GatewayError AWS answers with. */
  check(req: SignableRequest, query: URLSearchParams, region: string): IamIdentity {
    const header = req.headers['authorization'];
    if (header !== undefined) checkPairs(header);
    let caller: Caller;
    try {
      caller = this.auth.authenticate(req, query);
    } catch (err) {
      throw this.translate(err, req, query);
    }
    if (this.auth.mode === 'enforce') {
      if (caller.service !== SERVICE)
        throw invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'. `);
      if (caller.region !== region)
        throw invalidSignature(`Credential should be scoped to a valid region, not '${caller.region}'. `);
    }
    return {
      accessKey: caller.accessKeyId,
      accountId: caller.account,
      caller: caller.userId,
      user: caller.userId,
      userArn: caller.principalArn,
    };
  }

  private translate(err: unknown, req: SignableRequest, query: URLSearchParams): unknown {
    if (!(err instanceof AwsError)) return err;
    switch (err.code) {
      case 'MissingAuthenticationTokenException':
        return new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
      case 'UnrecognizedClientException':
        // AWS knowledge center "troubleshoot 403 errors from API Gateway": AccessDeniedException.
        return new GatewayError('ACCESS_DENIED', err.message, undefined, {
          errorType: 'AccessDeniedException',
          key: 'message',
        });
      case 'IncompleteSignatureException':
        return new GatewayError('INVALID_SIGNATURE', err.message, undefined, {
          errorType: 'IncompleteSignatureException',
        });
      case 'InvalidSignatureException':
        if (err.message.startsWith('Signature expired'))
          return new GatewayError('EXPIRED_TOKEN', err.message, undefined, {
            errorType: 'InvalidSignatureException',
          });
        if (err.message.startsWith(MISMATCH)) return invalidSignature(this.mismatch(req, query));
        return invalidSignature(err.message);
      default:
        return new GatewayError('INVALID_SIGNATURE', err.message, undefined, { errorType: err.code });
    }
  }

  /** AWS's mismatch message quotes the canonical request and the string to sign it computed. */
  private mismatch(req: SignableRequest, query: URLSearchParams): string {
    const parts = parseSigV4(req.headers, query);
    if (!parts || !this.byKey.has(parts.accessKeyId)) return MISMATCH;
    const { canonicalRequest, stringToSign } = signingStrings(req, parts);
    return `${MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`;
  }
}

function invalidSignature(message: string): GatewayError {
  return new GatewayError('INVALID_SIGNATURE', message, undefined, { errorType: 'InvalidSignatureException' });
}

/**
 * API Gateway reads the Authorization header as `<algorithm> k=v, k=v, ...`; a part without `=`
 * (a bearer token sent to an IAM method) is refused with the header's SHA-256 in the message.
 */
function checkPairs(header: string): void {
  const space = header.indexOf(' ');
  const rest = space < 0 ? '' : header.slice(space + 1);
  const parts = rest
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 0 && parts.every((p) => p.includes('='))) return;
  const digest = createHash('sha256').update(header).digest('base64');
  throw new GatewayError(
    'INVALID_SIGNATURE',
    `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.`,
    undefined,
    { errorType: 'IncompleteSignatureException' },
  );
}
