import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function';
const CODE = { 'index.js': 'exports.handler = async () => 1;' };
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:dlq';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:done';

describe('Lambda event invoke configs and concurrency (SDK v3)', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
    await createNodeFunction(lambda, 'eic', CODE);
    await lambda.send(new PublishVersionCommand({ FunctionName: 'eic' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'eic', Name: 'live', FunctionVersion: '1' }));
    await createNodeFunction(lambda, 'eic-target', CODE);
  });
  afterAll(async () => {
    lambda.destroy();
    await server.stop();
  });

  it('puts (replacing), updates (merging), gets, lists and deletes event invoke configs per qualifier', async () => {
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'eic',
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 600,
      }),
    );
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect(put).toMatchObject({
      FunctionArn: `${FN}:eic:$LATEST`,
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 600,
      DestinationConfig: { OnSuccess: {}, OnFailure: {} },
    });
    expect(put.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(put.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);

    // Update keeps what it does not name.
    const upd = await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({
        FunctionName: 'eic',
        DestinationConfig: { OnFailure: { Destination: QUEUE }, OnSuccess: { Destination: TOPIC } },
      }),
    );
    expect(upd).toMatchObject({
      FunctionArn: `${FN}:eic:$LATEST`,
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 600,
      DestinationConfig: { OnSuccess: { Destination: TOPIC }, OnFailure: { Destination: QUEUE } },
    });
    const upd2 = await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 0 }),
    );
    expect(upd2).toMatchObject({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 600,
      DestinationConfig: { OnFailure: { Destination: QUEUE } },
    });
    // Put replaces everything.
    const replaced = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 2 }),
    );
    expect(replaced.MaximumEventAgeInSeconds).toBeUndefined();
    expect(replaced.DestinationConfig).toEqual({ OnSuccess: {}, OnFailure: {} });
    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic' }));
    expect(got).toMatchObject({
      FunctionArn: `${FN}:eic:$LATEST`,
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnSuccess: {}, OnFailure: {} },
    });
    expect(got.MaximumEventAgeInSeconds).toBeUndefined();

    // Per qualifier: a version and an alias have their own.
    const v1 = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '1', MaximumEventAgeInSeconds: 60 }),
    );
    expect(v1.FunctionArn).toBe(`${FN}:eic:1`);
    const live = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: `${FN}:eic:live`,
        DestinationConfig: { OnSuccess: { Destination: `${FN}:eic-target` } },
      }),
    );
    expect(live.FunctionArn).toBe(`${FN}:eic:live`);
    expect(live.DestinationConfig).toEqual({ OnSuccess: { Destination: `${FN}:eic-target` }, OnFailure: {} });
    expect(
      (await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '1' })))
        .MaximumEventAgeInSeconds,
    ).toBe(60);
    expect(
      (await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '$LATEST' })))
        .MaximumRetryAttempts,
    ).toBe(2);

    const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic' }));
    expect(list.FunctionEventInvokeConfigs!.map((c) => c.FunctionArn).sort()).toEqual(
      [`${FN}:eic:$LATEST`, `${FN}:eic:1`, `${FN}:eic:live`].sort(),
    );
    const page = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic', MaxItems: 2 }));
    expect(page.FunctionEventInvokeConfigs).toHaveLength(2);
    const rest = await lambda.send(
      new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic', MaxItems: 2, Marker: page.NextMarker }),
    );
    expect(rest.FunctionEventInvokeConfigs).toHaveLength(1);
    expect(rest.NextMarker).toBeUndefined();

    const del = await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '1' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    const gone = await errorOf(
      lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: '1' })),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.message).toBe(`The function ${FN}:eic:1 doesn't have an EventInvokeConfig`);
    expect(
      (await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic' })))
        .FunctionEventInvokeConfigs,
    ).toHaveLength(2);
  });

  it('answers the AWS errors for missing configs, functions and qualifiers', async () => {
    await createNodeFunction(lambda, 'eic-none', CODE);
    const missing = await errorOf(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe(`The function ${FN}:eic-none:$LATEST doesn't have an EventInvokeConfig`);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const noFn = await errorOf(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic-nope' })));
    expect(noFn.message).toBe(`The function ${FN}:eic-nope:$LATEST doesn't have an EventInvokeConfig`);
    const delMissing = await errorOf(
      lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none' })),
    );
    expect(delMissing.message).toBe(`The function ${FN}:eic-none:$LATEST doesn't have an EventInvokeConfig`);
    const updMissing = await errorOf(
      lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none', MaximumRetryAttempts: 1 })),
    );
    expect(updMissing.name).toBe('ResourceNotFoundException');
    expect(updMissing.message).toBe(`The function ${FN}:eic-none:$LATEST doesn't have an EventInvokeConfig`);
    const putNoFn = await errorOf(
      lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic-nope', MaximumRetryAttempts: 1 })),
    );
    expect(putNoFn.name).toBe('ResourceNotFoundException');
    expect(putNoFn.message).toBe("The function doesn't exist.");
    const putNoAlias = await errorOf(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', Qualifier: 'nope', MaximumRetryAttempts: 1 }),
      ),
    );
    expect(putNoAlias.message).toBe("The function doesn't exist.");
    const listNoFn = await errorOf(
      lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'eic-nope' })),
    );
    expect(listNoFn.message).toBe("The function doesn't exist.");
    const nothing = await errorOf(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none' })));
    expect(nothing.name).toBe('InvalidParameterValueException');
    expect(nothing.message).toBe('You must specify at least one of error handling or destination setting.');
    expect(
      (await errorOf(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'eic-none' })))).name,
    ).toBe('ResourceNotFoundException');
  });

  it('validates destinations and the retry/age bounds', async () => {
    const fnDest = await errorOf(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'eic',
          DestinationConfig: { OnSuccess: { Destination: `${FN}:does-not-exist` } },
        }),
      ),
    );
    expect(fnDest.name).toBe('InvalidParameterValueException');
    expect(fnDest.message).toBe(`The destination ARN ${FN}:does-not-exist is invalid.`);
    const self = await errorOf(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'eic',
          DestinationConfig: { OnFailure: { Destination: `${FN}:eic` } },
        }),
      ),
    );
    expect(self.message).toBe("You can't specify the function as a destination for itself.");
    const iam = 'arn:aws:iam:us-east-1:000000000000:function:eic';
    const service = await errorOf(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'eic',
          DestinationConfig: { OnSuccess: { Destination: iam } },
        }),
      ),
    );
    expect(service.name).toBe('InvalidParameterValueException');
    expect(service.message).toBe(
      `The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=${iam}), onFailure=null) is invalid.`,
    );
    const pattern = await errorOf(
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'eic',
          DestinationConfig: { OnFailure: { Destination: 'not-an-arn' } },
        }),
      ),
    );
    expect(pattern.name).toBe('ValidationException');
    expect(pattern.message).toContain(
      "Value 'not-an-arn' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );

    const retries = await errorOf(
      lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumRetryAttempts: 3 })),
    );
    expect(retries.name).toBe('ValidationException');
    expect(retries.message).toBe(
      "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
    );
    const age = await errorOf(
      lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'eic', MaximumEventAgeInSeconds: 59 })),
    );
    expect(age.message).toBe(
      "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    );
    const max = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'eic-target',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
      }),
    );
    expect(max).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
  });

  it('provisioned concurrency: refused on $LATEST; put/get/list/delete on a version and an alias', async () => {
    await createNodeFunction(lambda, 'prov', CODE);
    await lambda.send(new PublishVersionCommand({ FunctionName: 'prov' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'prov', Name: 'live', FunctionVersion: '1' }));
    const latest = await errorOf(
      lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: '$LATEST',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
    );
    expect(latest.name).toBe('InvalidParameterValueException');
    expect(latest.message).toBe('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    const getLatest = await errorOf(
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '$LATEST' })),
    );
    expect(getLatest.name).toBe('InvalidParameterValueException');
    expect(getLatest.message).toBe('The function resource provided must be an alias or a published version.');
    const none = await errorOf(
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '1' })),
    );
    expect(none.name).toBe('ProvisionedConcurrencyConfigNotFoundException');
    expect(none.message).toBe('No Provisioned Concurrency Config found for this function');
    expect(none.$metadata?.httpStatusCode).toBe(404);
    const noVersion = await errorOf(
      lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '10' })),
    );
    expect(noVersion.name).toBe('ResourceNotFoundException');
    expect(noVersion.message).toBe(`Function not found: ${FN}:prov:10`);
    const noAlias = await errorOf(
      lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: 'nope',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
    );
    expect(noAlias.name).toBe('ResourceNotFoundException');
    expect(noAlias.message).toBe(`Cannot find alias arn: ${FN}:prov:nope`);
    const zero = await errorOf(
      lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: '1',
          ProvisionedConcurrentExecutions: 0,
        }),
      ),
    );
    expect(zero.name).toBe('ValidationException');
    expect(zero.message).toBe(
      "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );

    const put = await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'prov',
        Qualifier: '1',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    expect(put.$metadata.httpStatusCode).toBe(202);
    expect(put).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 1,
      AllocatedProvisionedConcurrentExecutions: 0,
      Status: 'IN_PROGRESS',
    });
    const got = await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '1' }));
    expect(got).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 1,
      AvailableProvisionedConcurrentExecutions: 1,
      AllocatedProvisionedConcurrentExecutions: 1,
      Status: 'READY',
    });
    expect(got.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+0000$/);
    // An alias on an already provisioned version is refused.
    const viaAlias = await errorOf(
      lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: 'live',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
    );
    expect(viaAlias.name).toBe('ResourceConflictException');
    expect(viaAlias.message).toBe(
      "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    );
    const list = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'prov' }));
    expect(list.ProvisionedConcurrencyConfigs).toEqual([
      expect.objectContaining({
        FunctionArn: `${FN}:prov:1`,
        RequestedProvisionedConcurrentExecutions: 1,
        Status: 'READY',
      }),
    ]);
    const del = await lambda.send(
      new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '1' }),
    );
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(
      (await errorOf(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '1' }))))
        .name,
    ).toBe('ProvisionedConcurrencyConfigNotFoundException');
    // Deleting again is fine.
    expect(
      (await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: '1' })))
        .$metadata.httpStatusCode,
    ).toBe(204);

    const alias = await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'prov',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 2,
      }),
    );
    expect(alias).toMatchObject({ RequestedProvisionedConcurrentExecutions: 2, Status: 'IN_PROGRESS' });
    expect(
      await lambda.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: `${FN}:prov:live`, Qualifier: 'live' }),
      ),
    ).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 2,
      Status: 'READY',
    });
    const version = await errorOf(
      lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: '1',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
    );
    expect(version.name).toBe('ResourceConflictException');
    expect(version.message).toBe('Version is pointed by a Provisioned Concurrency alias');
    expect(
      (
        await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'prov' }))
      ).ProvisionedConcurrencyConfigs!.map((c) => c.FunctionArn),
    ).toEqual([`${FN}:prov:live`]);
    await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: 'live' }));
    expect(
      (await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'prov' })))
        .ProvisionedConcurrencyConfigs,
    ).toEqual([]);
  });

  it('reserved concurrency shows in GetFunction and lowers UnreservedConcurrentExecutions', async () => {
    await createNodeFunction(lambda, 'reserved', CODE);
    const before = (await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit!;
    expect(before.ConcurrentExecutions).toBe(1000);
    expect(before.UnreservedConcurrentExecutions).toBe(1000);
    expect(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    const put = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 150 }),
    );
    expect(put.ReservedConcurrentExecutions).toBe(150);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
    ).toBe(150);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'reserved' }))).Concurrency).toEqual({
      ReservedConcurrentExecutions: 150,
    });
    expect((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit!.UnreservedConcurrentExecutions).toBe(
      850,
    );
    const tooMuch = await errorOf(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'eic', ReservedConcurrentExecutions: 751 })),
    );
    expect(tooMuch.name).toBe('InvalidParameterValueException');
    expect(tooMuch.message).toBe(
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    );
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'eic', ReservedConcurrentExecutions: 750 }));
    expect((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit!.UnreservedConcurrentExecutions).toBe(
      100,
    );
    const del = await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'reserved' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'eic' }));
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'reserved' }))).Concurrency).toBeUndefined();
    expect((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit!.UnreservedConcurrentExecutions).toBe(
      1000,
    );
    const missing = await errorOf(lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe(`Function not found: ${FN}:nope`);
  });
});
