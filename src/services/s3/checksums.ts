import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CRC64_WASM } from './crc64-wasm.js';

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

/** An incremental digest of bytes: a hash, or a CRC's big-endian bytes. */
export interface Digester {
  update(data: Uint8Array): void;
  digest(): Buffer;
}

/** Every algorithm a body is digested with: the ETag's MD5, SigV4's SHA-256 and the checksums. */
export type DigestAlgorithm = 'md5' | ChecksumAlgorithm;

/**
 * Makes the digester factory. Self-contained on purpose (everything it needs comes in as
 * arguments, no outer name is used): the hash worker runs its source text too
 * (src/services/s3/hash-thread.ts), so large bodies have their CRCs computed off the main thread.
 * CRC-64/NVME is slice-by-8 in WebAssembly when given the module (5.6 ms per 8 MiB here, against
 * 10.7 in JavaScript and 21-24 byte by byte), CRC-32C slice-by-8 in JavaScript; CRC-32 is zlib's;
 * the rest are node:crypto's.
 */
export function makeDigesters(
  createHash: (algorithm: string) => { update(data: Uint8Array): unknown; digest(): Buffer },
  crc32: (data: Uint8Array, value?: number) => number,
  /** CRC64_WASM (crc64-wasm.ts), when there is WebAssembly; else CRC-64/NVME runs in JavaScript. */
  crc64Wasm?: Uint8Array<ArrayBuffer>,
): (algorithm: DigestAlgorithm) => Digester {
  // Reflected CRC tables, slice-by-8: T[s·256 + i] is the CRC of byte i followed by s zero bytes.
  // A 64-bit CRC is kept as two 32-bit halves (lo, hi).
  const tables = (width: 32 | 64, polyLo: number, polyHi: number) => {
    const lo = new Uint32Array(8 * 256);
    const hi = new Uint32Array(8 * 256);
    for (let i = 0; i < 256; i++) {
      let l = i;
      let h = 0;
      for (let k = 0; k < 8; k++) {
        const odd = l & 1;
        l = ((l >>> 1) | (h << 31)) >>> 0;
        h = h >>> 1;
        if (odd) {
          l = (l ^ polyLo) >>> 0;
          h = (h ^ polyHi) >>> 0;
        }
      }
      lo[i] = l;
      hi[i] = width === 64 ? h : 0;
    }
    for (let s = 1; s < 8; s++) {
      for (let i = 0; i < 256; i++) {
        const pl = lo[(s - 1) * 256 + i]!;
        const ph = hi[(s - 1) * 256 + i]!;
        const idx = pl & 0xff;
        lo[s * 256 + i] = (((pl >>> 8) | (ph << 24)) ^ lo[idx]!) >>> 0;
        hi[s * 256 + i] = ((ph >>> 8) ^ hi[idx]!) >>> 0;
      }
    }
    return { lo, hi };
  };
  let c32c: Uint32Array | undefined;
  let c64: { lo: Uint32Array; hi: Uint32Array } | undefined;
  // CRC-64/NVME's reflected polynomial 0x9A6C9329AC4BC9B5, as (lo, hi).
  const crc64Tables = () => (c64 ??= tables(64, 0xac4bc9b5, 0x9a6c9329));
  const crc32cOf = (data: Uint8Array, previous: number): number => {
    const t = (c32c ??= tables(32, 0x82f63b78, 0).lo);
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
  };
  // The WebAssembly CRC-64/NVME: its tables at address 0, the bytes it reads copied after them.
  const WASM_DATA = 8 * 2048;
  const WASM_CHUNK = 1024 * 1024;
  let wasm: { mem: Uint8Array; crc: (p: number, n: number, c: bigint) => bigint } | undefined;
  const crc64InWasm = (): Digester => {
    if (!wasm) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(crc64Wasm!));
      const memory = instance.exports['m'] as WebAssembly.Memory;
      const view = new DataView(memory.buffer);
      const t = crc64Tables();
      for (let i = 0; i < 8 * 256; i++) {
        view.setUint32(i * 8, t.lo[i]!, true);
        view.setUint32(i * 8 + 4, t.hi[i]!, true);
      }
      wasm = { mem: new Uint8Array(memory.buffer), crc: instance.exports['crc'] as never };
    }
    const { mem, crc } = wasm;
    let c = -1n;
    return {
      update(data) {
        for (let at = 0; at < data.length; at += WASM_CHUNK) {
          const chunk = data.subarray(at, at + WASM_CHUNK);
          mem.set(chunk, WASM_DATA);
          c = crc(WASM_DATA, chunk.length, c);
        }
      },
      digest() {
        const out = Buffer.alloc(8);
        out.writeBigUInt64BE(BigInt.asUintN(64, ~c));
        return out;
      },
    };
  };
  const crc64 = (): Digester => {
    if (crc64Wasm && typeof WebAssembly === 'object') return crc64InWasm();
    const { lo: L, hi: H } = crc64Tables();
    let lo = 0xffffffff;
    let hi = 0xffffffff;
    return {
      update(data) {
        let i = 0;
        const n = data.length;
        const end8 = n - (n % 8);
        while (i < end8) {
          const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
          const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
          const i0 = 7 * 256 + (a & 0xff);
          const i1 = 6 * 256 + ((a >>> 8) & 0xff);
          const i2 = 5 * 256 + ((a >>> 16) & 0xff);
          const i3 = 4 * 256 + (a >>> 24);
          const i4 = 3 * 256 + (b & 0xff);
          const i5 = 2 * 256 + ((b >>> 8) & 0xff);
          const i6 = 256 + ((b >>> 16) & 0xff);
          const i7 = b >>> 24;
          lo = L[i0]! ^ L[i1]! ^ L[i2]! ^ L[i3]! ^ L[i4]! ^ L[i5]! ^ L[i6]! ^ L[i7]!;
          hi = H[i0]! ^ H[i1]! ^ H[i2]! ^ H[i3]! ^ H[i4]! ^ H[i5]! ^ H[i6]! ^ H[i7]!;
          i += 8;
        }
        for (; i < n; i++) {
          const idx = (lo ^ data[i]!) & 0xff;
          lo = ((lo >>> 8) | (hi << 24)) ^ L[idx]!;
          hi = (hi >>> 8) ^ H[idx]!;
        }
      },
      digest() {
        const out = Buffer.alloc(8);
        out.writeUInt32BE(~hi >>> 0, 0);
        out.writeUInt32BE(~lo >>> 0, 4);
        return out;
      },
    };
  };
  const crc32Family = (fn: (data: Uint8Array, previous: number) => number): Digester => {
    let value = 0;
    return {
      update(data) {
        // zlib's crc32 answers its initial value, 0, for an empty buffer whose memory is null (as
        // `randomBytes(0)` makes): that would throw away everything before it.
        if (data.length > 0) value = fn(data, value);
      },
      digest() {
        const out = Buffer.alloc(4);
        out.writeUInt32BE(value >>> 0);
        return out;
      },
    };
  };
  return (algorithm) => {
    switch (algorithm) {
      case 'crc32':
        return crc32Family((d, p) => crc32(d, p));
      case 'crc32c':
        return crc32Family(crc32cOf);
      case 'crc64nvme':
        return crc64();
      default: {
        const h = createHash(algorithm);
        return { update: (d) => void h.update(d), digest: () => h.digest() };
      }
    }
  };
}

/** A digester of any algorithm, on this thread. */
export const digester = makeDigesters(createHash, crc32, CRC64_WASM);

export function checksummer(algorithm: ChecksumAlgorithm): Checksummer {
  const d = digester(algorithm);
  return { update: (data) => d.update(data), digest: () => d.digest().toString('base64') };
}

/** Byte length of a valid digest of the algorithm (to validate a given value). */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  crc32: 4,
  crc32c: 4,
  crc64nvme: 8,
  sha1: 20,
  sha256: 32,
};

/** Whether `value` is a base64 digest of the algorithm (the right length, canonically encoded). */
export function isChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  const b = Buffer.from(value, 'base64');
  return b.length === DIGEST_BYTES[algorithm] && b.toString('base64') === value;
}

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
