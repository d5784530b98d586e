/**
 * NODE_EXTRA_CA_CERTS, applied when TLS is first used rather than at process start.
 *
 * Node 20 reads the file named by NODE_EXTRA_CA_CERTS, and parses its own bundled root
 * certificates with it, before any JavaScript runs (~50 ms with Debian's 140-certificate bundle on
 * the VM of docs/benchmarks.md), although `overcast start` may never open a TLS connection. So the
 * launcher (bin/overcast.js) starts node with the variable empty and its value in
 * OVERCAST_EXTRA_CA_CERTS, and the CLI calls `adoptExtraCaCerts` first thing: the variable goes
 * back into process.env, so the processes Overcast starts see what the caller set. Then, before
 * anything opens a TLS connection, `trustAdoptedCaCerts` (every command at once; `overcast start`
 * once its server listens, before the services it constructs after that: loading node:tls is
 * ~5 ms of a start) makes `tls.createSecureContext` (which https, fetch and ws all reach through
 * `tls.connect`) trust Node's root certificates plus the file's, as NODE_EXTRA_CA_CERTS makes it
 * do, unless the caller passes its own `ca` (which, as in Node, replaces the defaults). The file
 * is read on first use, and a context made from no other options is made once and shared.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';

/** The environment variable the launcher hands NODE_EXTRA_CA_CERTS's value over in. */
export const HANDOVER_VARIABLE = 'OVERCAST_EXTRA_CA_CERTS';

/**
 * `tls.createSecureContext` options that shape the context itself. A context asked for with none
 * of them (a plain client connection) is the same every time; tls.connect also passes connection
 * options (host, port, servername, ALPN…) that the context does not read.
 */
const CONTEXT_OPTIONS = [
  'ca',
  'cert',
  'ciphers',
  'clientCertEngine',
  'crl',
  'dhparam',
  'ecdhCurve',
  'honorCipherOrder',
  'key',
  'maxVersion',
  'minVersion',
  'passphrase',
  'pfx',
  'privateKeyEngine',
  'privateKeyIdentifier',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
  'sessionTimeout',
  'sigalgs',
  'ticketKeys',
] as const;

/** The file adoptExtraCaCerts took over, until trustAdoptedCaCerts applies it. */
let adopted: string | undefined;

/**
 * Takes over the launcher's hand-over, if any (see above): the variable goes back into `env`, and
 * its file waits for `trustAdoptedCaCerts`. Idempotent.
 */
export function adoptExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[HANDOVER_VARIABLE];
  if (file === undefined) return;
  delete env[HANDOVER_VARIABLE];
  if (!file) {
    // The caller had none: leave none (the launcher set it empty).
    delete env['NODE_EXTRA_CA_CERTS'];
    return;
  }
  env['NODE_EXTRA_CA_CERTS'] = file;
  adopted = file;
}

/** TLS contexts trust the file adoptExtraCaCerts took over, if any (once; idempotent). */
export function trustAdoptedCaCerts(): void {
  if (adopted === undefined) return;
  const file = adopted;
  adopted = undefined;
  trustExtraCaCerts(file);
}

/** Makes every TLS context made without a `ca` of its own trust Node's roots plus `file`'s. */
export function trustExtraCaCerts(file: string): void {
  // Loaded here, not at start-up (see above).
  const tls = createRequire(import.meta.url)('node:tls') as typeof Tls;
  const original = tls.createSecureContext;
  let ca: string[] | undefined;
  let shared: Tls.SecureContext | undefined;
  const withExtra = (): string[] => {
    if (!ca) {
      let extra: string[] = [];
      try {
        extra = pemCertificates(readFileSync(file, 'latin1'));
      } catch (err) {
        // Node warns and goes on without them; so do we.
        process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(err as Error).message}`);
      }
      ca = [...tls.rootCertificates, ...extra];
    }
    return ca;
  };
  tls.createSecureContext = function createSecureContext(options?: Tls.SecureContextOptions): Tls.SecureContext {
    const given = options as Record<string, unknown> | undefined;
    if (given?.['ca'] !== undefined) return original(options);
    if (!given || CONTEXT_OPTIONS.every((k) => given[k] === undefined)) {
      shared ??= original({ ca: withExtra() });
      return shared;
    }
    return original({ ...options, ca: withExtra() });
  };
}

/** The PEM certificate blocks of a file (what NODE_EXTRA_CA_CERTS reads); other text is ignored. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
