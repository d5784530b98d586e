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
    this.value = this.fn(data, this.value);
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
