/**
 * NODE_EXTRA_CA_CERTS, applied when TLS is first used rather than at process start.
 *
 * Node 20 reads the file named by NODE_EXTRA_CA_CERTS, and parses its own bundled root
 * certificates with it, before any JavaScript runs (~50 ms with Debian's 140-certificate bundle on
 * the VM of docs/benchmarks.md), although `overcast start` may never open a TLS connection. So the
 * launcher (bin/overcast.js) starts node with the variable empty and its value in
 * OVERCAST_EXTRA_CA_CERTS, and the CLI calls `adoptExtraCaCerts` first thing:
 * - the variable goes back into process.env, so the processes Overcast starts see what the caller
 *   set;
 * - `tls.createSecureContext` (which https, fetch and ws all reach through `tls.connect`) trusts
 *   Node's root certificates plus the file's, as NODE_EXTRA_CA_CERTS makes it do, unless the
 *   caller passes its own `ca` (which, as in Node, replaces the defaults). The file is read on
 *   first use, and a context made from no other options is made once and shared.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

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

/** Takes over the launcher's hand-over, if any (see above). Idempotent. */
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
  trustExtraCaCerts(file);
}

/** Makes every TLS context made without a `ca` of its own trust Node's roots plus `file`'s. */
export function trustExtraCaCerts(file: string): void {
  const original = tls.createSecureContext;
  let ca: string[] | undefined;
  let shared: tls.SecureContext | undefined;
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
  tls.createSecureContext = function createSecureContext(options?: tls.SecureContextOptions): tls.SecureContext {
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
