import { ecsErrors } from './errors.js';

/** Fargate's task cpu → allowed memory (MiB), from the RegisterTaskDefinition `memory` documentation. */
function allowedMemory(cpu: number): number[] {
  const range = (from: number, to: number, step: number) => {
    const out: number[] = [];
    for (let m = from; m <= to; m += step) out.push(m);
    return out;
  };
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

/** `"1 vCPU"`, `"0.25 vcpu"`, `"512"` → CPU units. */
export function parseCpu(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const m = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(v);
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}

/** `"1 GB"`, `"0.5gb"`, `"2048"` → MiB. */
export function parseMemory(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const m = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(v);
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}

/** Validate a task's cpu/memory as Fargate does; returns the normalised strings. */
export function fargateSize(cpu: string | undefined, memory: string | undefined): { cpu: string; memory: string } {
  if (cpu === undefined) throw ecsErrors.client("Fargate requires that 'cpu' be defined at the task level.");
  if (memory === undefined) throw ecsErrors.client("Fargate requires that 'memory' be defined at the task level.");
  const c = parseCpu(cpu);
  const m = parseMemory(memory);
  if (c === undefined || m === undefined || !allowedMemory(c).includes(m)) {
    throw ecsErrors.client(
      `No Fargate configuration exists for given values: ${c ?? cpu} CPU, ${m ?? memory} memory. See the Amazon ECS documentation for the valid values.`,
    );
  }
  return { cpu: String(c), memory: String(m) };
}
