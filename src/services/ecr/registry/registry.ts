import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { Db, Store } from '../../../storage/store.js';
import type { DigestAlgorithm } from '../names.js';
import { algorithmOf } from '../names.js';
import type { BlobFiles } from './blob-store.js';
import type { ParsedManifest } from './manifest.js';
import { ManifestError, parseManifest } from './manifest.js';

/** Account and region a request addresses. */
export interface Scope {
  account: string;
  region: string;
}

export type Mutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface MutabilityFilter {
  filterType: string;
  filter: string;
}

export interface RepoRow {
  account: string;
  region: string;
  name: string;
  created_at: number;
  mutability: Mutability;
  mutability_filters: string;
  scan_on_push: number;
  encryption: string;
  tags: string;
  policy: string | null;
  lifecycle: string | null;
  lifecycle_evaluated_at: number | null;
}

export interface ManifestRow {
  digest: string;
  media_type: string;
  artifact_type: string | null;
  subject: string | null;
  config_media_type: string | null;
  annotations: string | null;
  size: number;
  image_size: number;
  pushed_at: number;
}

/** Registry failures, mapped to OCI error codes by the data plane and to AWS errors by the API. */
export class RegistryError extends Error {
  constructor(
    readonly code:
      | 'NAME_UNKNOWN'
      | 'MANIFEST_UNKNOWN'
      | 'MANIFEST_INVALID'
      | 'MANIFEST_BLOB_UNKNOWN'
      | 'DIGEST_INVALID'
      | 'TAG_INVALID'
      | 'TAG_IMMUTABLE'
      | 'BLOB_UNKNOWN'
      | 'BLOB_UPLOAD_UNKNOWN'
      | 'SIZE_INVALID'
      | 'UNSUPPORTED',
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** Glob with `*` (ECR tag filters and lifecycle tag patterns). */
export function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Whether a tag of a repository can no longer be moved to another image. */
export function tagIsImmutable(repo: Pick<RepoRow, 'mutability' | 'mutability_filters'>, tag: string): boolean {
  if (repo.mutability === 'MUTABLE') return false;
  if (repo.mutability === 'IMMUTABLE') return true;
  const filters = JSON.parse(repo.mutability_filters) as MutabilityFilter[];
  const excluded = filters.some((f) => wildcard(f.filter).test(tag));
  return repo.mutability === 'IMMUTABLE_WITH_EXCLUSION' ? !excluded : excluded;
}

export function digestOf(bytes: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export interface RegistryOptions {
  /** Create a repository on its first push (convenient locally; ECR needs CreateRepository). */
  createOnPush: boolean;
}

const K = 'account = ? AND region = ? AND repo = ?';

/**
 * The registry's state, shared by the OCI data plane and the ECR API: repositories, manifests
 * (exact bytes), tags, blob links and upload sessions.
 */
export class Registry {
  constructor(
    readonly store: Store,
    readonly files: BlobFiles,
    readonly clock: Clock,
    readonly options: RegistryOptions,
  ) {}

  // ---- repositories

  async repo(scope: Scope, name: string, db: Db = this.store): Promise<RepoRow | undefined> {
    return db.get<RepoRow>('SELECT * FROM ecr_repositories WHERE account = ? AND region = ? AND name = ?', [
      scope.account,
      scope.region,
      name,
    ]);
  }

  async createRepo(
    scope: Scope,
    name: string,
    init: Partial<Pick<RepoRow, 'mutability' | 'mutability_filters' | 'scan_on_push' | 'encryption' | 'tags'>> = {},
    db: Db = this.store,
  ): Promise<RepoRow> {
    const row: RepoRow = {
      account: scope.account,
      region: scope.region,
      name,
      created_at: this.clock.now(),
      mutability: init.mutability ?? 'MUTABLE',
      mutability_filters: init.mutability_filters ?? '[]',
      scan_on_push: init.scan_on_push ?? 0,
      encryption: init.encryption ?? JSON.stringify({ encryptionType: 'AES256' }),
      tags: init.tags ?? '[]',
      policy: null,
      lifecycle: null,
      lifecycle_evaluated_at: null,
    };
    await db.run(
      `INSERT INTO ecr_repositories (account, region, name, created_at, mutability, mutability_filters, scan_on_push, encryption, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.account,
        row.region,
        row.name,
        row.created_at,
        row.mutability,
        row.mutability_filters,
        row.scan_on_push,
        row.encryption,
        row.tags,
      ],
    );
    return row;
  }

  /** The repository a push goes to (created on first push when allowed). */
  async repoForPush(scope: Scope, name: string, db: Db = this.store): Promise<RepoRow> {
    const existing = await this.repo(scope, name, db);
    if (existing) return existing;
    if (!this.options.createOnPush) throw this.nameUnknown(scope, name);
    try {
      return await this.createRepo(scope, name, {}, db);
    } catch {
      const again = await this.repo(scope, name, db);
      if (again) return again;
      throw this.nameUnknown(scope, name);
    }
  }

  async requireRepo(scope: Scope, name: string, db: Db = this.store): Promise<RepoRow> {
    const row = await this.repo(scope, name, db);
    if (!row) throw this.nameUnknown(scope, name);
    return row;
  }

  nameUnknown(scope: Scope, name: string): RegistryError {
    return new RegistryError(
      'NAME_UNKNOWN',
      `The repository with name '${name}' does not exist in the registry with id '${scope.account}'`,
      { name },
    );
  }

  async listRepos(scope: Scope, after: string, limit: number): Promise<string[]> {
    const rows = await this.store.all<{ name: string }>(
      'SELECT name FROM ecr_repositories WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?',
      [scope.account, scope.region, after, limit],
    );
    return rows.map((r) => r.name);
  }

  /** Delete a repository and everything in it (blobs are collected later). */
  async deleteRepo(scope: Scope, name: string, db: Db): Promise<void> {
    const p = [scope.account, scope.region, name];
    await db.run('DELETE FROM ecr_repositories WHERE account = ? AND region = ? AND name = ?', p);
    for (const t of ['ecr_manifests', 'ecr_tags', 'ecr_refs', 'ecr_links'])
      await db.run(`DELETE FROM ${t} WHERE ${K}`, p);
    const uploads = await db.all<{ id: string }>(`SELECT id FROM ecr_uploads WHERE ${K}`, p);
    await db.run(`DELETE FROM ecr_uploads WHERE ${K}`, p);
    for (const u of uploads) await this.files.removeUpload(u.id);
    await db.run('DELETE FROM ecr_settings WHERE account = ? AND region = ? AND name = ?', [
      scope.account,
      scope.region,
      `preview:${name}`,
    ]);
  }

  // ---- manifests and tags

  /** Resolve a tag or digest to a stored manifest. */
  async manifest(
    scope: Scope,
    repo: string,
    ref: string,
    db: Db = this.store,
  ): Promise<(ManifestRow & { body: Buffer }) | undefined> {
    const p = [scope.account, scope.region, repo];
    if (ref.includes(':')) {
      return db.get(`SELECT * FROM ecr_manifests WHERE ${K} AND digest = ?`, [...p, ref]);
    }
    return db.get(
      `SELECT m.* FROM ecr_tags t JOIN ecr_manifests m ON m.account = t.account AND m.region = t.region AND m.repo = t.repo AND m.digest = t.digest
       WHERE t.account = ? AND t.region = ? AND t.repo = ? AND t.tag = ?`,
      [...p, ref],
    );
  }

  async manifestRows(scope: Scope, repo: string, db: Db = this.store): Promise<ManifestRow[]> {
    return db.all<ManifestRow>(
      `SELECT digest, media_type, artifact_type, subject, config_media_type, annotations, size, image_size, pushed_at
       FROM ecr_manifests WHERE ${K} ORDER BY pushed_at, digest`,
      [scope.account, scope.region, repo],
    );
  }

  async tagsByDigest(scope: Scope, repo: string, db: Db = this.store): Promise<Map<string, string[]>> {
    const rows = await db.all<{ tag: string; digest: string }>(
      `SELECT tag, digest FROM ecr_tags WHERE ${K} ORDER BY tag`,
      [scope.account, scope.region, repo],
    );
    const map = new Map<string, string[]>();
    for (const r of rows) {
      const list = map.get(r.digest);
      if (list) list.push(r.tag);
      else map.set(r.digest, [r.tag]);
    }
    return map;
  }

  /**
   * Store a manifest (exact bytes) under its digest and, when given, tags. `ref` is the tag or
   * digest of the request; `contentType` its Content-Type.
   */
  async putManifest(
    scope: Scope,
    repo: string,
    bytes: Buffer,
    contentType: string | undefined,
    opts: { tags: string[]; digest?: string },
  ): Promise<{ digest: string; parsed: ParsedManifest; created: boolean }> {
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(bytes, contentType);
    } catch (err) {
      if (err instanceof ManifestError) throw new RegistryError(err.code, err.message);
      throw err;
    }
    const digest = digestOf(bytes, opts.digest ? algorithmOf(opts.digest) : 'sha256');
    if (opts.digest && opts.digest !== digest) {
      throw new RegistryError('DIGEST_INVALID', `provided digest did not match uploaded content`, {
        expected: opts.digest,
        actual: digest,
      });
    }
    const now = this.clock.now();
    const created = await this.store.transaction(async (tx) => {
      const repoRow = await this.repoForPush(scope, repo, tx);
      const p = [scope.account, scope.region, repo];
      const missing: string[] = [];
      for (const b of parsed.blobs) {
        if (!(await tx.get(`SELECT 1 AS x FROM ecr_links WHERE ${K} AND digest = ?`, [...p, b.digest])))
          missing.push(b.digest);
      }
      let childSize = 0;
      for (const m of parsed.manifests) {
        const child = await tx.get<{ image_size: number }>(
          `SELECT image_size FROM ecr_manifests WHERE ${K} AND digest = ?`,
          [...p, m.digest],
        );
        if (!child) missing.push(m.digest);
        else childSize = Math.max(childSize, Number(child.image_size));
      }
      if (missing.length > 0) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missing[0]}`, {
          digests: missing,
        });
      }
      for (const tag of opts.tags) {
        const current = await tx.get<{ digest: string }>(`SELECT digest FROM ecr_tags WHERE ${K} AND tag = ?`, [
          ...p,
          tag,
        ]);
        if (current && current.digest !== digest && tagIsImmutable(repoRow, tag)) {
          throw new RegistryError(
            'TAG_IMMUTABLE',
            `The image tag '${tag}' already exists in the '${repo}' repository and cannot be overwritten because the tag is immutable.`,
            { tag },
          );
        }
      }
      const exists = await tx.get(`SELECT 1 AS x FROM ecr_manifests WHERE ${K} AND digest = ?`, [...p, digest]);
      if (!exists) {
        await tx.run(
          `INSERT INTO ecr_manifests (account, region, repo, digest, media_type, artifact_type, subject, config_media_type, annotations, size, image_size, pushed_at, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            ...p,
            digest,
            parsed.mediaType,
            parsed.artifactType ?? null,
            parsed.subject ?? null,
            parsed.configMediaType ?? null,
            parsed.annotations ? JSON.stringify(parsed.annotations) : null,
            bytes.length,
            parsed.isIndex ? childSize : parsed.imageSize,
            now,
            bytes,
          ],
        );
        for (const b of parsed.blobs) {
          await tx.run(
            `INSERT INTO ecr_refs (account, region, repo, digest, child, kind) VALUES (?, ?, ?, ?, ?, 'blob') ON CONFLICT DO NOTHING`,
            [...p, digest, b.digest],
          );
        }
        for (const m of parsed.manifests) {
          await tx.run(
            `INSERT INTO ecr_refs (account, region, repo, digest, child, kind) VALUES (?, ?, ?, ?, ?, 'manifest') ON CONFLICT DO NOTHING`,
            [...p, digest, m.digest],
          );
        }
      }
      for (const tag of opts.tags) {
        await tx.run(
          `INSERT INTO ecr_tags (account, region, repo, tag, digest, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (account, region, repo, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
          [...p, tag, digest, now],
        );
      }
      return !exists;
    });
    return { digest, parsed, created };
  }

  /** Delete a manifest and every tag pointing at it. */
  async deleteManifest(scope: Scope, repo: string, digest: string, db: Db = this.store): Promise<boolean> {
    const p = [scope.account, scope.region, repo, digest];
    const r = await db.run(`DELETE FROM ecr_manifests WHERE ${K} AND digest = ?`, p);
    if (r.changes === 0) return false;
    await db.run(`DELETE FROM ecr_tags WHERE ${K} AND digest = ?`, p);
    await db.run(`DELETE FROM ecr_refs WHERE ${K} AND digest = ?`, p);
    return true;
  }

  async deleteTag(scope: Scope, repo: string, tag: string, db: Db = this.store): Promise<boolean> {
    const r = await db.run(`DELETE FROM ecr_tags WHERE ${K} AND tag = ?`, [scope.account, scope.region, repo, tag]);
    return r.changes > 0;
  }

  async listTags(scope: Scope, repo: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.store.all<{ tag: string }>(
      `SELECT tag FROM ecr_tags WHERE ${K} AND tag > ? ORDER BY tag LIMIT ?`,
      [scope.account, scope.region, repo, after, limit],
    );
    return rows.map((r) => r.tag);
  }

  async referrers(scope: Scope, repo: string, subject: string): Promise<ManifestRow[]> {
    return this.store.all<ManifestRow>(
      `SELECT digest, media_type, artifact_type, subject, config_media_type, annotations, size, image_size, pushed_at
       FROM ecr_manifests WHERE ${K} AND subject = ? ORDER BY digest`,
      [scope.account, scope.region, repo, subject],
    );
  }

  /** Manifests of the repository that reference `digest` (an index holding it). */
  async parentsOf(scope: Scope, repo: string, digest: string, db: Db = this.store): Promise<string[]> {
    const rows = await db.all<{ digest: string }>(
      `SELECT digest FROM ecr_refs WHERE ${K} AND child = ? AND kind = 'manifest'`,
      [scope.account, scope.region, repo, digest],
    );
    return rows.map((r) => r.digest);
  }

  // ---- blobs

  /** Size of a blob visible in a repository. */
  async blobSize(scope: Scope, repo: string, digest: string): Promise<number | undefined> {
    const row = await this.store.get<{ size: number }>(
      `SELECT b.size FROM ecr_links l JOIN ecr_blobs b ON b.digest = l.digest WHERE l.account = ? AND l.region = ? AND l.repo = ? AND l.digest = ?`,
      [scope.account, scope.region, repo, digest],
    );
    return row ? Number(row.size) : undefined;
  }

  async link(scope: Scope, repo: string, digest: string, db: Db = this.store): Promise<void> {
    await db.run(
      `INSERT INTO ecr_links (account, region, repo, digest, linked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, repo, digest) DO UPDATE SET linked_at = excluded.linked_at`,
      [scope.account, scope.region, repo, digest, this.clock.now()],
    );
  }

  async unlink(scope: Scope, repo: string, digest: string): Promise<boolean> {
    const r = await this.store.run(`DELETE FROM ecr_links WHERE ${K} AND digest = ?`, [
      scope.account,
      scope.region,
      repo,
      digest,
    ]);
    return r.changes > 0;
  }

  /** Cross-repository mount: link a blob another repository of the account holds (any, when `from` is absent). */
  async mount(scope: Scope, repo: string, digest: string, from: string | undefined): Promise<number | undefined> {
    return this.store.transaction(async (tx) => {
      const row = await tx.get<{ size: number }>(
        `SELECT b.size FROM ecr_links l JOIN ecr_blobs b ON b.digest = l.digest
         WHERE l.account = ? AND l.region = ? AND l.digest = ?${from !== undefined ? ' AND l.repo = ?' : ''} LIMIT 1`,
        from !== undefined ? [scope.account, scope.region, digest, from] : [scope.account, scope.region, digest],
      );
      if (!row) return undefined;
      await this.repoForPush(scope, repo, tx);
      await this.link(scope, repo, digest, tx);
      return Number(row.size);
    });
  }

  // ---- uploads

  async startUpload(scope: Scope, repo: string, algorithm: DigestAlgorithm): Promise<string> {
    await this.repoForPush(scope, repo);
    const id = randomUUID();
    const now = this.clock.now();
    await this.files.createUpload(id, algorithm);
    await this.store.run(
      'INSERT INTO ecr_uploads (id, account, region, repo, algorithm, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, scope.account, scope.region, repo, algorithm, now, now],
    );
    return id;
  }

  async upload(
    scope: Scope,
    repo: string,
    id: string,
  ): Promise<{ id: string; algorithm: DigestAlgorithm } | undefined> {
    return this.store.get<{ id: string; algorithm: DigestAlgorithm }>(
      `SELECT id, algorithm FROM ecr_uploads WHERE ${K} AND id = ?`,
      [scope.account, scope.region, repo, id],
    );
  }

  async touchUpload(id: string): Promise<void> {
    await this.store.run('UPDATE ecr_uploads SET updated_at = ? WHERE id = ?', [this.clock.now(), id]);
  }

  async cancelUpload(id: string): Promise<void> {
    await this.store.run('DELETE FROM ecr_uploads WHERE id = ?', [id]);
    await this.files.removeUpload(id);
  }

  /** Verify an upload against `digest` and make it a blob of the repository. Returns its size. */
  async finishUpload(scope: Scope, repo: string, id: string, digest: string): Promise<number> {
    const actual = await this.files.uploadDigest(id, digest);
    if (actual !== digest) {
      throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
        expected: digest,
        actual,
      });
    }
    const size = await this.files.uploadSize(id);
    await this.files.withLock(digest, async () => {
      await this.files.commitUpload(id, digest);
      await this.store.transaction(async (tx) => {
        await tx.run(
          'INSERT INTO ecr_blobs (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING',
          [digest, size, this.clock.now()],
        );
        await this.link(scope, repo, digest, tx);
        await tx.run('DELETE FROM ecr_uploads WHERE id = ?', [id]);
      });
    });
    return size;
  }

  /** Store a small blob held in memory (the ECR API's PutImage config, image builds). */
  async putBlobBytes(scope: Scope, repo: string, bytes: Buffer): Promise<string> {
    const digest = digestOf(bytes);
    await this.files.withLock(digest, async () => {
      await this.files.writeBlob(digest, bytes);
      await this.store.transaction(async (tx) => {
        await tx.run(
          'INSERT INTO ecr_blobs (digest, size, created_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING',
          [digest, bytes.length, this.clock.now()],
        );
        await this.link(scope, repo, digest, tx);
      });
    });
    return digest;
  }
}
