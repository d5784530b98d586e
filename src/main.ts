export { startOvercast } from './platform.js';
export type { Overcast, PlatformOptions } from './platform.js';
export { ManualClock, systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
