import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { coreErrors } from '../errors/aws-error.js';
import { parseAmzDate, parseSigV4 } from './sigv4-parse.js';
import type { SigV4Parts } from './sigv4-parse.js';
import { expectedSignature } from './sigv4-verify.js';
import type { SignableRequest } from './sigv4-verify.js';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** 12-digit account id the key belongs to. */
  account: string;
  /** IAM user name for the caller ARN; root when absent. */
  userName?: string;
}

export interface AuthConfig {
  /** `accept`: any well-formed signature; `enforce`: verify against `credentials`. */
  mode: 'accept' | 'enforce';
  credentials: Credential[];
  defaultAccount: string;
  defaultRegion: string;
}

export interface Caller {
  accessKeyId: string;
  account: string;
  region: string;
  /** SigV4 service name of the scope. */
  service: string | undefined;
  principalArn: string;
  userId: string;
}

const SKEW_MS = 15 * 60 * 1000;

/** Derive the account of an access key in accept mode: a 12-digit key is the account id. */
export function accountOfKey(accessKeyId: string, fallback: string): string {
  return /^\d{12}$/.test(accessKeyId) ? accessKeyId : fallback;
}

export class Authenticator {
  private readonly byKey = new Map<string, Credential>();

  constructor(
    private readonly config: AuthConfig,
    private readonly clock: Clock,
  ) {
    for (const c of config.credentials) this.byKey.set(c.accessKeyId, c);
  }

  get mode(): AuthConfig['mode'] {
    return this.config.mode;
  }

  /** Parse (and in enforce mode verify) the request's signature. Throws the AWS error on failure. */
  authenticate(req: SignableRequest, query: URLSearchParams): Caller {
    const parts = parseSigV4(req.headers, query);
    if (!parts) throw coreErrors.missingAuthenticationToken();
    if (this.config.mode === 'accept') {
      const account =
        this.byKey.get(parts.accessKeyId)?.account ?? accountOfKey(parts.accessKeyId, this.config.defaultAccount);
      return this.caller(parts, account, this.byKey.get(parts.accessKeyId)?.userName);
    }
    const credential = this.byKey.get(parts.accessKeyId);
    if (!credential) throw coreErrors.unrecognizedClient();
    this.checkTime(parts);
    const expected = expectedSignature(req, parts, credential.secretAccessKey);
    const given = Buffer.from(parts.signature);
    const want = Buffer.from(expected);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      throw coreErrors.invalidSignature(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return this.caller(parts, credential.account, credential.userName);
  }

  private checkTime(parts: SigV4Parts): void {
    const now = this.clock.now();
    const signed = parseAmzDate(parts.amzDate ?? '');
    if (Number.isNaN(signed)) {
      throw coreErrors.incompleteSignature(
        `Date must be in ISO-8601 'basic format'. Got '${parts.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    if (parts.presigned) {
      if (now > signed + (parts.expires ?? 0) * 1000) {
        throw coreErrors.invalidSignature(
          `Signature expired: ${fmt(signed + (parts.expires ?? 0) * 1000)} is now earlier than ${fmt(now)}`,
        );
      }
      return;
    }
    if (signed < now - SKEW_MS) {
      throw coreErrors.invalidSignature(
        `Signature expired: ${fmt(signed)} is now earlier than ${fmt(now - SKEW_MS)} (${fmt(now)} - 15 min.)`,
      );
    }
    if (signed > now + SKEW_MS) {
      throw coreErrors.invalidSignature(
        `Signature not yet current: ${fmt(signed)} is still later than ${fmt(now + SKEW_MS)} (${fmt(now)} + 15 min.)`,
      );
    }
  }

  private caller(parts: SigV4Parts, account: string, userName: string | undefined): Caller {
    return {
      accessKeyId: parts.accessKeyId,
      account,
      region: parts.region,
      service: parts.service,
      principalArn: userName ? `arn:aws:iam::${account}:user/${userName}` : `arn:aws:iam::${account}:root`,
      userId: userName ? parts.accessKeyId : account,
    };
  }
}

function fmt(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
