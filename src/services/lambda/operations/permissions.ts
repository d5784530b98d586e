import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn } from '../functions/names.js';
import type { FunctionRef } from '../functions/names.js';
import type { FunctionMeta, PolicyDocument } from '../functions/types.js';
import type { Handlers } from './shared.js';
import { newRevision, refOf, requireFunction, requireVersion } from './shared.js';
import { addStatement, policyOf } from './policy-doc.js';

/** The Principal element AddPermission writes for a principal string. */
function principalOf(p: string): unknown {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  return { Service: p };
}

/**
 * Each qualifier ($LATEST, a version, an alias) has its own policy: statements are kept in one
 * document per function and told apart by their Resource.
 */
const resourceOf = (ref: FunctionRef): string =>
  functionArn(ref, ref.qualifier === '$LATEST' ? undefined : ref.qualifier);

function statementsOf(meta: FunctionMeta, resource: string): Record<string, unknown>[] {
  return (meta.policy?.Statement ?? []).filter((s) => s['Resource'] === resource);
}

export function permissionOperations(lc: LambdaContext): Handlers {
  /** The RevisionId a policy change is checked against and bumps: the alias's, or the version's. */
  async function revisionTarget(ref: FunctionRef) {
    const record = await requireVersion(lc, ref);
    const q = ref.qualifier;
    const alias =
      q !== undefined && q !== '$LATEST' && !/^\d+$/.test(q)
        ? await lc.catalog.alias(ref.account, ref.region, ref.name, q)
        : undefined;
    return {
      current: alias ? alias.RevisionId : record.config.RevisionId,
      async bump(): Promise<void> {
        const next = newRevision();
        if (alias) return lc.catalog.putAlias(ref.account, ref.region, ref.name, { ...alias, RevisionId: next });
        await lc.catalog.putVersion(ref.account, ref.region, ref.name, {
          ...record,
          config: { ...record.config, RevisionId: next },
        });
        if (record.config.Version !== '$LATEST') return;
        // A policy change is no code or configuration change: PublishVersion still has nothing new to publish.
        const last = (await lc.catalog.listVersions(ref.account, ref.region, ref.name))
          .filter((v) => v.config.Version !== '$LATEST')
          .pop();
        if (last && last.code.sourceRevision === record.config.RevisionId) {
          await lc.catalog.putVersion(ref.account, ref.region, ref.name, {
            ...last,
            code: { ...last.code, sourceRevision: next },
          });
        }
      },
    };
  }

  const preconditionFailed = (api: string) =>
    lambdaErrors.preconditionFailed(
      `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
    );

  return {
    async AddPermission(input: Record<string, any>, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input['FunctionName'], Qualifier: input['Qualifier'] }, ctx);
      if (ref.qualifier === '$LATEST')
        throw lambdaErrors.invalidParameter('We currently do not support adding policies for $LATEST.');
      const meta = await requireFunction(lc, ref);
      const target = await revisionTarget(ref);
      if (input['RevisionId'] !== undefined && input['RevisionId'] !== target.current)
        throw preconditionFailed('GetPolicy');
      const condition: Record<string, Record<string, string>> = {};
      if (input['SourceAccount']) (condition['StringEquals'] ??= {})['AWS:SourceAccount'] = input['SourceAccount'];
      if (input['PrincipalOrgID']) (condition['StringEquals'] ??= {})['aws:PrincipalOrgID'] = input['PrincipalOrgID'];
      if (input['FunctionUrlAuthType'])
        (condition['StringEquals'] ??= {})['lambda:FunctionUrlAuthType'] = input['FunctionUrlAuthType'];
      if (input['EventSourceToken'])
        (condition['StringEquals'] ??= {})['lambda:EventSourceToken'] = input['EventSourceToken'];
      if (input['SourceArn']) (condition['ArnLike'] ??= {})['AWS:SourceArn'] = input['SourceArn'];
      const resource = resourceOf(ref);
      const statement: Record<string, unknown> = {
        Sid: input['StatementId'],
        Effect: 'Allow',
        Principal: principalOf(input['Principal']),
        Action: input['Action'],
        Resource: resource,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      };
      // The Sid is unique within the qualifier's policy (and the size limit is per policy): throws otherwise.
      addStatement({ ...policyOf(), Statement: statementsOf(meta, resource) }, statement);
      const policy: PolicyDocument = {
        ...(meta.policy ?? policyOf()),
        Statement: [...(meta.policy?.Statement ?? []), statement],
      };
      await lc.catalog.putMeta({ ...meta, policy });
      await target.bump();
      return { Statement: JSON.stringify(statement) };
    },

    async RemovePermission(
      input: { FunctionName: string; StatementId: string; Qualifier?: string; RevisionId?: string },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      const meta = await lc.catalog.meta(ref.account, ref.region, ref.name);
      if (!meta) throw lambdaErrors.notFound(`No policy found for: ${functionArn(ref)}`);
      const target = await revisionTarget(ref);
      const resource = resourceOf(ref);
      const own = statementsOf(meta, resource);
      if (own.length === 0) throw lambdaErrors.notFound('No policy is associated with the given resource.');
      if (!own.some((s) => s['Sid'] === input.StatementId))
        throw lambdaErrors.notFound(`Statement ${input.StatementId} is not found in resource policy.`);
      if (input.RevisionId !== undefined && input.RevisionId !== target.current)
        throw preconditionFailed('GetFunction/GetAlias');
      const statements = meta.policy!.Statement.filter(
        (s) => !(s['Resource'] === resource && s['Sid'] === input.StatementId),
      );
      await lc.catalog.putMeta({ ...meta, policy: { ...meta.policy!, Statement: statements } });
      await target.bump();
      return {};
    },

    async GetPolicy(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      const meta = await lc.catalog.meta(ref.account, ref.region, ref.name);
      // AWS answers the same for a missing function, version or alias as for a missing policy.
      if (!meta) throw lambdaErrors.notFound();
      let target;
      try {
        target = await revisionTarget(ref);
      } catch {
        throw lambdaErrors.notFound();
      }
      const statements = statementsOf(meta, resourceOf(ref));
      if (statements.length === 0) throw lambdaErrors.notFound();
      return { Policy: JSON.stringify({ ...policyOf(), Statement: statements }), RevisionId: target.current };
    },
  };
}
