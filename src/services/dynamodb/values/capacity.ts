/** Capacity units from item sizes (bytes). */

export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

/**
 * Read capacity for `sizeBytes` of data: 4 KB units rounded up, at least one unit (a missing item
 * still costs one); an eventually consistent read costs half (e.g. 0.5).
 */
export function readUnits(sizeBytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(sizeBytes / READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

/** Write capacity for `sizeBytes`: 1 KB units rounded up, at least one unit. */
export function writeUnits(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / WRITE_UNIT_BYTES));
}
