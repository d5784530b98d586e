import type { Migration } from '../../../storage/store.js';

/**
 * S3's tables. Object bytes live in files under filesDir('s3') (`data` is the JSON list of the
 * files an object's bytes are, in order: one for a PUT, one per part for a multipart upload).
 * `latest` marks the current version of a key; a delete marker is a version with `marker` = 1.
 * Keys compare as UTF-8 bytes (SQLite's BINARY collation), which is S3's listing order.
 */
export const S3_MIGRATIONS: Migration[] = [
  {
    id: '001-s3',
    statements: (d) => [
      `CREATE TABLE s3_buckets (
        name ${d.text} NOT NULL PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL,
        created ${d.integer} NOT NULL, versioning ${d.text} NOT NULL, config ${d.text} NOT NULL)`,
      `CREATE TABLE s3_objects (
        bucket ${d.text} NOT NULL, key ${d.text} NOT NULL, version_id ${d.text} NOT NULL,
        seq ${d.integer} NOT NULL, latest ${d.integer} NOT NULL, marker ${d.integer} NOT NULL,
        size ${d.integer} NOT NULL, etag ${d.text} NOT NULL, modified ${d.integer} NOT NULL,
        meta ${d.text} NOT NULL, data ${d.text} NOT NULL,
        PRIMARY KEY (bucket, key, version_id))`,
      `CREATE INDEX s3_objects_latest ON s3_objects (bucket, latest, key)`,
      `CREATE TABLE s3_uploads (
        upload_id ${d.text} NOT NULL PRIMARY KEY, bucket ${d.text} NOT NULL, key ${d.text} NOT NULL,
        initiated ${d.integer} NOT NULL, meta ${d.text} NOT NULL)`,
      `CREATE INDEX s3_uploads_key ON s3_uploads (bucket, key, initiated)`,
      `CREATE TABLE s3_parts (
        upload_id ${d.text} NOT NULL, part_number ${d.integer} NOT NULL, size ${d.integer} NOT NULL,
        etag ${d.text} NOT NULL, modified ${d.integer} NOT NULL, checksum ${d.text}, file ${d.text} NOT NULL,
        PRIMARY KEY (upload_id, part_number))`,
    ],
  },
];
