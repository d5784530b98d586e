import { ecrErrors } from '../errors.js';
import type { EcrOperation } from './common.js';

/** Registry-wide settings (stored per account and region, not enforced). */
async function getSetting(
  ecr: Parameters<EcrOperation>[0],
  account: string,
  region: string,
  name: string,
): Promise<string | undefined> {
  const row = await ecr.registry.store.get<{ value: string }>(
    'SELECT value FROM ecr_settings WHERE account = ? AND region = ? AND name = ?',
    [account, region, name],
  );
  return row?.value;
}

async function setSetting(
  ecr: Parameters<EcrOperation>[0],
  account: string,
  region: string,
  name: string,
  value: string | null,
): Promise<void> {
  if (value === null) {
    await ecr.registry.store.run('DELETE FROM ecr_settings WHERE account = ? AND region = ? AND name = ?', [
      account,
      region,
      name,
    ]);
    return;
  }
  await ecr.registry.store.run(
    `INSERT INTO ecr_settings (account, region, name, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (account, region, name) DO UPDATE SET value = excluded.value`,
    [account, region, name, value],
  );
}

export const DescribeRegistry: EcrOperation = async (ecr, _input, ctx) => {
  const replication = await getSetting(ecr, ctx.account, ctx.region, 'replication');
  return {
    registryId: ctx.account,
    replicationConfiguration: replication ? (JSON.parse(replication) as unknown) : { rules: [] },
  };
};

export const PutReplicationConfiguration: EcrOperation = async (ecr, input, ctx) => {
  await setSetting(ecr, ctx.account, ctx.region, 'replication', JSON.stringify(input.replicationConfiguration));
  return { replicationConfiguration: input.replicationConfiguration };
};

export const PutRegistryPolicy: EcrOperation = async (ecr, input, ctx) => {
  try {
    JSON.parse(input.policyText as string);
  } catch {
    throw ecrErrors.invalidParameter(
      "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'",
    );
  }
  await setSetting(ecr, ctx.account, ctx.region, 'policy', input.policyText as string);
  return { registryId: ctx.account, policyText: input.policyText };
};

export const GetRegistryPolicy: EcrOperation = async (ecr, _input, ctx) => {
  const policy = await getSetting(ecr, ctx.account, ctx.region, 'policy');
  if (policy === undefined) throw ecrErrors.registryPolicyNotFound(ctx.account);
  return { registryId: ctx.account, policyText: policy };
};

export const DeleteRegistryPolicy: EcrOperation = async (ecr, input, ctx) => {
  const out = await GetRegistryPolicy(ecr, input, ctx);
  await setSetting(ecr, ctx.account, ctx.region, 'policy', null);
  return out;
};

export const GetRegistryScanningConfiguration: EcrOperation = async (ecr, _input, ctx) => {
  const value = await getSetting(ecr, ctx.account, ctx.region, 'scanning');
  return {
    registryId: ctx.account,
    scanningConfiguration: value ? (JSON.parse(value) as unknown) : { scanType: 'BASIC', rules: [] },
  };
};

export const PutRegistryScanningConfiguration: EcrOperation = async (ecr, input, ctx) => {
  const config = { scanType: input.scanType ?? 'BASIC', rules: input.rules ?? [] };
  await setSetting(ecr, ctx.account, ctx.region, 'scanning', JSON.stringify(config));
  return { registryScanningConfiguration: config };
};
