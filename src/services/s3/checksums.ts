import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The flexible checksum algorithms S3 accepts (x-amz-checksum-<name>). */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

export function isChecksumAlgorithm(s: string): s is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(s);
}

/** The name AWS shows in messages and XML (CRC32, CRC64NVME, SHA256, …). */
export const upperName = (a: ChecksumAlgorithm): string => a.toUpperCase();

/** An incremental digest whose result is the base64 of its big-endian bytes. */
export interface Checksummer {
  update(data: Buffer): void;
  digest(): string;
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, slice-by-8.
const C_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) t[s * 256 + i] = (t[(s - 1) * 256 + i]! >>> 8) ^ t[t[(s - 1) * 256 + i]! & 0xff]!;
  }
  return t;
})();

export function crc32c(data: Buffer, previous = 0): number {
  const t = C_TABLES;
  let c = ~previous >>> 0;
  let i = 0;
  const n = data.length;
  const end8 = n - (n % 8);
  while (i < end8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t[7 * 256 + (a & 0xff)]! ^
      t[6 * 256 + ((a >>> 8) & 0xff)]! ^
      t[5 * 256 + ((a >>> 16) & 0xff)]! ^
      t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + data[i + 4]!]! ^
      t[2 * 256 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = t[(c ^ data[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, as two 32-bit halves.
const N_LO = new Uint32Array(256);
const N_HI = new Uint32Array(256);
(() => {
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    N_LO[i] = Number(c & 0xffffffffn);
    N_HI[i] = Number(c >> 32n);
  }
})();

class Crc64Nvme implements Checksummer {
  private lo = 0xffffffff;
  private hi = 0xffffffff;
  update(data: Buffer): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ N_LO[idx]!;
      hi = (hi >>> 8) ^ N_HI[idx]!;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }
  digest(): string {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(~this.hi >>> 0, 0);
    b.writeUInt32BE(~this.lo >>> 0, 4);
    return b.toString('base64');
  }
}

class Crc32Family implements Checksummer {
  private value = 0;
  constructor(private readonly fn: (data: Buffer, prev: number) => number) {}
  update(data: Buffer): void {
    // zlib's crc32 answers its initial value, 0, for an empty buffer whose memory is null (as
    // `randomBytes(0)` makes): that would throw away everything before it.
    if (data.length > 0) this.value = this.fn(data, this.value);
  }
  digest(): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.value >>> 0);
    return b.toString('base64');
  }
}

class CryptoDigest implements Checksummer {
  private readonly hash: Hash;
  constructor(name: string) {
    this.hash = createHash(name);
  }
  update(data: Buffer): void {
    this.hash.update(data);
  }
  digest(): string {
    return this.hash.digest('base64');
  }
}

export function checksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case 'crc32':
      return new Crc32Family((d, p) => crc32(d, p));
    case 'crc32c':
      return new Crc32Family(crc32c);
    case 'crc64nvme':
      return new Crc64Nvme();
    case 'sha1':
      return new CryptoDigest('sha1');
    case 'sha256':
      return new CryptoDigest('sha256');
  }
}

/** Byte length of a valid digest of the algorithm (to validate a given value). */
export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  crc32: 4,
  crc32c: 4,
  crc64nvme: 8,
  sha1: 20,
  sha256: 32,
};

/** The checksum of checksums of a multipart upload: `<base64>-<parts>` (COMPOSITE). */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: string[]): string {
  const c = checksummer(algorithm);
  for (const d of partDigests) c.update(Buffer.from(d, 'base64'));
  return `${c.digest()}-${partDigests.length}`;
}

/**
 * CRC combination (as zlib's crc32_combine): the CRC of A followed by B from the CRCs of A and B
 * and the length of B, by multiplying polynomials modulo the CRC's (reflected) polynomial: x^(8·lenB)
 * times crc(A), plus crc(B). Works for reflected CRCs whose initial value and final XOR are all
 * ones (CRC-32, CRC-32C, CRC-64/NVME). BigInt: a few hundred operations per part.
 */
interface CrcSpec {
  width: bigint;
  poly: bigint;
  /** x^(2^k) mod p, k = 0 … width-1. */
  x2n: bigint[];
}

function crcSpec(width: number, poly: bigint): CrcSpec {
  const spec: CrcSpec = { width: BigInt(width), poly, x2n: [] };
  let p = 1n << (spec.width - 2n); // x^1
  for (let k = 0; k < width; k++) {
    spec.x2n.push(p);
    p = multModP(spec, p, p);
  }
  return spec;
}

/** a·b mod p, both in reflected bit order (the top bit is x^0). */
function multModP(spec: CrcSpec, a: bigint, b: bigint): bigint {
  let m = 1n << (spec.width - 1n);
  let p = 0n;
  if (a === 0n) return 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ spec.poly : b >> 1n;
  }
  return p;
}

/** x^(n·2^k) mod p. */
function x2nModP(spec: CrcSpec, n: bigint, k: number): bigint {
  let p = 1n << (spec.width - 1n); // x^0
  const w = spec.x2n.length;
  while (n > 0n) {
    if (n & 1n) p = multModP(spec, spec.x2n[k % w]!, p);
    n >>= 1n;
    k++;
  }
  return p;
}

let crcSpecs: Partial<Record<ChecksumAlgorithm, CrcSpec>> | undefined;
function specOf(algorithm: ChecksumAlgorithm): CrcSpec | undefined {
  crcSpecs ??= {
    crc32: crcSpec(32, 0xedb88320n),
    crc32c: crcSpec(32, 0x82f63b78n),
    crc64nvme: crcSpec(64, 0x9a6c9329ac4bc9b5n),
  };
  return crcSpecs[algorithm];
}

/** True for the algorithms whose checksum of a whole object can be made from its parts' (FULL_OBJECT). */
export const combinable = (algorithm: ChecksumAlgorithm): boolean =>
  algorithm === 'crc32' || algorithm === 'crc32c' || algorithm === 'crc64nvme';

/** The checksum of the parts' bytes one after another, from each part's checksum (base64) and size. */
export function fullObjectChecksum(
  algorithm: ChecksumAlgorithm,
  parts: readonly { value: string; size: number }[],
): string {
  const spec = specOf(algorithm);
  if (!spec) throw new Error(`${algorithm} checksums cannot be combined`);
  const bytes = Number(spec.width / 8n);
  const toBig = (b64: string): bigint => {
    const b = Buffer.from(b64, 'base64');
    if (b.length !== bytes) throw new Error(`a ${algorithm} checksum of ${b.length} bytes`);
    return BigInt(`0x${b.toString('hex')}`);
  };
  let crc = 0n;
  for (const part of parts) {
    // crc(A·B) = x^(8·|B|)·crc(A) + crc(B); 3: x^(n·2^3) = x^(8n).
    crc = multModP(spec, x2nModP(spec, BigInt(part.size), 3), crc) ^ toBig(part.value);
  }
  return Buffer.from(crc.toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}
