import type { OperationContext } from '../../../core/service.js';
import type { ImagePort } from '../../ecr/port.js';
import { resolveImageUri } from '../environments/runc-image.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { codeFromS3 } from '../functions/s3-code.js';
import { storeZip } from '../functions/code.js';
import type { StoredCode } from '../functions/code.js';
import { checkEnvironment } from '../functions/environment.js';
import { functionArn, lambdaTimestamp, parseFunctionRef } from '../functions/names.js';
import { checkRuntimeAccepted, runtimeVersionArn } from '../functions/runtimes.js';
import type { CodeRecord, FunctionConfiguration, VersionRecord } from '../functions/types.js';
import type { Handlers } from './shared.js';
import { checkRevision, newRevision, paginate, refOf, requireFunction, requireVersion, viewConfig } from './shared.js';

interface CodeInput {
  ZipFile?: string | Buffer;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

type PackagedCode = StoredCode & { image?: CodeRecord['image'] };

/** PackageType Image: the ImageUri must name an image in Overcast's registry; it is pinned to its digest. */
async function packageImage(
  images: ImagePort | undefined,
  uri: string,
  scope: { account: string; region: string },
): Promise<PackagedCode> {
  const r = images ? await resolveImageUri(images, uri, scope.account, scope.region) : undefined;
  if (!r) throw lambdaErrors.invalidParameter(`Source image ${uri} does not exist. Provide a valid source image.`);
  const hex = r.image.resolvedDigest.replace(/^sha256:/, '');
  return {
    // Lambda shows an image function's CodeSha256 as the image digest (hex) and CodeSize 0.
    sha256: hex,
    sha256Hex: hex,
    size: 0,
    dir: '',
    zip: '',
    image: { imageUri: uri, resolvedImageUri: r.resolvedImageUri, resolvedDigest: r.image.resolvedDigest },
  };
}

function imageConfigResponse(ic: Record<string, unknown> | undefined): FunctionConfiguration['ImageConfigResponse'] {
  if (!ic) return undefined;
  const ImageConfig: NonNullable<FunctionConfiguration['ImageConfigResponse']>['ImageConfig'] = {};
  if (Array.isArray(ic['EntryPoint'])) ImageConfig.EntryPoint = ic['EntryPoint'] as string[];
  if (Array.isArray(ic['Command'])) ImageConfig.Command = ic['Command'] as string[];
  if (typeof ic['WorkingDirectory'] === 'string') ImageConfig.WorkingDirectory = ic['WorkingDirectory'];
  return { ImageConfig };
}

async function packageCode(
  lc: LambdaContext,
  code: CodeInput,
  owner: string,
  images?: ImagePort,
  scope?: { account: string; region: string; packageType: string },
): Promise<PackagedCode> {
  if (scope?.packageType === 'Image') {
    if (code.ImageUri === undefined || code.ZipFile !== undefined || code.S3Bucket !== undefined)
      throw lambdaErrors.invalidParameter('Please provide ImageUri when updating a function with packageType Image.');
    return packageImage(images, code.ImageUri, scope);
  }
  if (code.ImageUri !== undefined) {
    throw lambdaErrors.invalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
  }
  if (code.S3Bucket !== undefined || code.S3Key !== undefined) {
    if (code.S3Bucket === undefined || code.S3Key === undefined || !scope) {
      throw lambdaErrors.invalidParameter('Please provide a source for function code.');
    }
    return storeZip(await codeFromS3(lc, scope, code.S3Bucket, code.S3Key, code.S3ObjectVersion), lc.filesDir, owner);
  }
  if (code.ZipFile === undefined) throw lambdaErrors.invalidParameter('Please provide a source for function code.');
  const zip = Buffer.isBuffer(code.ZipFile) ? code.ZipFile : Buffer.from(code.ZipFile, 'base64');
  return storeZip(zip, lc.filesDir, owner);
}

async function layerDirs(
  lc: LambdaContext,
  arns: string[] | undefined,
): Promise<{ dirs: string[]; layers: { Arn: string; CodeSize: number }[] | undefined }> {
  if (!arns || arns.length === 0) return { dirs: [], layers: undefined };
  const rows = await lc.layers.resolve(arns);
  return {
    dirs: rows.map((r) => r.code.dir),
    layers: rows.map((r) => ({ Arn: r.config.LayerVersionArn, CodeSize: r.config.Content.CodeSize })),
  };
}

function codeRecord(stored: PackagedCode, dirs: string[]): CodeRecord {
  return {
    sha256Hex: stored.sha256Hex,
    dir: stored.dir,
    zip: stored.zip,
    layerDirs: dirs,
    ...(stored.image ? { image: stored.image } : {}),
  };
}

/** `images` reads Overcast's registry (PackageType Image). */
export function functionOperations(lc: LambdaContext, images?: ImagePort): Handlers {
  const now = () => lc.clock.now();
  const delay = () => lc.config.lambda.stateDelayMs;

  async function publish(ctx: OperationContext, name: string, description?: string): Promise<VersionRecord> {
    const meta = await requireFunction(lc, { account: ctx.account, region: ctx.region, name, qualifier: undefined });
    const latest = (await lc.catalog.version(meta.account, meta.region, name, '$LATEST'))!;
    // No new version when neither code nor configuration changed since the last one.
    const versions = await lc.catalog.listVersions(meta.account, meta.region, name);
    const last = versions.filter((v) => v.config.Version !== '$LATEST').pop();
    if (last && last.code.sourceRevision === latest.config.RevisionId) return last;
    const version = String(meta.nextVersion);
    const record: VersionRecord = {
      config: {
        ...viewConfig(latest, now()),
        Version: version,
        FunctionArn: functionArn(meta, version),
        Description: description ?? latest.config.Description,
        RevisionId: newRevision(),
        LastModified: lambdaTimestamp(now()),
      },
      code: { ...latest.code, sourceRevision: latest.config.RevisionId },
      readyAt: now(),
    };
    await lc.store.transaction(async (tx) => {
      await lc.catalog.putMeta({ ...meta, nextVersion: meta.nextVersion + 1 }, tx);
      await lc.catalog.putVersion(meta.account, meta.region, name, record, tx);
    });
    return record;
  }

  return {
    async CreateFunction(input: Record<string, any>, ctx: OperationContext) {
      const ref = parseFunctionRef(input['FunctionName'], undefined, ctx);
      if (ref.qualifier !== undefined)
        throw lambdaErrors.invalidParameter('Qualifier is not allowed for CreateFunction.');
      if (await lc.catalog.meta(ref.account, ref.region, ref.name))
        throw lambdaErrors.conflict(`Function already exist: ${ref.name}`);
      const packageType = input['PackageType'] ?? 'Zip';
      if (packageType === 'Zip' && (input['Runtime'] === undefined || input['Handler'] === undefined)) {
        throw lambdaErrors.invalidParameter(
          'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
        );
      }
      if (packageType === 'Image' && (input['Runtime'] !== undefined || input['Handler'] !== undefined)) {
        throw lambdaErrors.invalidParameter(
          'The Runtime and Handler parameters are not supported for functions created with container images.',
        );
      }
      if (input['Runtime']) checkRuntimeAccepted(input['Runtime']);
      checkEnvironment(input['Environment']?.Variables);
      const { dirs, layers } = await layerDirs(lc, input['Layers']);
      const stored = await packageCode(lc, input['Code'] ?? {}, `${ref.account}/${ref.region}/${ref.name}`, images, {
        ...ref,
        packageType,
      });
      const t = now();
      const config: FunctionConfiguration = {
        FunctionName: ref.name,
        FunctionArn: functionArn(ref),
        Runtime: input['Runtime'],
        Role: input['Role'],
        Handler: input['Handler'],
        CodeSize: stored.size,
        Description: input['Description'] ?? '',
        Timeout: input['Timeout'] ?? 3,
        MemorySize: input['MemorySize'] ?? 128,
        LastModified: lambdaTimestamp(t),
        CodeSha256: stored.sha256,
        Version: '$LATEST',
        ...(input['Environment'] ? { Environment: { Variables: input['Environment'].Variables ?? {} } } : {}),
        TracingConfig: { Mode: input['TracingConfig']?.Mode ?? 'PassThrough' },
        RevisionId: newRevision(),
        ...(layers ? { Layers: layers } : {}),
        State: 'Pending',
        StateReason: 'The function is being created.',
        StateReasonCode: 'Creating',
        PackageType: packageType,
        Architectures: input['Architectures'] ?? ['x86_64'],
        EphemeralStorage: { Size: input['EphemeralStorage']?.Size ?? 512 },
        SnapStart: { ApplyOn: input['SnapStart']?.ApplyOn ?? 'None', OptimizationStatus: 'Off' },
        LoggingConfig: {
          LogFormat: input['LoggingConfig']?.LogFormat ?? 'Text',
          LogGroup: input['LoggingConfig']?.LogGroup ?? `/aws/lambda/${ref.name}`,
          ...(input['LoggingConfig']?.ApplicationLogLevel
            ? { ApplicationLogLevel: input['LoggingConfig'].ApplicationLogLevel }
            : {}),
          ...(input['LoggingConfig']?.SystemLogLevel ? { SystemLogLevel: input['LoggingConfig'].SystemLogLevel } : {}),
        },
        ...(input['DeadLetterConfig']?.TargetArn
          ? { DeadLetterConfig: { TargetArn: input['DeadLetterConfig'].TargetArn } }
          : {}),
        ...(input['KMSKeyArn'] ? { KMSKeyArn: input['KMSKeyArn'] } : {}),
        ...(input['VpcConfig']
          ? {
              VpcConfig: {
                SubnetIds: input['VpcConfig'].SubnetIds ?? [],
                SecurityGroupIds: input['VpcConfig'].SecurityGroupIds ?? [],
                VpcId: '',
              },
            }
          : {}),
        ...(packageType === 'Image'
          ? { ImageConfigResponse: imageConfigResponse(input['ImageConfig']) ?? {} }
          : {
              RuntimeVersionConfig: {
                RuntimeVersionArn: runtimeVersionArn(ref.region, input['Runtime'] ?? 'provided'),
              },
            }),
      };
      const record: VersionRecord = { config, code: codeRecord(stored, dirs), readyAt: t + delay() };
      await lc.store.transaction(async (tx) => {
        const meta = {
          account: ref.account,
          region: ref.region,
          name: ref.name,
          nextVersion: 1,
          reserved: undefined,
          tags: input['Tags'] ?? {},
          policy: undefined,
          createdAt: t,
        };
        await lc.catalog.putMeta(meta, tx);
        await lc.catalog.putVersion(ref.account, ref.region, ref.name, record, tx);
      });
      if (input['Publish']) {
        const published = await publish(ctx, ref.name);
        return viewConfig(published, t);
      }
      return config;
    },

    async GetFunction(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      const meta = await requireFunction(lc, ref);
      const record = await requireVersion(lc, ref);
      return {
        Configuration: viewConfig(record, now()),
        Code: record.code.image
          ? {
              RepositoryType: 'ECR',
              ImageUri: record.code.image.imageUri,
              ResolvedImageUri: record.code.image.resolvedImageUri,
            }
          : {
              RepositoryType: 'S3',
              Location: `${lc.server.endpoint}/_overcast/lambda/code/${record.code.sha256Hex}.zip`,
            },
        ...(Object.keys(meta.tags).length > 0 ? { Tags: meta.tags } : {}),
        ...(meta.reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: meta.reserved } } : {}),
      };
    },

