import { randomBytes } from 'node:crypto';
import type { Db, Store } from '../../../storage/store.js';
import type { ChecksumAlgorithm } from '../checksums.js';
import type { BucketEncryption, ObjectSse } from '../sse.js';

export type Versioning = '' | 'Enabled' | 'Suspended';

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface NotificationTarget {
  id: string;
  kind: 'lambda' | 'sqs' | 'sns';
  arn: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** What a bucket's sub-resources hold, as one JSON document. */
export interface BucketConfig {
  tags?: [string, string][];
  cors?: CorsRule[];
  policy?: string;
  notifications?: NotificationTarget[];
  eventBridge?: boolean;
  /** Default encryption (PutBucketEncryption); absent: S3's implicit default. */
  encryption?: BucketEncryption;
  /** Sub-resources stored and returned as sent (XML): lifecycle, ownership, … */
  raw?: Record<string, string>;
}

export interface Bucket {
  name: string;
  account: string;
  region: string;
  created: number;
  versioning: Versioning;
  config: BucketConfig;
}

/** One file of an object's bytes. */
export interface Segment {
  /** File name under the data directory. */
  f: string;
  /** Its size in bytes. */
  s: number;
}

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** Everything about an object version besides its key, size, ETag and time. */
export interface ObjectMeta {
  /** Content-Type, Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires. */
  headers: Record<string, string>;
  /** x-amz-meta-* without the prefix, names lower-cased. */
  user: Record<string, string>;
  checksum?: ObjectChecksum;
  tags?: [string, string][];
  storageClass?: string;
  /** Sizes of the parts of a multipart object (GetObject ?partNumber=). */
  parts?: number[];
  /** Their checksums (base64), when the upload had a checksum algorithm (GetObjectAttributes). */
  partChecksums?: string[];
  owner: string;
  redirect?: string;
  /** Object Lock, stored and answered (not enforced). */
  retention?: { mode: string; until: string };
  legalHold?: 'ON' | 'OFF';
  /** The multipart upload that made this version (a retried CompleteMultipartUpload answers again). */
  uploadId?: string;
  /** Its server-side encryption; absent: SSE-S3 (`AES256`). */
  sse?: ObjectSse;
}

export interface ObjectRow {
  bucket: string;
  key: string;
  version_id: string;
  seq: number;
  latest: number;
  marker: number;
  size: number;
  etag: string;
  modified: number;
  meta: string;
  data: string;
}

export interface NewObject {
  key: string;
  size: number;
  etag: string;
  modified: number;
  meta: ObjectMeta;
  data: Segment[];
}

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  meta: string;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  modified: number;
  checksum: string | null;
  file: string;
}

/**
 * A random id as S3 writes them: URL-safe, and never starting with `-` (the AWS CLI would read
 * `--upload-id -abc` as an option), so `-` becomes `.`.
 */
const randomId = (bytes: number): string => randomBytes(bytes).toString('base64url').replace(/-/g, '.');

export const newVersionId = (): string => randomId(24);
export const newUploadId = (): string => randomId(48);

const OBJECT_COLUMNS = 'bucket, key, version_id, seq, latest, marker, size, etag, modified, meta, data';

/** The S3 tables: buckets (cached in memory), object versions, multipart uploads and parts. */
export class Catalog {
  readonly buckets = new Map<string, Bucket>();
  private seq = 0;

  constructor(private readonly store: Store) {}

  /**
   * Every data file a stored object version or multipart part names, read in one transaction (a
   * consistent view: a file no row names then can never be named later, since new rows name new
   * files or files rows already name).
   */
  async referencedFiles(): Promise<Set<string>> {
    return this.store.transaction(async (tx) => {
      const out = new Set<string>();
      for (const r of await tx.all<{ data: string }>('SELECT data FROM s3_objects'))
        for (const seg of JSON.parse(r.data) as Segment[]) out.add(seg.f);
      for (const r of await tx.all<{ file: string }>('SELECT file FROM s3_parts')) out.add(r.file);
      return out;
    });
  }

