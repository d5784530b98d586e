import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerHost } from '../../../runtimes/host.js';
import { removeNetns, removeStaleBridges, removeStaleSpares } from '../../../runtimes/network/stale.js';
import type { Ecs } from '../context.js';
import { taskIdOf } from '../context.js';
import type { TaskDoc } from '../types.js';

/** Why a task that was running is STOPPED after Overcast stopped or restarted. */
export const RESTART_REASON = 'Task stopped because Overcast stopped (tasks do not outlive the Overcast process)';

/** AWS's stop code for a task the platform ended: TerminationNotice once RUNNING, else TaskFailedToStart. */
function stopCodeFor(t: TaskDoc): string {
  return t.startedAt !== undefined ? 'TerminationNotice' : 'TaskFailedToStart';
}

/**
 * Before the runner stops every task on a graceful stop (SIGTERM): the stop code and reason the
 * tasks will be recorded with (the runner keeps a stop code already set).
 */
export function noteShutdown(ecs: Ecs): void {
  for (const t of ecs.state.all('task')) {
    if (t.lastStatus === 'STOPPED' || !ecs.runner.isLive(t.taskArn)) continue;
    t.stopCode ??= stopCodeFor(t);
    t.stoppedReason ??= RESTART_REASON;
  }
}

/** The network namespace paths the OCI bundles of a leftover task directory join. */
function bundleNetns(taskDir: string): string[] {
  const out: string[] = [];
  for (const c of readdirSync(taskDir, { withFileTypes: true })) {
    if (!c.isDirectory()) continue;
    try {
      const spec = JSON.parse(readFileSync(join(taskDir, c.name, 'config.json'), 'utf8')) as {
        linux?: { namespaces?: { type: string; path?: string }[] };
      };
      const p = spec.linux?.namespaces?.find((n) => n.type === 'network')?.path;
      if (p?.startsWith('/var/run/netns/') || p?.startsWith('/run/netns/')) out.push(p.slice(p.lastIndexOf('/') + 1));
    } catch {
      // no bundle written yet
    }
  }
  return out;
}

/**
 * After a restart, running tasks cannot be re-attached (their runc parent, output pipes and
 * published ports died with the old process; after kill -9 the containers themselves are still
 * running). Everything the old process left is removed — containers (runc delete --force), overlay
 * mounts, task directories, network namespaces with their veths, and bridges no live process owns —
 * and every task not STOPPED is recorded STOPPED. Services then start replacements up to
 * desiredCount: restarted, never duplicated.
 */
export async function recoverAfterRestart(ecs: Ecs, host: ContainerHost, tasksDir: string): Promise<void> {
  if (host.runc) for (const c of await host.runc.list()) await host.runc.delete(c.id);
  const netns: string[] = [];
  if (existsSync(tasksDir)) {
    for (const e of readdirSync(tasksDir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const dir = join(tasksDir, e.name);
      netns.push(...bundleNetns(dir));
      for (const c of readdirSync(dir, { withFileTypes: true }))
        if (c.isDirectory()) await host.unmountRootfs(join(dir, c.name));
      await host.removeDir(dir).catch(() => undefined);
    }
  }
  const now = ecs.clock.now();
  const orphaned = ecs.state.all('task').filter((t) => t.lastStatus !== 'STOPPED');
  // Namespaces named after the task (`ovc-<task id>`, TaskBridge.attach) by Overcast versions before
  // pre-made namespaces; today's tasks take `ovc-p…` spares, which removeStaleSpares sweeps below.
  for (const t of orphaned)
    netns.push(
      `ovc-${taskIdOf(t.taskArn)
        .replace(/[^0-9a-f]/g, '')
        .slice(0, 12)}`,
    );
  if (!host.unavailable) {
    await removeNetns(netns);
    await removeStaleSpares();
    await removeStaleBridges();
  }
  for (const t of orphaned) {
    for (const c of t.containers) {
      c.lastStatus = 'STOPPED';
      c.networkBindings = [];
    }
    const eni = t.attachments[0];
    if (eni && eni.status !== 'PRECREATED') eni.status = 'DELETED';
    Object.assign(t, {
      desiredStatus: 'STOPPED',
      lastStatus: 'STOPPED',
      stopCode: t.stopCode ?? stopCodeFor(t),
      stoppedReason: t.stoppedReason ?? RESTART_REASON,
      stoppingAt: t.stoppingAt ?? now,
      executionStoppedAt: t.executionStoppedAt ?? now,
      stoppedAt: now,
      connectivity: undefined,
      version: t.version + 1,
    });
    await ecs.state.put('task', t.taskArn, t);
  }
}
