import type { Migration } from '../../../storage/store.js';

/**
 * ECR's tables. Blob bytes live in files (content-addressed, shared by every repository); rows say
 * which repositories may see a blob (`ecr_links`), which manifests reference which blobs and child
 * manifests (`ecr_refs`, what garbage collection keeps), and the manifests' exact bytes.
 */
export const ECR_MIGRATIONS: Migration[] = [
  {
    id: '001-registry',
    statements: (d) => [
      `CREATE TABLE ecr_repositories (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        created_at ${d.integer} NOT NULL, mutability ${d.text} NOT NULL, mutability_filters ${d.text} NOT NULL,
        scan_on_push ${d.integer} NOT NULL, encryption ${d.text} NOT NULL, tags ${d.text} NOT NULL,
        policy ${d.text}, lifecycle ${d.text}, lifecycle_evaluated_at ${d.integer},
        PRIMARY KEY (account, region, name))`,
      `CREATE TABLE ecr_manifests (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, repo ${d.text} NOT NULL, digest ${d.text} NOT NULL,
        media_type ${d.text} NOT NULL, artifact_type ${d.text}, subject ${d.text}, config_media_type ${d.text},
        annotations ${d.text}, size ${d.integer} NOT NULL, image_size ${d.integer} NOT NULL,
        pushed_at ${d.integer} NOT NULL, body ${d.blob} NOT NULL,
        PRIMARY KEY (account, region, repo, digest))`,
      `CREATE INDEX ecr_manifests_subject ON ecr_manifests (account, region, repo, subject)`,
      `CREATE TABLE ecr_tags (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, repo ${d.text} NOT NULL, tag ${d.text} NOT NULL,
        digest ${d.text} NOT NULL, updated_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, repo, tag))`,
      `CREATE INDEX ecr_tags_digest ON ecr_tags (account, region, repo, digest)`,
      `CREATE TABLE ecr_refs (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, repo ${d.text} NOT NULL, digest ${d.text} NOT NULL,
        child ${d.text} NOT NULL, kind ${d.text} NOT NULL,
        PRIMARY KEY (account, region, repo, digest, child))`,
      `CREATE INDEX ecr_refs_child ON ecr_refs (child)`,
      `CREATE TABLE ecr_links (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, repo ${d.text} NOT NULL, digest ${d.text} NOT NULL,
        linked_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, repo, digest))`,
      `CREATE INDEX ecr_links_digest ON ecr_links (digest)`,
      `CREATE TABLE ecr_blobs (digest ${d.text} NOT NULL PRIMARY KEY, size ${d.integer} NOT NULL, created_at ${d.integer} NOT NULL)`,
      `CREATE TABLE ecr_uploads (
        id ${d.text} NOT NULL PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL, repo ${d.text} NOT NULL,
        algorithm ${d.text} NOT NULL, created_at ${d.integer} NOT NULL, updated_at ${d.integer} NOT NULL)`,
      `CREATE TABLE ecr_settings (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL, value ${d.text} NOT NULL,
        PRIMARY KEY (account, region, name))`,
    ],
  },
];
