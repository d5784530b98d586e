import { randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { codeFromS3 } from '../functions/s3-code.js';
import { storeZip } from '../functions/code.js';
import type { LayerRow, LayerVersionRecord } from '../functions/layers.js';
import { lambdaTimestamp, layerArn, parseLayerRef } from '../functions/names.js';
import type { Handlers } from './shared.js';
import { paginate } from './shared.js';
import { addStatement, policyOf, removeStatement } from './policy-doc.js';

export function layerOperations(lc: LambdaContext): Handlers {
  const location = (hex: string) => `${lc.server.endpoint}/_overcast/lambda/code/${hex}.zip`;

  /** AWS refuses version numbers below 1 before looking anything up. */
  function checkVersionNumber(version: number): void {
    if (version < 1) throw lambdaErrors.invalidParameter('Layer Version Cannot be less than 1');
  }

  async function requireLayer(ctx: OperationContext, name: string, version: number) {
    checkVersionNumber(version);
    const l = parseLayerRef(name, ctx);
    const row = await lc.layers.get(l.account, l.region, l.name, version);
    if (!row) throw lambdaErrors.notFound();
    return { l, row };
  }

  /** The layer-policy operations name the missing version: "Layer version <arn> does not exist." */
  async function requireLayerForPolicy(ctx: OperationContext, name: string, version: number) {
    checkVersionNumber(version);
    const l = parseLayerRef(name, ctx);
    const row = await lc.layers.get(l.account, l.region, l.name, version);
    if (!row)
      throw lambdaErrors.notFound(`Layer version ${layerArn(l.account, l.region, l.name, version)} does not exist.`);
    return { l, row };
  }

  /** Layer policies carry their own RevisionId (a new one on every change), as AWS's do. */
  function checkPolicyRevision(given: string | undefined, policy: LayerRow['policy']): void {
    if (given !== undefined && given !== policy?.RevisionId) {
      throw lambdaErrors.preconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
      );
    }
  }

  const policyJson = (policy: NonNullable<LayerRow['policy']>) => {
    const { RevisionId: _r, ...doc } = policy;
    return JSON.stringify(doc);
  };

  const view = (c: LayerVersionRecord, hex: string) => ({ ...c, Content: { ...c.Content, Location: location(hex) } });

  return {
    async PublishLayerVersion(input: Record<string, any>, ctx: OperationContext) {
      const l = parseLayerRef(input['LayerName'], ctx);
      const content = input['Content'] ?? {};
      let zip: Buffer;
      if (content.S3Bucket !== undefined && content.S3Key !== undefined) {
        zip = await codeFromS3(
          lc,
          { account: ctx.account, region: ctx.region },
          content.S3Bucket,
          content.S3Key,
          content.S3ObjectVersion,
        );
      } else if (content.ZipFile !== undefined) {
        zip = Buffer.from(content.ZipFile, 'base64');
      } else {
        throw lambdaErrors.invalidParameter('Please provide a source for layer content.');
      }
      const version = await lc.layers.nextVersion(l.account, l.region, l.name);
      const stored = await storeZip(zip, lc.filesDir, `layers/${l.account}/${l.region}/${l.name}/${version}`);
      const config: LayerVersionRecord = {
        LayerArn: layerArn(l.account, l.region, l.name),
        LayerVersionArn: layerArn(l.account, l.region, l.name, version),
        Version: version,
        Description: input['Description'] ?? '',
        CreatedDate: lambdaTimestamp(lc.clock.now()),
        ...(input['CompatibleRuntimes'] ? { CompatibleRuntimes: input['CompatibleRuntimes'] } : {}),
        ...(input['CompatibleArchitectures'] ? { CompatibleArchitectures: input['CompatibleArchitectures'] } : {}),
        ...(input['LicenseInfo'] ? { LicenseInfo: input['LicenseInfo'] } : {}),
        Content: { Location: location(stored.sha256Hex), CodeSha256: stored.sha256, CodeSize: stored.size },
      };
      await lc.layers.put(l.account, l.region, l.name, {
        config,
        code: { dir: stored.dir, zip: stored.zip, sha256Hex: stored.sha256Hex },
        policy: undefined,
      });
      return config;
    },

    async GetLayerVersion(input: { LayerName: string; VersionNumber: number }, ctx: OperationContext) {
      const { row } = await requireLayer(ctx, input.LayerName, input.VersionNumber);
      return view(row.config, row.code.sha256Hex);
    },

    async GetLayerVersionByArn(input: { Arn: string }, ctx: OperationContext) {
      const l = parseLayerRef(input.Arn, ctx);
      if (l.version === undefined)
        throw lambdaErrors.invalidParameter(
          `1 validation error detected: Value '${input.Arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)`,
        );
      const row = await lc.layers.get(l.account, l.region, l.name, l.version);
      if (!row) throw lambdaErrors.notFound();
      return view(row.config, row.code.sha256Hex);
    },

    async DeleteLayerVersion(input: { LayerName: string; VersionNumber: number }, ctx: OperationContext) {
      checkVersionNumber(input.VersionNumber);
      const l = parseLayerRef(input.LayerName, ctx);
      await lc.layers.delete(l.account, l.region, l.name, input.VersionNumber);
      return {};
    },

    async ListLayerVersions(
      input: {
        LayerName: string;
        CompatibleRuntime?: string;
        CompatibleArchitecture?: string;
        Marker?: string;
        MaxItems?: number;
      },
      ctx: OperationContext,
    ) {
      const l = parseLayerRef(input.LayerName, ctx);
      const rows = (await lc.layers.list(l.account, l.region, l.name))
        .map((r) => r.row.config)
        .filter((c) => !input.CompatibleRuntime || c.CompatibleRuntimes?.includes(input.CompatibleRuntime))
        .filter(
          (c) => !input.CompatibleArchitecture || c.CompatibleArchitectures?.includes(input.CompatibleArchitecture),
        )
        .map(({ Content: _c, LayerArn: _a, ...item }) => item);
      const { page, next } = paginate(rows, input.Marker, input.MaxItems);
      return { LayerVersions: page, ...(next ? { NextMarker: next } : {}) };
    },

    async ListLayers(
      input: { CompatibleRuntime?: string; CompatibleArchitecture?: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const rows = await lc.layers.list(ctx.account, ctx.region);
      const latest = new Map<string, LayerVersionRecord>();
      for (const { name, row } of rows) {
        const c = row.config;
        if (input.CompatibleRuntime && !c.CompatibleRuntimes?.includes(input.CompatibleRuntime)) continue;
        if (input.CompatibleArchitecture && !c.CompatibleArchitectures?.includes(input.CompatibleArchitecture))
          continue;
        if (!latest.has(name)) latest.set(name, c);
      }
      const items = [...latest.entries()].map(([name, c]) => {
        const { Content: _c, LayerArn, ...version } = c;
        return { LayerName: name, LayerArn, LatestMatchingVersion: version };
      });
      const { page, next } = paginate(items, input.Marker, input.MaxItems);
      return { Layers: page, ...(next ? { NextMarker: next } : {}) };
    },

    async AddLayerVersionPermission(input: Record<string, any>, ctx: OperationContext) {
      const { l, row } = await requireLayerForPolicy(ctx, input['LayerName'], input['VersionNumber']);
      checkPolicyRevision(input['RevisionId'], row.policy);
      const statement: Record<string, unknown> = {
        Sid: input['StatementId'],
        Effect: 'Allow',
        Principal: input['Principal'] === '*' ? '*' : { AWS: `arn:aws:iam::${input['Principal']}:root` },
        Action: input['Action'],
        Resource: row.config.LayerVersionArn,
        ...(input['OrganizationId']
          ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': input['OrganizationId'] } } }
          : {}),
      };
      const policy = { ...addStatement(row.policy ?? policyOf(), statement), RevisionId: randomUUID() };
      await lc.layers.put(l.account, l.region, l.name, { ...row, policy });
      return { Statement: JSON.stringify(statement), RevisionId: policy.RevisionId };
    },

    async GetLayerVersionPolicy(input: { LayerName: string; VersionNumber: number }, ctx: OperationContext) {
      const { row } = await requireLayerForPolicy(ctx, input.LayerName, input.VersionNumber);
      if (!row.policy || row.policy.Statement.length === 0)
        throw lambdaErrors.notFound('No policy is associated with the given resource.');
      return { Policy: policyJson(row.policy), RevisionId: row.policy.RevisionId };
    },

    async RemoveLayerVersionPermission(
      input: { LayerName: string; VersionNumber: number; StatementId: string; RevisionId?: string },
      ctx: OperationContext,
    ) {
      const { l, row } = await requireLayerForPolicy(ctx, input.LayerName, input.VersionNumber);
      checkPolicyRevision(input.RevisionId, row.policy);
      const policy = { ...removeStatement(row.policy, input.StatementId), RevisionId: randomUUID() };
      await lc.layers.put(l.account, l.region, l.name, { ...row, policy });
      return {};
    },
  };
}
