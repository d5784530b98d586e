import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  GetRepositoryPolicyCommand,
  InitiateLayerUploadCommand,
  ListImagesCommand,
  ListTagsForResourceCommand,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  StartLifecyclePolicyPreviewCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { Image } from './helpers.js';
import { gzipLayer, imageOf, pushImage, raw, sha256 } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;
let server: TestServer;
let ecr: ECRClient;
const clock = new ManualClock(Date.UTC(2026, 0, 1));

async function image(text: string): Promise<Image> {
  return imageOf([await gzipLayer({ 'app.txt': text })]);
}

/** Push the blobs of an image through the ECR layer API, then the manifest with PutImage. */
async function pushViaApi(repositoryName: string, img: Image, imageTag?: string) {
  for (const bytes of [...img.layers.map((l) => l.bytes), img.config]) {
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName,
        uploadId,
        partFirstByte: 0,
        partLastByte: bytes.length - 1,
        layerPartBlob: bytes,
      }),
    );
    await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha256(bytes)] }));
  }
  return ecr.send(
    new PutImageCommand({
      repositoryName,
      imageManifest: img.manifest.toString(),
      imageManifestMediaType: img.mediaType,
      imageTag,
    }),
  );
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  ecr = new ECRClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  ecr.destroy();
  await server.stop();
});

describe('ECR API: repositories', () => {
  it('creates, describes and deletes repositories with AWS errors', async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: 'team/app', tags: [{ Key: 'env', Value: 'dev' }] }),
    );
    expect(repository?.repositoryArn).toBe('arn:aws:ecr:us-east-1:000000000000:repository/team/app');
    expect(repository?.repositoryUri).toBe(`000000000000.dkr.ecr.us-east-1.localhost:${server.overcast.port}/team/app`);
    expect(repository?.imageTagMutability).toBe('MUTABLE');
    expect(repository?.createdAt).toEqual(new Date(clock.now()));
    await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/app' }))).rejects.toMatchObject({
      name: 'RepositoryAlreadyExistsException',
      message: "The repository with name 'team/app' already exists in the registry with id '000000000000'",
    });
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] }))).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message: "The repository with name 'nope' does not exist in the registry with id '000000000000'",
    });
    await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad_Name' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const all = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(all.repositories?.map((r) => r.repositoryName)).toContain('team/app');
    const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository!.repositoryArn! }));
    expect(tags.tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    await ecr.send(
      new TagResourceCommand({ resourceArn: repository!.repositoryArn!, tags: [{ Key: 'team', Value: 'a' }] }),
    );
    await ecr.send(new UntagResourceCommand({ resourceArn: repository!.repositoryArn!, tagKeys: ['env'] }));
    expect((await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository!.repositoryArn! }))).tags).toEqual([
      { Key: 'team', Value: 'a' },
    ]);

    await pushViaApi('team/app', await image('one'), 'v1');
    await expect(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/app' }))).rejects.toMatchObject({
      name: 'RepositoryNotEmptyException',
      message:
        "The repository with name 'team/app' in registry with id '000000000000' cannot be deleted because it still contains images",
    });
    const deleted = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/app', force: true }));
    expect(deleted.repository?.repositoryName).toBe('team/app');
  });

  it('stores repository policies and describes the registry', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'policy-repo' }));
    await expect(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policy-repo' }))).rejects.toMatchObject({
      name: 'RepositoryPolicyNotFoundException',
    });
    const policyText = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:*' }],
    });
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'policy-repo', policyText }));
    expect((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'policy-repo' }))).policyText).toBe(
      policyText,
    );
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'policy-repo' }));
    const reg = await ecr.send(new DescribeRegistryCommand({}));
    expect(reg.registryId).toBe('000000000000');
  });
});