  async load(): Promise<void> {
    const rows = await this.store.all<{
      name: string;
      account: string;
      region: string;
      created: number;
      versioning: string;
      config: string;
    }>('SELECT name, account, region, created, versioning, config FROM s3_buckets');
    for (const r of rows) {
      this.buckets.set(r.name, {
        name: r.name,
        account: r.account,
        region: r.region,
        created: r.created,
        versioning: r.versioning as Versioning,
        config: JSON.parse(r.config) as BucketConfig,
      });
    }
    const max = await this.store.get<{ m: number | null }>('SELECT MAX(seq) AS m FROM s3_objects');
    this.seq = max?.m ?? 0;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  async createBucket(b: Bucket): Promise<boolean> {
    const r = await this.store.run(
      'INSERT INTO s3_buckets (name, account, region, created, versioning, config) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [b.name, b.account, b.region, b.created, b.versioning, JSON.stringify(b.config)],
    );
    if (r.changes > 0) this.buckets.set(b.name, b);
    return r.changes > 0;
  }

  async saveBucket(b: Bucket): Promise<void> {
    await this.store.run('UPDATE s3_buckets SET versioning = ?, config = ? WHERE name = ?', [
      b.versioning,
      JSON.stringify(b.config),
      b.name,
    ]);
  }

  /** Deletes an empty bucket; false when it still holds object versions or uploads. */
  async deleteBucket(name: string): Promise<boolean> {
    const ok = await this.store.transaction(async (tx) => {
      const any = await tx.get('SELECT 1 AS x FROM s3_objects WHERE bucket = ? LIMIT 1', [name]);
      if (any) return false;
      const uploads = await tx.all<{ upload_id: string }>('SELECT upload_id FROM s3_uploads WHERE bucket = ?', [name]);
      for (const u of uploads) await tx.run('DELETE FROM s3_parts WHERE upload_id = ?', [u.upload_id]);
      await tx.run('DELETE FROM s3_uploads WHERE bucket = ?', [name]);
      await tx.run('DELETE FROM s3_buckets WHERE name = ?', [name]);
      return true;
    });
    if (ok) this.buckets.delete(name);
    return ok;
  }

  latest(bucket: string, key: string): Promise<ObjectRow | undefined> {
    return this.store.get<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND latest = 1 AND key = ?`,
      [bucket, key],
    );
  }

  version(bucket: string, key: string, versionId: string): Promise<ObjectRow | undefined> {
    return this.store.get<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?`,
      [bucket, key, versionId],
    );
  }

  /**
   * Stores a new current version. Unversioned and suspended buckets replace the `null` version;
   * returns the segments of the version it replaced (to delete once committed) and the version id.
   */
  async putObject(bucket: Bucket, obj: NewObject): Promise<{ versionId: string; removed: Segment[] }> {
    const versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
    const seq = this.nextSeq();
    return this.store.transaction(async (tx) => {
      const removed = versionId === 'null' ? await this.removeVersion(tx, bucket.name, obj.key, 'null') : [];
      await tx.run('UPDATE s3_objects SET latest = 0 WHERE bucket = ? AND latest = 1 AND key = ?', [
        bucket.name,
        obj.key,
      ]);
      await tx.run(`INSERT INTO s3_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?)`, [
        bucket.name,
        obj.key,
        versionId,
        seq,
        obj.size,
        obj.etag,
        obj.modified,
        JSON.stringify(obj.meta),
        JSON.stringify(obj.data),
      ]);
      return { versionId, removed };
    });
  }

  private async removeVersion(tx: Db, bucket: string, key: string, versionId: string): Promise<Segment[]> {
    const old = await tx.get<{ data: string }>(
      'SELECT data FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?',
      [bucket, key, versionId],
    );
    if (!old) return [];
    await tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?', [bucket, key, versionId]);
    return JSON.parse(old.data) as Segment[];
  }

