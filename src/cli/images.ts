import type { Command } from 'commander';
import { buildImage } from './images-build.js';
import { importImage } from './images-import.js';

/** `overcast images import|build`: put images into Overcast's registry without Docker. */
export function registerImages(program: Command): void {
  const images = program.command('images').description('put container images into the registry (no Docker needed)');
  images
    .command('import <source> <image>')
    .description('push an OCI image layout directory or a docker-archive tar (docker save) as <repo:tag>')
    .option('--ref <name>', 'which image of a multi-image OCI layout (org.opencontainers.image.ref.name)')
    .option('--endpoint <url>', 'Overcast endpoint (env OVERCAST_ENDPOINT, default http://127.0.0.1:4566)')
    .option('--region <region>', 'region (env AWS_REGION, default us-east-1)')
    .option('--json', 'print the result as JSON')
    .action(async (source: string, image: string, flags: Record<string, string | boolean>) => {
      await importImage(source, image, flags);
    });
  images
    .command('build <context>')
    .description(
      'build from a Dockerfile using FROM <image Overcast holds>, COPY, ENV, WORKDIR, CMD, ENTRYPOINT, EXPOSE, USER (no RUN)',
    )
    .requiredOption('-t, --tag <image>', 'name of the result, <repo:tag>')
    .option('-f, --file <path>', 'Dockerfile path relative to the context (default Dockerfile)')
    .option('--platform <os/arch>', 'platform to pick from a multi-platform base (default linux/amd64)')
    .option('--endpoint <url>', 'Overcast endpoint (env OVERCAST_ENDPOINT, default http://127.0.0.1:4566)')
    .option('--region <region>', 'region (env AWS_REGION, default us-east-1)')
    .option('--json', 'print the result as JSON')
    .action(async (context: string, flags: Record<string, string | boolean>) => {
      await buildImage(context, flags);
    });
}
