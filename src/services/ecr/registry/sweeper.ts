import type { Logger } from '../../../core/log.js';
import type { LifecycleImage, LifecycleResult } from './lifecycle.js';
import { evaluateLifecycle, parseLifecyclePolicy } from './lifecycle.js';
import type { Registry, RepoRow, Scope } from './registry.js';

export interface SweepLimits {
  /** An upload untouched for this long is abandoned (distribution: a week; ECR: 24 hours). */
  uploadTtlMs: number;
  /** A blob no manifest references is kept this long after its last upload or mount (a push in progress). */
  blobGraceMs: number;
}

export interface GcResult {
  blobs: number;
  bytes: number;
  uploads: number;
}

/** The images of a repository as a lifecycle policy sees them (children of an index excluded). */
export async function lifecycleImages(registry: Registry, scope: Scope, repo: string): Promise<LifecycleImage[]> {
  const rows = await registry.manifestRows(scope, repo);
  const tags = await registry.tagsByDigest(scope, repo);
  const children = new Set(
    (
      await registry.store.all<{ child: string }>(
        "SELECT child FROM ecr_refs WHERE account = ? AND region = ? AND repo = ? AND kind = 'manifest'",
        [scope.account, scope.region, repo],
      )
    ).map((r) => r.child),
  );
  return rows
    .filter((r) => !children.has(r.digest))
    .map((r) => ({ digest: r.digest, tags: tags.get(r.digest) ?? [], pushedAt: Number(r.pushed_at) }));
}

/** Garbage collection of blobs and uploads, and lifecycle expiry, on the injected clock. */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly log: Logger,
    readonly limits: SweepLimits,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.log.warn({ err }, 'ecr sweep failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Apply every lifecycle policy, then collect garbage. */
  async sweep(): Promise<GcResult & { expired: number }> {
    const repos = await this.registry.store.all<RepoRow>('SELECT * FROM ecr_repositories WHERE lifecycle IS NOT NULL');
    let expired = 0;
    for (const r of repos) expired += (await this.applyLifecycle(r)).length;
    return { ...(await this.collect()), expired };
  }

  /** Expire what a repository's lifecycle policy selects now. */
  async applyLifecycle(repo: RepoRow): Promise<LifecycleResult[]> {
    if (!repo.lifecycle) return [];
    const scope = { account: repo.account, region: repo.region };
    const rules = parseLifecyclePolicy(repo.lifecycle);
    const now = this.registry.clock.now();
    const victims = evaluateLifecycle(rules, await lifecycleImages(this.registry, scope, repo.name), now);
    await this.registry.store.transaction(async (tx) => {
      for (const v of victims) await this.registry.deleteManifest(scope, repo.name, v.digest, tx);
      await tx.run(
        'UPDATE ecr_repositories SET lifecycle_evaluated_at = ? WHERE account = ? AND region = ? AND name = ?',
        [now, repo.account, repo.region, repo.name],
      );
    });
    if (victims.length > 0)
      this.log.info({ repository: repo.name, expired: victims.length }, 'ecr lifecycle expired images');
    return victims;
  }

  /** Remove abandoned uploads and blobs that no manifest references (after the grace period). */
  async collect(): Promise<GcResult> {
    const { store, files, clock } = this.registry;
    const now = clock.now();
    const result: GcResult = { blobs: 0, bytes: 0, uploads: 0 };
    const stale = await store.all<{ id: string }>('SELECT id FROM ecr_uploads WHERE updated_at < ?', [
      now - this.limits.uploadTtlMs,
    ]);
    for (const u of stale) {
      if (files.isBusy(u.id)) continue;
      await this.registry.cancelUpload(u.id);
      result.uploads++;
    }
    const cutoff = now - this.limits.blobGraceMs;
    const unreferenced = `NOT EXISTS (SELECT 1 FROM ecr_refs r WHERE r.child = b.digest)
      AND NOT EXISTS (SELECT 1 FROM ecr_links l WHERE l.digest = b.digest AND l.linked_at >= ?) AND b.created_at < ?`;
    const candidates = await store.all<{ digest: string; size: number }>(
      `SELECT digest, size FROM ecr_blobs b WHERE ${unreferenced}`,
      [cutoff, cutoff],
    );
    for (const c of candidates) {
      await files.withLock(c.digest, async () => {
        const gone = await store.transaction(async (tx) => {
          const still = await tx.get(`SELECT 1 AS x FROM ecr_blobs b WHERE b.digest = ? AND ${unreferenced}`, [
            c.digest,
            cutoff,
            cutoff,
          ]);
          if (!still) return false;
          await tx.run('DELETE FROM ecr_links WHERE digest = ?', [c.digest]);
          await tx.run('DELETE FROM ecr_blobs WHERE digest = ?', [c.digest]);
          return true;
        });
        if (gone) {
          await files.removeBlob(c.digest);
          result.blobs++;
          result.bytes += Number(c.size);
        }
      });
    }
    if (result.blobs + result.uploads > 0) this.log.info({ ...result }, 'ecr garbage collected');
    return result;
  }
}
