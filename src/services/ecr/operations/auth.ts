import { registryHost } from '../names.js';
import type { EcrOperation } from './common.js';
import { seconds } from './common.js';

/** A registry password valid for 12 hours: `docker login -u AWS -p <password>`, or Basic `AWS:<password>`. */
export const GetAuthorizationToken: EcrOperation = (ecr, input, ctx) => {
  const accounts = (input.registryIds as string[] | undefined) ?? [ctx.account];
  return {
    authorizationData: accounts.map((account) => {
      const { password, expiresAt } = ecr.tokens.issue({ account, region: ctx.region });
      return {
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: seconds(expiresAt),
        proxyEndpoint: `http://${registryHost(account, ctx.region, ecr.server.port)}`,
      };
    }),
  };
};