  /**
   * DeleteObject. With a version id: removes that version (the newest remaining one becomes
   * current). Without: removes the object (unversioned) or adds a delete marker.
   */
  async deleteObject(
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
    modified: number,
    owner: string,
  ): Promise<{ removed: Segment[]; versionId?: string; deleteMarker: boolean; existed: boolean }> {
    const seq = this.nextSeq();
    return this.store.transaction(async (tx) => {
      if (versionId !== undefined) {
        const row = await tx.get<{ latest: number; marker: number; data: string }>(
          'SELECT latest, marker, data FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?',
          [bucket.name, key, versionId],
        );
        if (!row) return { removed: [], versionId, deleteMarker: false, existed: false };
        await tx.run('DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?', [
          bucket.name,
          key,
          versionId,
        ]);
        if (row.latest) await this.promoteNewest(tx, bucket.name, key);
        return { removed: JSON.parse(row.data) as Segment[], versionId, deleteMarker: row.marker === 1, existed: true };
      }
      if (bucket.versioning === '') {
        const removed = await this.removeVersion(tx, bucket.name, key, 'null');
        return { removed, deleteMarker: false, existed: removed.length > 0 };
      }
      const markerId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
      const removed = markerId === 'null' ? await this.removeVersion(tx, bucket.name, key, 'null') : [];
      await tx.run('UPDATE s3_objects SET latest = 0 WHERE bucket = ? AND latest = 1 AND key = ?', [bucket.name, key]);
      const meta: ObjectMeta = { headers: {}, user: {}, owner };
      await tx.run(`INSERT INTO s3_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, 1, 1, 0, '', ?, ?, '[]')`, [
        bucket.name,
        key,
        markerId,
        seq,
        modified,
        JSON.stringify(meta),
      ]);
      return { removed, versionId: markerId, deleteMarker: true, existed: true };
    });
  }

  private async promoteNewest(tx: Db, bucket: string, key: string): Promise<void> {
    const newest = await tx.get<{ version_id: string }>(
      'SELECT version_id FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1',
      [bucket, key],
    );
    if (newest) {
      await tx.run('UPDATE s3_objects SET latest = 1 WHERE bucket = ? AND key = ? AND version_id = ?', [
        bucket,
        key,
        newest.version_id,
      ]);
    }
  }

  async setObjectMeta(bucket: string, key: string, versionId: string, meta: ObjectMeta): Promise<void> {
    await this.store.run('UPDATE s3_objects SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?', [
      JSON.stringify(meta),
      bucket,
      key,
      versionId,
    ]);
  }

