import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksummer, fullObjectChecksum } from '../../src/services/s3/checksums.js';

describe('FULL_OBJECT checksums from the parts of a multipart upload', () => {
  for (const alg of ['crc32', 'crc32c', 'crc64nvme'] as const)
    it(`${alg}: combining the parts' checksums equals the checksum of the whole`, () => {
      for (const sizes of [[5], [0, 3], [1, 2, 3], [1000, 1, 77_777, 0, 12], [65_536, 65_537]]) {
        const parts = sizes.map((n) => randomBytes(n));
        const whole = checksummer(alg);
        for (const p of parts) whole.update(p);
        const each = parts.map((p) => {
          const c = checksummer(alg);
          c.update(p);
          return { value: c.digest(), size: p.length };
        });
        expect(fullObjectChecksum(alg, each)).toBe(whole.digest());
      }
    });
});
