import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeDigesters } from '../../src/services/s3/checksums.js';
import { CRC64_WASM } from '../../src/services/s3/crc64-wasm.js';

// CRC-64/NVME runs in WebAssembly where there is some (`node --jitless` has none), else in
// JavaScript: both must give the catalogue's check value and agree on every length and split.
describe('CRC-64/NVME', () => {
  const inWasm = makeDigesters(createHash, crc32, CRC64_WASM);
  const inJs = makeDigesters(createHash, crc32);
  const crc = (make: typeof inJs, pieces: Uint8Array[]): string => {
    const d = make('crc64nvme');
    for (const p of pieces) d.update(p);
    return d.digest().toString('hex');
  };

  it('gives the check value of "123456789" both ways', () => {
    for (const make of [inWasm, inJs]) expect(crc(make, [Buffer.from('123456789')])).toBe('ae8b14860a799888');
    expect(crc(inWasm, [])).toBe('0000000000000000');
  });

  it('agrees in WebAssembly and JavaScript for every tail length, across its 1 MiB chunks and any split', () => {
    for (const n of [1, 7, 8, 9, 15, 16, 17, 255, 4096 + 3, 1024 * 1024 - 1, 1024 * 1024 + 9, 3 * 1024 * 1024]) {
      const data = randomBytes(n);
      const whole = crc(inJs, [data]);
      expect([n, crc(inWasm, [data])]).toEqual([n, whole]);
      const cut = Math.floor(n / 3);
      expect([n, crc(inWasm, [data.subarray(0, cut), data.subarray(cut, cut + 1), data.subarray(cut + 1)])]).toEqual([
        n,
        whole,
      ]);
    }
  });
});