describe('ECR API: images', () => {
  it('pushes through the layer API and reads back through both planes', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'images' }));
    const img = await image('hello');
    const put = await pushViaApi('images', img, 'v1');
    expect(put.image?.imageId).toEqual({ imageDigest: img.digest, imageTag: 'v1' });
    const layers = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: 'images',
        layerDigests: [img.layers[0]!.digest, sha256('missing')],
      }),
    );
    expect(layers.layers).toEqual([
      expect.objectContaining({
        layerDigest: img.layers[0]!.digest,
        layerAvailability: 'AVAILABLE',
        layerSize: img.layers[0]!.bytes.length,
      }),
    ]);
    expect(layers.failures?.[0]?.failureCode).toBe('MissingLayerDigest');
    // the registry serves what the API pushed
    const get = await raw(server.endpoint, '/v2/images/manifests/v1');
    expect(get.body.equals(img.manifest)).toBe(true);
    // PutImage of the same manifest and tag again
    await expect(
      ecr.send(
        new PutImageCommand({ repositoryName: 'images', imageManifest: img.manifest.toString(), imageTag: 'v1' }),
      ),
    ).rejects.toMatchObject({
      name: 'ImageAlreadyExistsException',
      message: `Image with digest '${img.digest}' and tag 'v1' already exists in the repository with name 'images' in registry with id '000000000000'`,
    });
    const missing = imageOf([await gzipLayer({ x: 'never uploaded' })]);
    await expect(
      ecr.send(new PutImageCommand({ repositoryName: 'images', imageManifest: missing.manifest.toString() })),
    ).rejects.toMatchObject({
      name: 'LayersNotFoundException',
    });
    const batch = await ecr.send(
      new BatchGetImageCommand({ repositoryName: 'images', imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }] }),
    );
    expect(batch.images?.[0]?.imageManifest).toBe(img.manifest.toString());
    expect(batch.failures?.[0]).toMatchObject({
      imageId: { imageTag: 'nope' },
      failureCode: 'ImageNotFound',
      failureReason: 'Requested image not found',
    });
    const url = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: 'images', layerDigest: img.layers[0]!.digest }),
    );
    const blob = await fetch(url.downloadUrl!);
    expect(Buffer.from(await blob.arrayBuffer()).equals(img.layers[0]!.bytes)).toBe(true);
  });

  it('lists and describes images (sizes, push time, tags, untagged)', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'listing' }));
    const a = await image('a');
    const b = await image('b');
    await pushViaApi('listing', a, 'a1');
    await ecr.send(
      new PutImageCommand({ repositoryName: 'listing', imageManifest: a.manifest.toString(), imageTag: 'a2' }),
    );
    await pushViaApi('listing', b);
    const list = await ecr.send(new ListImagesCommand({ repositoryName: 'listing' }));
    expect(list.imageIds).toEqual(
      expect.arrayContaining([
        { imageDigest: a.digest, imageTag: 'a1' },
        { imageDigest: a.digest, imageTag: 'a2' },
        { imageDigest: b.digest },
      ]),
    );
    const untagged = await ecr.send(
      new ListImagesCommand({ repositoryName: 'listing', filter: { tagStatus: 'UNTAGGED' } }),
    );
    expect(untagged.imageIds).toEqual([{ imageDigest: b.digest }]);
    const desc = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'listing', imageIds: [{ imageTag: 'a1' }] }),
    );
    const d = desc.imageDetails![0]!;
    expect(d.imageTags).toEqual(['a1', 'a2']);
    expect(d.imageSizeInBytes).toBe(a.config.length + a.layers[0]!.bytes.length);
    expect(d.imagePushedAt).toEqual(new Date(clock.now()));
    expect(d.imageManifestMediaType).toBe(a.mediaType);
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'listing', imageIds: [{ imageTag: 'zzz' }] })),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message:
        "The image with imageId {imageDigest:'null', imageTag:'zzz'} does not exist within the repository with name 'listing' in the registry with id '000000000000'",
    });
    // deleting one of two tags keeps the image; the last tag deletes it
    const del1 = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'listing', imageIds: [{ imageTag: 'a1' }] }),
    );
    expect(del1.imageIds).toEqual([{ imageDigest: a.digest, imageTag: 'a1' }]);
    await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'listing', imageIds: [{ imageTag: 'a2' }] }));
    expect((await raw(server.endpoint, `/v2/listing/manifests/${a.digest}`, { method: 'HEAD' })).status).toBe(404);
    const del3 = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'listing', imageIds: [{ imageTag: 'gone' }] }),
    );
    expect(del3.failures?.[0]?.failureCode).toBe('ImageNotFound');
  });

  it('enforces IMMUTABLE tags on the API and on the registry', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'immutable', imageTagMutability: 'IMMUTABLE' }));
    const a = await image('immutable-a');
    const b = await image('immutable-b');
    await pushViaApi('immutable', a, 'prod');
    await expect(pushViaApi('immutable', b, 'prod')).rejects.toMatchObject({
      name: 'ImageTagAlreadyExistsException',
      message:
        "The image tag 'prod' already exists in the 'immutable' repository and cannot be overwritten because the tag is immutable.",
    });
    const r = await pushImage(server.endpoint, 'immutable', b, 'prod');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body.toString()).errors[0].code).toBe('TAG_INVALID');
    // the same image under the same tag is fine on the registry; new tags are fine
    expect((await pushImage(server.endpoint, 'immutable', a, 'prod')).status).toBe(201);
    expect((await pushImage(server.endpoint, 'immutable', b, 'canary')).status).toBe(201);
    // back to MUTABLE, then the move works
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'immutable', imageTagMutability: 'MUTABLE' }));
    expect((await pushImage(server.endpoint, 'immutable', b, 'prod')).status).toBe(201);
    // IMMUTABLE_WITH_EXCLUSION: tags matching the filter stay mutable
    await ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: 'immutable',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      }),
    );
    expect((await pushImage(server.endpoint, 'immutable', a, 'latest')).status).toBe(201);
    expect((await pushImage(server.endpoint, 'immutable', b, 'latest')).status).toBe(201);
    expect((await pushImage(server.endpoint, 'immutable', a, 'prod')).status).toBe(400);
  });
});

