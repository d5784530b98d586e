/**
 * Runs container-image functions (PackageType Image) with runc: the function's image, pinned to the
 * digest resolved at deployment, is read from Overcast's registry and unpacked once; every
 * environment gets an overlay root over it, its own network namespace on a bridge Overcast creates,
 * a cgroup memory limit of MemorySize, and a Runtime API listener reached through the bridge
 * gateway (see runc-environment.ts). Needs Linux, root, runc and iproute2.
 *
 * `PackageTypeProvider` puts it beside the process provider: image specs go to runc, zips to processes.
 */
import { join } from 'node:path';
import { systemClock, type Clock } from '../../../core/clock.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { ContainerHost } from '../../../runtimes/host.js';
import type { ImagePort } from '../../ecr/port.js';
import { lambdaErrors } from '../errors.js';
import { RuncEnvironment } from './runc-environment.js';
import type { FunctionImage } from './runc-image.js';
import { parseImageUri } from './runc-image.js';
import type { EnvironmentProvider, EnvironmentSpec, ExecutionEnvironment, LogSink } from './types.js';
import { LiveEnvironments } from './live-set.js';

/** The EnvironmentSpec of a container-image function: the usual spec plus its image. */
export interface ImageEnvironmentSpec extends EnvironmentSpec {
  image: FunctionImage;
}

export function isImageSpec(spec: EnvironmentSpec): spec is ImageEnvironmentSpec {
  return typeof (spec as Partial<ImageEnvironmentSpec>).image?.imageUri === 'string';
}

export interface RuncProviderOptions {
  images: ImagePort;
  /** Where the image cache, runc state and environment directories go. */
  dir: string;
  /** Overcast's port (containers reach it at the bridge gateway). */
  serverPort: () => number;
  clock?: Clock;
  log?: Logger;
  /** Init must finish within this (AWS: 10 s). */
  initTimeoutMs?: number;
}

export class RuncEnvironmentProvider implements EnvironmentProvider {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly envs = new LiveEnvironments<RuncEnvironment>();
  private host: ContainerHost | undefined;
  private closed = false;
  private next = 0;
  private swept: Promise<void> | undefined;

  constructor(private readonly options: RuncProviderOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
  }

  /** Why image functions cannot run here (with the install hint), or undefined. */
  get unavailable(): string | undefined {
    return this.ensureHost().unavailable;
  }

  /** Any runtime: what runs is the image's entrypoint. */
  supports(): boolean {
    return this.unavailable === undefined;
  }

  async create(spec: EnvironmentSpec, logs: LogSink): Promise<ExecutionEnvironment> {
    if (this.closed) throw new Error('lambda: environment provider is closed');
    if (!isImageSpec(spec)) throw new Error('lambda: the runc provider runs container-image functions only');
    const host = this.ensureHost();
    if (host.unavailable) {
      throw lambdaErrors.service(
        `Overcast cannot run container image functions on this host: ${host.unavailable} ` +
          '(as root: apt-get install -y runc iproute2)',
      );
    }
    // Containers a previous Overcast process left behind (its `runc run` parents are gone).
    this.swept ??= (async () => {
      for (const c of await host.runc!.list()) await host.runc!.delete(c.id);
    })();
    await this.swept;
    const loc = parseImageUri(spec.image.imageUri, spec.account, spec.region);
    const resolved = loc
      ? await this.options.images.resolve(loc.account, loc.region, loc.repo, spec.image.resolvedDigest)
      : undefined;
    if (!loc || !resolved?.ok) {
      throw lambdaErrors.service(
        `Source image ${spec.image.imageUri} does not exist. Provide a valid source image.` +
          (resolved && !resolved.ok ? ` (${resolved.message})` : ''),
      );
    }
    const lower = await host.images.ensure(resolved.digest, resolved.layers, (d) => this.options.images.blobPath(d));
    const bridge = await host.bridge();
    const env: RuncEnvironment = new RuncEnvironment(spec, logs, {
      clock: this.clock,
      log: this.log,
      host,
      bridge,
      lower,
      img: resolved.config,
      imageConfig: spec.image.imageConfig,
      dir: join(host.dir, 'envs', `${process.pid.toString(36)}-${(++this.next).toString(36)}`),
      serverPort: this.options.serverPort(),
      initTimeoutMs: this.options.initTimeoutMs ?? 10_000,
      onDestroyed: () => this.envs.forget(env),
    });
    return this.envs.start(env);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.envs.destroyAll();
    await this.host?.close();
  }

  private ensureHost(): ContainerHost {
    this.host ??= new ContainerHost(this.options.dir, this.options.serverPort);
    return this.host;
  }
}

/** Container-image specs to the runc provider, everything else to the zip (process) provider. */
export class PackageTypeProvider implements EnvironmentProvider {
  constructor(
    readonly zip: EnvironmentProvider,
    readonly image: EnvironmentProvider,
  ) {}

  supports(runtime: string): boolean {
    return this.zip.supports(runtime);
  }

  create(spec: EnvironmentSpec, logs: LogSink): Promise<ExecutionEnvironment> {
    return isImageSpec(spec) ? this.image.create(spec, logs) : this.zip.create(spec, logs);
  }

  async close(): Promise<void> {
    await Promise.all([this.zip.close(), this.image.close()]);
  }
}
