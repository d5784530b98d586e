import type { Command } from 'commander';
import type { DeployFlags } from './deploy.js';
import { SAMPLE_EVENTS, sampleEvent } from './events-samples.js';
import type { ExecFlags } from './exec.js';
import type { DeployFlags as FunctionDeployFlags } from './functions.js';
import { fail } from './output/cli-error.js';
import type { TranslateFlags } from './sam.js';

// The developer commands. Each loads its implementation when it runs: `overcast start` (and every
// other command) starts without evaluating the others' modules and what they import (the SAM
// transform, zip and tar, the AWS client): ~30 ms of a start (docs/benchmarks.md, DynamoDB, stop 23).

const collect = (value: string, previous: string[] = []) => [...previous, value];

const client = (c: Command): Command =>
  c
    .option('--endpoint <url>', 'Overcast endpoint (env OVERCAST_ENDPOINT, default http://127.0.0.1:4566)')
    .option('--region <region>', 'region (env AWS_REGION, default us-east-1)');

/** `overcast functions deploy`, `invoke`, `logs`. */
function registerFunctions(program: Command): void {
  const common = (c: Command) => client(c).option('--json', 'print the result as JSON');
  const functions = program.command('functions').description('deploy Lambda functions from a local directory');
  common(
    functions
      .command('deploy <dir>')
      .description('zip <dir> and create the function, or update its code and configuration')
      .requiredOption('-n, --name <name>', 'function name')
      .option('-r, --runtime <runtime>', 'nodejs20.x, python3.12, provided.al2023, ...', 'nodejs20.x')
      .option('-H, --handler <handler>', 'file.export (node), module.function (python)', 'index.handler')
      .option('--memory <mb>', 'memory size in MB')
      .option('--timeout <seconds>', 'timeout in seconds')
      .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
      .option('--role <arn>', 'execution role ARN (stored)')
      .option('--url', 'also create a function URL (AuthType NONE) and print it'),
  ).action(async (dir: string, flags: FunctionDeployFlags) =>
    (await import('./functions.js')).deployFunction(dir, flags),
  );
  common(
    program
      .command('invoke <function>')
      .description('invoke a function synchronously; the log tail goes to stderr')
      .option('-p, --payload <json>', 'event JSON', '{}')
      .option('-e, --event <file|->', 'read the event JSON from a file or stdin (see `overcast events`)')
      .option('-q, --qualifier <version|alias>', 'version or alias'),
  ).action(async (...args: Parameters<typeof import('./functions.js').invokeFunction>) =>
    (await import('./functions.js')).invokeFunction(...args),
  );
  common(
    program
      .command('logs <function>')
      .description(
        "print a function's logs (/aws/lambda/<function>), or a log group given as /<group> (e.g. an ECS awslogs group)",
      )
      .option('-f, --follow', 'keep printing new events')
      .option('--since <seconds>', 'how far back to start', '600'),
  ).action(async (...args: Parameters<typeof import('./functions.js').functionLogs>) =>
    (await import('./functions.js')).functionLogs(...args),
  );
}

/** `overcast images import|build`: put images into Overcast's registry without Docker. */
function registerImages(program: Command): void {
  const images = program.command('images').description('put container images into the registry (no Docker needed)');
  client(
    images
      .command('import <source> <image>')
      .description('push an OCI image layout directory or a docker-archive tar (docker save) as <repo:tag>')
      .option('--ref <name>', 'which image of a multi-image OCI layout (org.opencontainers.image.ref.name)'),
  )
    .option('--json', 'print the result as JSON')
    .action(async (source: string, image: string, flags: Record<string, string | boolean>) => {
      await (await import('./images-import.js')).importImage(source, image, flags);
    });
  client(
    images
      .command('build <context>')
      .description(
        'build from a Dockerfile using FROM <image Overcast holds>, COPY, ENV, WORKDIR, CMD, ENTRYPOINT, EXPOSE, USER (no RUN)',
      )
      .requiredOption('-t, --tag <image>', 'name of the result, <repo:tag>')
      .option('-f, --file <path>', 'Dockerfile path relative to the context (default Dockerfile)')
      .option('--platform <os/arch>', 'platform to pick from a multi-platform base (default linux/amd64)'),
  )
    .option('--json', 'print the result as JSON')
    .action(async (context: string, flags: Record<string, string | boolean>) => {
      await (await import('./images-build.js')).buildImage(context, flags);
    });
}