  /** Current, non-deleted objects with key > `after` (or >= when `inclusive`), in key order. */
  listLatest(bucket: string, after: string, inclusive: boolean, limit: number): Promise<ObjectRow[]> {
    return this.store.all<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND latest = 1 AND marker = 0 AND key ${inclusive ? '>=' : '>'} ? ORDER BY key LIMIT ?`,
      [bucket, after, limit],
    );
  }

  /** Every version with key > `after` (or >= when `inclusive`): key order, newest first. */
  listVersions(bucket: string, after: string, inclusive: boolean, limit: number): Promise<ObjectRow[]> {
    return this.store.all<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key ${inclusive ? '>=' : '>'} ? ORDER BY key, seq DESC LIMIT ?`,
      [bucket, after, limit],
    );
  }

  /** Versions of one key older than the version with sequence `seq` (newest first). */
  versionsOfKeyAfter(bucket: string, key: string, seq: number, limit: number): Promise<ObjectRow[]> {
    return this.store.all<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      [bucket, key, seq, limit],
    );
  }

  // ---- multipart uploads

  async createUpload(u: UploadRow): Promise<void> {
    await this.store.run('INSERT INTO s3_uploads (upload_id, bucket, key, initiated, meta) VALUES (?, ?, ?, ?, ?)', [
      u.upload_id,
      u.bucket,
      u.key,
      u.initiated,
      u.meta,
    ]);
  }

  upload(uploadId: string): Promise<UploadRow | undefined> {
    return this.store.get<UploadRow>(
      'SELECT upload_id, bucket, key, initiated, meta FROM s3_uploads WHERE upload_id = ?',
      [uploadId],
    );
  }

  /** Records a part; returns the file of the part it replaced. Undefined when the upload is gone. */
  async putPart(p: PartRow): Promise<{ replaced: string | undefined } | undefined> {
    return this.store.transaction(async (tx) => {
      const up = await tx.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [p.upload_id]);
      if (!up) return undefined;
      const old = await tx.get<{ file: string }>('SELECT file FROM s3_parts WHERE upload_id = ? AND part_number = ?', [
        p.upload_id,
        p.part_number,
      ]);
      await tx.run(
        `INSERT INTO s3_parts (upload_id, part_number, size, etag, modified, checksum, file) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         modified = excluded.modified, checksum = excluded.checksum, file = excluded.file`,
        [p.upload_id, p.part_number, p.size, p.etag, p.modified, p.checksum, p.file],
      );
      return { replaced: old?.file };
    });
  }

  parts(uploadId: string, afterPart: number, limit: number): Promise<PartRow[]> {
    return this.store.all<PartRow>(
      'SELECT upload_id, part_number, size, etag, modified, checksum, file FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
      [uploadId, afterPart, limit],
    );
  }

  /**
   * Open uploads after a position, in S3's order: by key, then by initiation time (the upload id
   * breaks ties). The position is a key and, within it, an upload's initiation time and id.
   */
  listUploads(
    bucket: string,
    after: { key: string; initiated: number; id: string },
    limit: number,
  ): Promise<UploadRow[]> {
    return this.store.all<UploadRow>(
      `SELECT upload_id, bucket, key, initiated, meta FROM s3_uploads WHERE bucket = ?
         AND (key > ? OR (key = ? AND (initiated > ? OR (initiated = ? AND upload_id > ?))))
       ORDER BY key, initiated, upload_id LIMIT ?`,
      [bucket, after.key, after.key, after.initiated, after.initiated, after.id, limit],
    );
  }

  /** Removes an upload and its parts; returns the part files (undefined when it did not exist). */
  async removeUpload(uploadId: string, tx?: Db): Promise<string[] | undefined> {
    const run = async (db: Db) => {
      const up = await db.get('SELECT 1 AS x FROM s3_uploads WHERE upload_id = ?', [uploadId]);
      if (!up) return undefined;
      const parts = await db.all<{ file: string }>('SELECT file FROM s3_parts WHERE upload_id = ?', [uploadId]);
      await db.run('DELETE FROM s3_parts WHERE upload_id = ?', [uploadId]);
      await db.run('DELETE FROM s3_uploads WHERE upload_id = ?', [uploadId]);
      return parts.map((p) => p.file);
    };
    return tx ? run(tx) : this.store.transaction(run);
  }

  /**
   * Completes an upload atomically: the object version is stored and the upload row removed.
   * `keep` are the part files that became the object; the others are returned for deletion.
   */
  async completeUpload(
    bucket: Bucket,
    uploadId: string,
    obj: NewObject,
  ): Promise<{ versionId: string; removed: Segment[]; unusedParts: string[] } | undefined> {
    const versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
    const seq = this.nextSeq();
    return this.store.transaction(async (tx) => {
      const files = await this.removeUpload(uploadId, tx);
      if (!files) return undefined;
      const used = new Set(obj.data.map((s) => s.f));
      const removed = versionId === 'null' ? await this.removeVersion(tx, bucket.name, obj.key, 'null') : [];
      await tx.run('UPDATE s3_objects SET latest = 0 WHERE bucket = ? AND latest = 1 AND key = ?', [
        bucket.name,
        obj.key,
      ]);
      await tx.run(`INSERT INTO s3_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?)`, [
        bucket.name,
        obj.key,
        versionId,
        seq,
        obj.size,
        obj.etag,
        obj.modified,
        JSON.stringify(obj.meta),
        JSON.stringify(obj.data),
      ]);
      return { versionId, removed, unusedParts: files.filter((f) => !used.has(f)) };
    });
  }
}
