/** How Lambda words a runtime's exit: Go's ExitError text (`exit status 1`, `signal: killed`). */

const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error (core dumped)',
  SIGILL: 'illegal instruction (core dumped)',
  SIGFPE: 'floating point exception (core dumped)',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
};

/** Go's ExitError wording, as Lambda prints it: `exit status 1`, `signal: killed`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_TEXT[signal] ?? signal.toLowerCase().replace(/^sig/, '')}`;
  return `exit status ${code ?? 0}`;
}

const SIGNAL_NUMBERS: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};

/** An exit status that reports a signal death as 128+n (runc, shells), in the same wording. */
export function describeExitStatus(code: number): string {
  const signal = code > 128 ? SIGNAL_NUMBERS[code - 128] : undefined;
  return signal ? describeExit(null, signal) : describeExit(code, null);
}