/** `overcast sam translate`. */
function registerSam(program: Command): void {
  const sam = program.command('sam').description('SAM tools');
  sam
    .command('translate [template]')
    .description('print the CloudFormation JSON the SAM transform produces (default template.yaml)')
    .option('--parameter-overrides <Key=Value...>', 'template parameter values')
    .option('--region <region>', 'region for AWS::Region (default AWS_REGION or us-east-1)')
    .option('--stack-name <name>', 'stack name')
    .option('--managed-policy-map <file>', 'JSON map of managed policy names to ARNs (overrides the bundled list)')
    .option('--normalise', 'print the canonical form used for comparisons (sorted lists, hashed ids normalised)')
    .option('--json', 'compact JSON')
    .action(async (template: string | undefined, flags: TranslateFlags) =>
      (await import('./sam.js')).translateCommand(template, flags),
    );
}

/** `overcast deploy`, `dev`, `destroy`, `status`, `validate`, `events`. */
function registerDeploy(program: Command): void {
  const common = (c: Command): Command =>
    c
      .option('-t, --template <file>', 'template file (default template.yaml)')
      .option('-s, --stack-name <name>', 'stack name (default: samconfig.toml stack_name or the folder name)')
      .option('--parameter-overrides <Key=Value...>', 'template parameter values')
      .option('--config-env <env>', 'samconfig.toml environment', 'default')
      .option('--endpoint <url>', 'Overcast endpoint (env OVERCAST_ENDPOINT)')
      .option('--region <region>', 'region (env AWS_REGION)')
      .option('--json', 'machine-readable output');
  type Deploy = typeof import('./deploy.js');
  const run =
    (fn: (m: Deploy, flags: DeployFlags) => Promise<void>) =>
    async (flags: DeployFlags): Promise<void> => {
      try {
        await fn(await import('./deploy.js'), flags);
      } catch (e) {
        fail(e, flags.json);
      }
    };
  common(
    program.command('deploy').description('package the code and deploy the template as a CloudFormation stack'),
  ).action(run(async (m, flags) => m.printResult(await m.deploy(flags), flags.json)));
  common(
    program.command('dev').description('deploy, watch code and template, redeploy what changed, stream logs'),
  ).action(run((m, flags) => m.dev(flags)));
  common(program.command('destroy').description('delete the stack')).action(run((m, flags) => m.destroy(flags)));
  common(
    program
      .command('status')
      .description('stacks (resources, URLs), ECS clusters, services (load balancer) and running tasks (ports)'),
  ).action(run((m, flags) => m.status(flags)));
  common(
    program.command('validate').description('validate the template (transform included) with ValidateTemplate'),
  ).action(run((m, flags) => m.validate(flags)));
  program
    .command('events [type]')
    .description(`print a sample event (${Object.keys(SAMPLE_EVENTS).join(', ')})`)
    .option('--json', 'compact JSON')
    .action((type: string | undefined, flags: { json?: boolean }) => {
      try {
        if (!type) {
          process.stdout.write(Object.keys(SAMPLE_EVENTS).join('\n') + '\n');
          return;
        }
        process.stdout.write(JSON.stringify(sampleEvent(type), null, flags.json ? 0 : 2) + '\n');
      } catch (e) {
        fail(e, flags.json);
      }
    });
}

/** `overcast exec`. */
function registerExec(program: Command): void {
  client(
    program
      .command('exec <task> [command...]')
      .description('run a command (default /bin/sh) in a running ECS task container: overcast exec <task> -- cmd args')
      .option('-c, --cluster <cluster>', 'the cluster (default: the one in the task ARN, else every cluster)')
      .option('--container <name>', 'the container (needed when the task has several)')
      .option('--no-interactive', 'plain pipes even when stdin is a terminal')
      .option('--data-dir <dir>', "the server's data directory, if runc's state is not found (default ./.overcast)"),
  ).action(async (task: string, command: string[], flags: ExecFlags) => {
    try {
      process.exitCode = await (await import('./exec.js')).execInTask(task, command, flags);
    } catch (e) {
      fail(e);
    }
  });
}

/** Every command but `start` (index.ts). */
export function registerCommands(program: Command): void {
  registerImages(program);
  registerFunctions(program);
  registerSam(program);
  registerDeploy(program);
  registerExec(program);
}