describe('ECR API: lifecycle policies on the injected clock', () => {
  it('previews and applies expiry rules', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lifecycle' }));
    const imgs: Image[] = [];
    for (let i = 0; i < 4; i++) {
      imgs.push(await image(`release ${i}`));
      await pushViaApi('lifecycle', imgs[i]!, `release-${i}`);
      clock.advance(DAY);
    }
    const untagged = await image('scratch');
    await pushViaApi('lifecycle', untagged);
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'untagged after 3 days',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'keep 2 releases',
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['release'],
            countType: 'imageCountMoreThan',
            countNumber: 2,
          },
          action: { type: 'expire' },
        },
      ],
    });
    await expect(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'lifecycle',
          lifecyclePolicyText:
            '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lifecycle' }))).rejects.toMatchObject({
      name: 'LifecyclePolicyNotFoundException',
      message:
        "Lifecycle policy does not exist for the repository with name 'lifecycle' in the registry with id '000000000000'",
    });
    const start = await ecr.send(
      new StartLifecyclePolicyPreviewCommand({ repositoryName: 'lifecycle', lifecyclePolicyText: policy }),
    );
    expect(start.status).toBe('IN_PROGRESS');
    const preview = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'lifecycle' }));
    expect(preview.status).toBe('COMPLETE');
    expect(preview.previewResults?.map((r) => r.imageTags?.[0]).sort()).toEqual(['release-0', 'release-1']);
    expect(preview.summary?.expiringImageTotalCount).toBe(2);

    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'lifecycle', lifecyclePolicyText: policy }));
    let list = await ecr.send(new ListImagesCommand({ repositoryName: 'lifecycle' }));
    expect(list.imageIds?.map((i) => i.imageTag ?? 'untagged').sort()).toEqual(['release-2', 'release-3', 'untagged']);
    // four days later the untagged image has expired too
    clock.advance(4 * DAY);
    list = await ecr.send(new ListImagesCommand({ repositoryName: 'lifecycle' }));
    expect(list.imageIds?.map((i) => i.imageTag ?? 'untagged').sort()).toEqual(['release-2', 'release-3']);
    expect((await raw(server.endpoint, '/v2/lifecycle/manifests/release-0', { method: 'HEAD' })).status).toBe(404);
    const got = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lifecycle' }));
    expect(got.lastEvaluatedAt).toEqual(new Date(clock.now()));
    await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'lifecycle' }));
  });
});

