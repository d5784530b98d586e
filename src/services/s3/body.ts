import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { RequestHead } from '../../core/http/mount.js';
import type { S3Caller } from './auth.js';
import { AwsChunkedDecoder } from './chunked.js';
import { CHECKSUM_ALGORITHMS, checksummer, isChecksumAlgorithm, isChecksumValue, upperName } from './checksums.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { S3Error, s3Errors } from './errors.js';
import { hashesHere } from './hash-thread.js';
import type { BodyHashes, HashAlgorithm, HashThread } from './hash-thread.js';
import type { Files } from './storage/files.js';

/** Largest single PUT (5 GiB). */
export const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;
const FLUSH_BYTES = 1024 * 1024;
/** Bytes of one body being written to its file at once, at most (beyond them the reader waits). */
const MAX_WRITING = 4 * FLUSH_BYTES;

/**
 * Shared-memory buffers a batch is copied into for the hash worker and the file write, reused once
 * both are done with them: a fresh SharedArrayBuffer per batch is zeroed, page-faulted memory,
 * which showed as a tenth of a large PUT's CPU. A batch is at most a socket read over FLUSH_BYTES.
 */
const SLAB_BYTES = FLUSH_BYTES + 256 * 1024;
const MAX_SLABS = 16;
const slabs: Buffer[] = [];
const takeSlab = (bytes: number): Buffer =>
  bytes <= SLAB_BYTES
    ? (slabs.pop() ?? Buffer.from(new SharedArrayBuffer(SLAB_BYTES)))
    : Buffer.from(new SharedArrayBuffer(bytes));
const giveSlab = (slab: Buffer): void => {
  if (slab.length === SLAB_BYTES && slabs.length < MAX_SLABS) slabs.push(slab);
};

export interface ReceivedBody {
  /** Name of the committed file under the data directory. */
  file: string;
  size: number;
  md5: Buffer;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** The body's CRC-64/NVME, when asked for (or declared). */
  crc64nvme?: string;
}

/** How the request declares its payload: hash mode, aws-chunked, expected digests. */
interface BodySpec {
  chunked: boolean;
  sha256?: string;
  decodedLength?: number;
  md5?: Buffer;
  algorithm?: ChecksumAlgorithm;
  /** Expected value from a header; undefined when it comes in a trailer (or not at all). */
  expected?: string;
  trailer?: string;
}