    async GetFunctionConfiguration(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      return viewConfig(await requireVersion(lc, refOf(input, ctx)), now());
    },

    async ListFunctions(
      input: { FunctionVersion?: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const metas = await lc.catalog.listMetas(ctx.account, ctx.region);
      const configs: FunctionConfiguration[] = [];
      for (const meta of metas) {
        if (input.FunctionVersion === 'ALL') {
          for (const v of await lc.catalog.listVersions(meta.account, meta.region, meta.name))
            configs.push(viewConfig(v, now()));
        } else {
          const v = await lc.catalog.version(meta.account, meta.region, meta.name, '$LATEST');
          if (v) configs.push(viewConfig(v, now()));
        }
      }
      const { page, next } = paginate(configs, input.Marker, input.MaxItems);
      return { Functions: page, ...(next ? { NextMarker: next } : {}) };
    },

    async UpdateFunctionCode(input: Record<string, any>, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input['FunctionName'] }, ctx);
      if (ref.qualifier !== undefined)
        throw lambdaErrors.invalidParameter('Qualifier is not allowed for UpdateFunctionCode.');
      await requireFunction(lc, ref);
      const latest = (await lc.catalog.version(ref.account, ref.region, ref.name, '$LATEST'))!;
      checkRevision(input['RevisionId'], latest.config.RevisionId);
      const stored = await packageCode(lc, input, `${ref.account}/${ref.region}/${ref.name}`, images, {
        ...ref,
        packageType: latest.config.PackageType,
      });
      if (input['DryRun']) return { ...viewConfig(latest, now()), CodeSha256: stored.sha256, CodeSize: stored.size };
      const t = now();
      const record: VersionRecord = {
        config: {
          ...viewConfig(latest, t),
          CodeSha256: stored.sha256,
          CodeSize: stored.size,
          LastModified: lambdaTimestamp(t),
          RevisionId: newRevision(),
          LastUpdateStatus: 'InProgress',
          LastUpdateStatusReason: 'The function is being created.',
          LastUpdateStatusReasonCode: 'Creating',
          ...(input['Architectures'] ? { Architectures: input['Architectures'] } : {}),
        },
        code: codeRecord(stored, latest.code.layerDirs),
        readyAt: t + delay(),
      };
      await lc.catalog.putVersion(ref.account, ref.region, ref.name, record);
      lc.pool.retire(`${ref.account}:${ref.region}:${ref.name}:$LATEST:`);
      if (input['Publish']) return viewConfig(await publish(ctx, ref.name), t);
      return record.config;
    },

    async UpdateFunctionConfiguration(input: Record<string, any>, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input['FunctionName'] }, ctx);
      if (ref.qualifier !== undefined)
        throw lambdaErrors.invalidParameter('Qualifier is not allowed for UpdateFunctionConfiguration.');
      await requireFunction(lc, ref);
      const latest = (await lc.catalog.version(ref.account, ref.region, ref.name, '$LATEST'))!;
      checkRevision(input['RevisionId'], latest.config.RevisionId);
      if (input['Runtime']) checkRuntimeAccepted(input['Runtime']);
      if (input['Environment']) checkEnvironment(input['Environment'].Variables);
      const t = now();
      const c: FunctionConfiguration = { ...viewConfig(latest, t) };
      for (const k of ['Role', 'Handler', 'Description', 'Timeout', 'MemorySize', 'Runtime', 'KMSKeyArn'] as const) {
        if (input[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = input[k];
      }
      if (input['Environment']) c.Environment = { Variables: input['Environment'].Variables ?? {} };
      if (input['TracingConfig']) c.TracingConfig = { Mode: input['TracingConfig'].Mode ?? 'PassThrough' };
      if (input['EphemeralStorage']) c.EphemeralStorage = { Size: input['EphemeralStorage'].Size };
      if (input['DeadLetterConfig']) c.DeadLetterConfig = input['DeadLetterConfig'];
      if (input['LoggingConfig']) c.LoggingConfig = { ...c.LoggingConfig, ...input['LoggingConfig'] };
      if (input['ImageConfig'] && c.PackageType === 'Image')
        c.ImageConfigResponse = imageConfigResponse(input['ImageConfig']) ?? {};
      if (input['Runtime'])
        c.RuntimeVersionConfig = { RuntimeVersionArn: runtimeVersionArn(ref.region, input['Runtime']) };
      let code = latest.code;
      if (input['Layers'] !== undefined) {
        const { dirs, layers } = await layerDirs(lc, input['Layers']);
        if (layers) c.Layers = layers;
        else delete c.Layers;
        code = { ...code, layerDirs: dirs };
      }
      Object.assign(c, {
        LastModified: lambdaTimestamp(t),
        RevisionId: newRevision(),
        LastUpdateStatus: 'InProgress',
        LastUpdateStatusReason: 'The function is being created.',
        LastUpdateStatusReasonCode: 'Creating',
      });
      await lc.catalog.putVersion(ref.account, ref.region, ref.name, { config: c, code, readyAt: t + delay() });
      lc.pool.retire(`${ref.account}:${ref.region}:${ref.name}:$LATEST:`);
      return c;
    },

    async DeleteFunction(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      if (ref.qualifier === undefined) {
        await lc.catalog.deleteFunction(ref.account, ref.region, ref.name);
        lc.settings.forget(ref.account, ref.region, ref.name);
        lc.pool.retire(`${ref.account}:${ref.region}:${ref.name}:`);
        return { StatusCode: 204 };
      }
      if (ref.qualifier === '$LATEST')
        throw lambdaErrors.invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      if (!/^\d+$/.test(ref.qualifier))
        throw lambdaErrors.invalidParameter('Deletion of aliases is not currently supported.');
      const record = await lc.catalog.version(ref.account, ref.region, ref.name, ref.qualifier);
      if (!record) throw lambdaErrors.functionNotFound(functionArn(ref, ref.qualifier));
      const users = (await lc.catalog.listAliases(ref.account, ref.region, ref.name)).filter(
        (a) =>
          a.FunctionVersion === ref.qualifier ||
          Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {}).includes(ref.qualifier!),
      );
      if (users.length > 0) {
        throw lambdaErrors.conflict(
          `Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(', ')}]`,
        );
      }
      await lc.catalog.deleteVersion(ref.account, ref.region, ref.name, ref.qualifier);
      lc.pool.retire(`${ref.account}:${ref.region}:${ref.name}:${ref.qualifier}:`);
      return { StatusCode: 204 };
    },

    async PublishVersion(
      input: { FunctionName: string; CodeSha256?: string; Description?: string; RevisionId?: string },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      if (ref.qualifier !== undefined)
        throw lambdaErrors.invalidParameter('Qualifier is not allowed for PublishVersion.');
      await requireFunction(lc, ref);
      const latest = (await lc.catalog.version(ref.account, ref.region, ref.name, '$LATEST'))!;
      checkRevision(input.RevisionId, latest.config.RevisionId);
      if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.config.CodeSha256) {
        throw lambdaErrors.invalidParameter(
          `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.config.CodeSha256}). Please try again.`,
        );
      }
      return viewConfig(await publish(ctx, ref.name, input.Description), now());
    },

    async ListVersionsByFunction(
      input: { FunctionName: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      const versions = (await lc.catalog.listVersions(ref.account, ref.region, ref.name)).map((v) =>
        viewConfig(v, now()),
      );
      const { page, next } = paginate(versions, input.Marker, input.MaxItems);
      return { Versions: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
