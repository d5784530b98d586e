import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { describeExit, describeExitStatus } from '../../../src/services/lambda/environments/exit-text.js';
import { InvocationCycle, type CycleHooks } from '../../../src/services/lambda/environments/invocation-cycle.js';
import type { RuntimeEvent } from '../../../src/services/lambda/runtime-api/state.js';
import { MemorySink, invocation, spec } from './helpers.js';

/** A cycle over a fake runtime: the test plays the runtime through the Runtime API state machine. */
function fakeCycle(over: Partial<CycleHooks<number>> = {}, timeoutSec = 3) {
  const sink = new MemorySink();
  const events: RuntimeEvent[] = [];
  const kills: number[] = [];
  const hooks: CycleHooks<number> = {
    kill: async () => {
      kills.push(Date.now());
      cycle.markDead();
    },
    wasOom: () => false,
    exitText: describeExitStatus,
    killedExit: 137,
    maxMemoryUsedMb: async (oom) => (oom ? 128 : 42),
    drainOutput: async () => undefined,
    ...over,
  };
  const s = spec({ codeDir: '/nonexistent', timeoutSec });
  const cycle: InvocationCycle<number> = new InvocationCycle<number>(
    'env-1',
    s,
    sink,
    systemClock,
    silentLogger,
    hooks,
  );
  const poll = () => cycle.api.state.next({ open: true, send: (e) => events.push(e), refuse: () => undefined });
  return { cycle, sink, events, kills, poll };
}

describe('the shared invocation cycle', () => {
  it('words exits as Go does: exit status, and 128+n as the signal', () => {
    expect(describeExit(1, null)).toBe('exit status 1');
    expect(describeExit(null, 'SIGKILL')).toBe('signal: killed');
    expect(describeExitStatus(2)).toBe('exit status 2');
    expect(describeExitStatus(137)).toBe('signal: killed');
    expect(describeExitStatus(139)).toBe('signal: segmentation fault (core dumped)');
    expect(describeExitStatus(200)).toBe('exit status 200');
  });

  it('answers a response, then reports the exit status of a runtime that exited while idle', async () => {
    const { cycle, sink, events, poll } = fakeCycle();
    cycle.beginInit();
    poll();
    const inv = invocation({ a: 1 });
    const pending = cycle.invoke(inv);
    await new Promise((r) => setImmediate(r));
    expect(events.map((e) => e.requestId)).toEqual([inv.requestId]);
    expect(Math.abs(events[0]!.deadlineMs - (Date.now() + 3000))).toBeLessThan(1000);
    cycle.api.state.response(inv.requestId, Buffer.from('"ok"'), 4, 'application/json');
    const ok = await pending;
    expect(ok).toMatchObject({ status: 'success', reusable: true, maxMemoryUsedMb: 42 });
    expect(ok.initDurationMs).toBeDefined();

    cycle.exited(1);
    await cycle.waitForExit(2000);
    expect(cycle.alive).toBe(false);
    const second = invocation({});
    const crashed = await cycle.invoke(second);
    expect(crashed.status).toBe('crash');
    expect(crashed.reusable).toBe(false);
    expect(crashed.initDurationMs).toBeUndefined();
    expect(JSON.parse(crashed.payload.toString())).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${second.requestId} Error: Runtime exited with error: exit status 1`,
    });
    expect(sink.lines).toContain(
      `RequestId: ${second.requestId} Error: Runtime exited with error: exit status 1\nRuntime.ExitError`,
    );
  });

  it('turns an exit during init into an init error (OOM as Runtime.OutOfMemory) with INIT_REPORT', async () => {
    const { cycle, sink, kills } = fakeCycle({ wasOom: (code) => code === 137 });
    cycle.beginInit();
    cycle.emitFunction(['loading…']);
    cycle.exited(137);
    const inv = invocation({});
    const r = await cycle.invoke(inv);
    expect(r.status).toBe('init-error');
    expect(r.errorType).toBe('Runtime.OutOfMemory');
    expect(JSON.parse(r.payload.toString()).errorMessage).toBe(
      `RequestId: ${inv.requestId} Error: Runtime exited with error: signal: killed`,
    );
    expect(sink.lines.some((l) => /^INIT_REPORT .*Status: error\tError Type: Runtime.OutOfMemory$/.test(l))).toBe(true);
    // The init output is replayed between START and END in the tail.
    expect(r.logTail).toMatch(/START RequestId: .*\nloading…\nEND RequestId/);
    expect(kills.length).toBeGreaterThan(0);
  });

  it('times out at the deadline, kills, and writes the timeout line before END', async () => {
    const { cycle, poll } = fakeCycle({}, 0.2);
    cycle.beginInit();
    poll();
    const r = await cycle.invoke(invocation({}));
    expect(r.status).toBe('timeout');
    expect(r.reusable).toBe(false);
    expect(r.logTail).toMatch(/Task timed out after 0.20 seconds\nEND RequestId: .*\nREPORT .*Status: timeout\n$/);
  });

  it('waitForExit returns at once once the exit has been handled', async () => {
    const { cycle } = fakeCycle();
    cycle.exited(0);
    await cycle.waitForExit(2000);
    const t0 = Date.now();
    await cycle.waitForExit(2000);
    expect(Date.now() - t0).toBeLessThan(100);
  });
});