function specOf(
  head: RequestHead,
  defaultAlgorithm: ChecksumAlgorithm | undefined,
  /** x-amz-checksum-<algorithm> states the object's checksum (CompleteMultipartUpload): not read here. */
  checksumHeaderNamesObject = false,
): BodySpec {
  const h = head.headers;
  const sha = h['x-amz-content-sha256'];
  const encoding = h['content-encoding'] ?? '';
  const shaIsDigest = sha !== undefined && /^[0-9a-fA-F]{64}$/.test(sha);
  const spec: BodySpec = {
    // aws-chunked in Content-Encoding frames the body unless x-amz-content-sha256 is the plain body's digest.
    chunked:
      (sha !== undefined && sha.startsWith('STREAMING-')) || (/(^|,)\s*aws-chunked/.test(encoding) && !shaIsDigest),
  };
  if (shaIsDigest) spec.sha256 = sha.toLowerCase();
  else if (sha !== undefined && !spec.chunked && sha !== 'UNSIGNED-PAYLOAD') {
    throw s3Errors.invalidArgument(
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      'x-amz-content-sha256',
      sha,
    );
  }
  if (spec.chunked) {
    const d = h['x-amz-decoded-content-length'];
    if (d !== undefined) {
      if (!/^\d+$/.test(d))
        throw s3Errors.invalidArgument('Invalid x-amz-decoded-content-length', 'x-amz-decoded-content-length', d);
      spec.decodedLength = Number(d);
    }
  }
  const md5 = h['content-md5'];
  if (md5 !== undefined) {
    const b = Buffer.from(md5, 'base64');
    if (b.length !== 16 || b.toString('base64') !== md5.trim()) throw s3Errors.invalidDigest();
    spec.md5 = b;
  }
  let count = 0;
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = h[`x-amz-checksum-${a}`];
    if (v === undefined || checksumHeaderNamesObject) continue;
    count++;
    if (!isChecksumValue(a, v.trim())) {
      throw s3Errors.invalidRequest(`Value for x-amz-checksum-${a} header is invalid.`);
    }
    spec.algorithm = a;
    spec.expected = v.trim();
  }
  if (count > 1)
    throw s3Errors.invalidRequest(
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  const trailer = h['x-amz-trailer']?.trim().toLowerCase();
  if (trailer) {
    const a = trailer.replace(/^x-amz-checksum-/, '');
    if (!trailer.startsWith('x-amz-checksum-') || !isChecksumAlgorithm(a)) {
      throw s3Errors.invalidRequest(`The value specified in the x-amz-trailer header is not supported`);
    }
    if (spec.algorithm && spec.algorithm !== a)
      throw s3Errors.invalidRequest('Expecting a single x-amz-checksum- header');
    spec.algorithm = a;
    spec.trailer = trailer;
  }
  const sdk = h['x-amz-sdk-checksum-algorithm']?.toLowerCase();
  if (sdk && !spec.algorithm) {
    if (!isChecksumAlgorithm(sdk))
      throw s3Errors.invalidRequest(
        'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      );
    spec.algorithm = sdk;
  }
  if (!spec.algorithm && defaultAlgorithm) spec.algorithm = defaultAlgorithm;
  return spec;
}

/**
 * Receives a request body into a file: decodes aws-chunked, computes MD5 (the ETag), the declared
 * SHA-256 and flexible checksum as the bytes pass, and writes them in 1 MiB batches. The file is
 * committed to the data directory only when every digest holds; otherwise it is removed and the
 * S3 error thrown (BadDigest, XAmzContentSHA256Mismatch, IncompleteBody). A body that outgrows
 * one batch has its digests (MD5, SHA-256, checksums) computed on `options.hashes` (a worker
 * thread), each batch copied once into shared memory that both the file write and the worker read.
 */
export async function receiveBody(
  head: RequestHead,
  req: IncomingMessage,
  caller: S3Caller,
  files: Files,
  options: {
    defaultAlgorithm?: ChecksumAlgorithm;
    /** Also the body's CRC-64/NVME (ReceivedBody.crc64nvme), whatever checksum it declares. */
    crc64nvme?: boolean;
    maxBytes?: number;
    hashes?: HashThread;
  } = {},
): Promise<ReceivedBody> {
  const spec = specOf(head, options.defaultAlgorithm);
  const maxBytes = options.maxBytes ?? MAX_PUT_BYTES;
  const declared = spec.chunked
    ? spec.decodedLength
    : head.headers['content-length'] !== undefined
      ? Number(head.headers['content-length'])
      : undefined;
  if (declared !== undefined && declared > maxBytes) throw s3Errors.entityTooLarge(declared, maxBytes);
  // md5 first; then where each other digest is in the digests (-1: not computed).
  const algorithms: HashAlgorithm[] = ['md5'];
  const add = (a: HashAlgorithm | undefined): number => (a ? algorithms.push(a) - 1 : -1);
  const shaAt = add(spec.sha256 ? 'sha256' : undefined);
  const sumAt = add(spec.algorithm);
  const crc64At = spec.algorithm === 'crc64nvme' ? sumAt : add(options.crc64nvme ? 'crc64nvme' : undefined);
  let hashes: BodyHashes | undefined;
  const decoder = spec.chunked ? new AwsChunkedDecoder(caller.chunkVerifier) : undefined;
  const tempPath = files.tempPath();
  let fh: FileHandle | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  const take = (b: Buffer): void => {
    pending.push(b);
    pendingBytes += b.length;
    size += b.length;
  };
  // File writes run behind the socket: the body keeps flowing while earlier batches are written
  // (up to MAX_WRITING bytes in flight, then the reader waits for the writes to catch up).
  let writing: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let streamed = false;
  const flush = (): void => {
    if (pendingBytes === 0) return;
    streamed = true;
    let bufs = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    // Called by each reader of the batch when done with it (the file write, and the hashing).
    let release: (() => void) | undefined;
    if (options.hashes) {
      hashes ??= options.hashes.start(algorithms);
      const slab = takeSlab(bytes);
      let at = 0;
      for (const b of bufs) at += b.copy(slab, at);
      bufs = [slab.subarray(0, bytes)];
      let readers = 2;
      release = () => {
        if (--readers === 0) giveSlab(slab);
      };
      hashes.update(bufs[0]!, release);
    } else {
      hashes ??= hashesHere(algorithms);
      for (const b of bufs) hashes.update(b);
    }
    inFlight += bytes;
    writing = writing.then(async () => {
      try {
        fh ??= await open(tempPath, 'w');
        await writeAll(fh, bufs, bytes);
        inFlight -= bytes;
      } finally {
        release?.();
      }
    });
    // Observed by the next await (or the finally block); never an unhandled rejection meanwhile.
    writing.catch(() => undefined);
  };
  let ok = false;
  try {
    for await (const chunk of req) {
      if (decoder) decoder.push(chunk as Buffer, take);
      else take(chunk as Buffer);
      if (size > maxBytes) throw s3Errors.entityTooLarge(size, maxBytes);
      if (pendingBytes >= FLUSH_BYTES) {
        flush();
        if (inFlight > MAX_WRITING) await writing;
      }
    }
    if (!req.complete) throw s3Errors.incompleteBody();
    decoder?.finish();
    if (declared !== undefined && size !== declared) throw s3Errors.incompleteBody();
    // A body that fit in memory (under 1 MiB) is written once its digests hold, straight to its
    // final name; a larger one was streamed to a temporary file and is renamed.
    const inMemory = !streamed;
    if (inMemory) {
      hashes = hashesHere(algorithms);
      for (const b of pending) hashes.update(b);
    } else flush();
    // The last digests are computed (on the worker) while the last batches reach the file.
    const digesting = hashes!.digest();
    hashes = undefined;
    digesting.catch(() => undefined);
    if (!inMemory) {
      await writing;
      await fh!.close();
      fh = undefined;
    }
    const digests = await digesting;
    const md5Digest = digests[0]!;
    const shaDigest = shaAt >= 0 ? digests[shaAt] : undefined;
    if (shaDigest) {
      const computed = shaDigest.toString('hex');
      if (computed !== spec.sha256) throw s3Errors.sha256Mismatch(spec.sha256!, computed);
    }
    if (spec.md5 && !spec.md5.equals(md5Digest)) throw s3Errors.badDigest();
    let checksum: ReceivedBody['checksum'];
    if (spec.algorithm) {
      const value = digests[sumAt]!.toString('base64');
      const expected = spec.trailer ? decoder?.trailers[spec.trailer] : spec.expected;
      if (spec.trailer && expected === undefined) {
        throw s3Errors.invalidRequest(`x-amz-trailer ${spec.trailer} was declared but not sent`);
      }
      if (expected !== undefined && expected !== value) {
        throw new S3Error(
          'BadDigest',
          `The ${upperName(spec.algorithm)} you specified did not match the calculated checksum.`,
          400,
        );
      }
      checksum = { algorithm: spec.algorithm, value };
    }
    let file: string;
    if (inMemory) {
      file = files.writeSmall(pending);
    } else {
      file = await files.commit(tempPath);
    }
    ok = true;
    const out: ReceivedBody = { file, size, md5: md5Digest };
    if (checksum) out.checksum = checksum;
    if (crc64At >= 0) out.crc64nvme = digests[crc64At]!.toString('base64');
    return out;
  } finally {
    hashes?.abort();
    await writing.catch(() => undefined);
    if (fh) await fh.close().catch(() => undefined);
    if (!ok) await files.removeTemp(tempPath);
  }
}

/** writev of every buffer without concatenating them; a short write resumes where it stopped. */
async function writeAll(fh: FileHandle, buffers: Buffer[], bytes: number): Promise<void> {
  let bufs = buffers;
  let left = bytes;
  while (left > 0) {
    let written = (await fh.writev(bufs)).bytesWritten;
    left -= written;
    if (left === 0) break;
    while (written >= bufs[0]!.length) written -= bufs.shift()!.length;
    bufs = [bufs[0]!.subarray(written), ...bufs.slice(1)];
  }
}

/** Reads a small request body (XML configuration documents) whole, checking Content-MD5 and the SHA-256. */
export async function readSmallBody(
  head: RequestHead,
  req: IncomingMessage,
  caller: S3Caller,
  limit = 1024 * 1024,
  /** CompleteMultipartUpload: x-amz-checksum-<algorithm> states the object's checksum, not the body's. */
  checksumHeaderNamesObject = false,
): Promise<Buffer> {
  const spec = specOf(head, undefined, checksumHeaderNamesObject);
  const decoder = spec.chunked ? new AwsChunkedDecoder(caller.chunkVerifier) : undefined;
  const parts: Buffer[] = [];
  let size = 0;
  const take = (b: Buffer): void => {
    parts.push(b);
    size += b.length;
  };
  for await (const chunk of req) {
    if (decoder) decoder.push(chunk as Buffer, take);
    else take(chunk as Buffer);
    if (size > limit) throw s3Errors.invalidRequest('The request body is too large');
  }
  decoder?.finish();
  const body = Buffer.concat(parts, size);
  if (spec.sha256) {
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== spec.sha256) throw s3Errors.sha256Mismatch(spec.sha256, computed);
  }
  if (spec.md5 && !spec.md5.equals(createHash('md5').update(body).digest())) throw s3Errors.badDigest();
  if (spec.algorithm && (spec.expected !== undefined || spec.trailer)) {
    const c = checksummer(spec.algorithm);
    c.update(body);
    const expected = spec.trailer ? decoder?.trailers[spec.trailer] : spec.expected;
    if (expected !== undefined && expected !== c.digest()) {
      throw new S3Error(
        'BadDigest',
        `The ${upperName(spec.algorithm)} you specified did not match the calculated checksum.`,
        400,
      );
    }
  }
  return body;
}
