// SigV4 pieces shared by the benchmarks' light clients (bench:s3, bench:sqs): the request date
// and the day's signing key (cached per secret, day, region and service).
import { createHash, createHmac } from 'node:crypto';

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
export const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');

/** `YYYYMMDDTHHMMSSZ` for x-amz-date, and its day. */
export function amzDate() {
  const now = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { now, day: now.slice(0, 8) };
}

const keys = new Map();
/** The signing key of `day` for `service` in `region`. */
export function signingKey(secret, day, region, service) {
  const id = `${secret}/${day}/${region}/${service}`;
  let key = keys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac('AWS4' + secret, day), region), service), 'aws4_request');
    keys.set(id, key);
  }
  return key;
}

/** The hex signature of a string to sign. */
export const signature = (key, stringToSign) => createHmac('sha256', key).update(stringToSign).digest('hex');