describe('ECR API: authorization tokens', () => {
  it('issues a 12-hour Basic credential the registry accepts', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData![0]!;
    expect(data.expiresAt).toEqual(new Date(clock.now() + 12 * 60 * 60 * 1000));
    expect(data.proxyEndpoint).toBe(`http://000000000000.dkr.ecr.us-east-1.localhost:${server.overcast.port}`);
    const decoded = Buffer.from(data.authorizationToken!, 'base64').toString();
    expect(decoded.startsWith('AWS:')).toBe(true);
    const ok = await raw(server.endpoint, '/v2/_catalog', {
      headers: { authorization: `Basic ${data.authorizationToken}` },
    });
    expect(ok.status).toBe(200);
    // Host names the registry (account and region)
    const other = await raw(server.endpoint, '/v2/_catalog', {
      host: `123456789012.dkr.ecr.us-east-1.localhost:${server.overcast.port}`,
    });
    expect(JSON.parse(other.body.toString()).repositories).toEqual([]);
    const denied = await raw(server.endpoint, '/v2/_catalog', {
      host: `123456789012.dkr.ecr.us-east-1.localhost:${server.overcast.port}`,
      headers: { authorization: `Basic ${data.authorizationToken}` },
    });
    expect(denied.status).toBe(403);
    const forged = await raw(server.endpoint, '/v2/_catalog', {
      headers: { authorization: `Basic ${Buffer.from('AWS:forged.token').toString('base64')}` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers['www-authenticate']).toMatch(/^Basic realm=/);
    clock.advance(12 * 60 * 60 * 1000 + 1);
    const expired = await raw(server.endpoint, '/v2/_catalog', {
      headers: { authorization: `Basic ${data.authorizationToken}` },
    });
    expect(expired.status).toBe(401);
  });
});

describe('ECR with --auth enforce', () => {
  it('needs the token on the registry and an existing repository to push', async () => {
    const strict = await startTestServer({
      auth: 'enforce',
      credentials: [{ ...TEST_CREDENTIALS, account: '111122223333' }],
    });
    const client = new ECRClient({
      endpoint: strict.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const anon = await raw(strict.endpoint, '/v2/');
      expect(anon.status).toBe(401);
      expect(JSON.parse(anon.body.toString()).errors[0].code).toBe('UNAUTHORIZED');
      const token = (await client.send(new GetAuthorizationTokenCommand({}))).authorizationData![0]!
        .authorizationToken!;
      const authz = { authorization: `Basic ${token}` };
      expect((await raw(strict.endpoint, '/v2/', { headers: authz })).status).toBe(200);
      const push = await raw(strict.endpoint, '/v2/not-created/blobs/uploads/', { method: 'POST', headers: authz });
      expect(push.status).toBe(404);
      expect(JSON.parse(push.body.toString()).errors[0]).toMatchObject({
        code: 'NAME_UNKNOWN',
        message: "The repository with name 'not-created' does not exist in the registry with id '111122223333'",
      });
      await client.send(new CreateRepositoryCommand({ repositoryName: 'created' }));
      expect(
        (await raw(strict.endpoint, '/v2/created/blobs/uploads/', { method: 'POST', headers: authz })).status,
      ).toBe(202);
    } finally {
      client.destroy();
      await strict.stop();
    }
  });
});
