import { Command } from 'commander';
import { VERSION } from '../version.js';
import { registerCommands } from './commands.js';
import type { StartFlags } from './start.js';
import { adoptExtraCaCerts, trustAdoptedCaCerts } from '../core/tls/extra-ca-certs.js';

// Before anything can start a process (bin/overcast.js hands it over); TLS contexts trust its file
// before any command runs, but `start`, which does so once its server listens.
adoptExtraCaCerts();

const program = new Command();
program.name('overcast').description('A self-hostable cloud speaking the real AWS APIs').version(VERSION);
program.hook('preAction', (_program, command) => {
  if (command.name() !== 'start') trustAdoptedCaCerts();
});

program
  .command('start')
  .description('run Overcast on one port until Ctrl-C')
  .option('-p, --port <port>', 'port to listen on (env OVERCAST_PORT)', undefined)
  .option('--host <host>', 'address to bind (default 127.0.0.1)')
  .option('--data-dir <dir>', 'where state persists (default ./.overcast)')
  .option('--ephemeral', 'keep everything in memory')
  .option('--auth <mode>', 'accept (any well-formed signature) or enforce (verify SigV4)')
  .option('--config <file>', 'JSON config file (credentials, options)')
  .option('--log-level <level>', 'debug, info, warn, error or silent')
  .option('--sample', 'create the sample table and function')
  .option(
    '--registry-port <port>',
    'also serve the image registry at the root of this port (env OVERCAST_REGISTRY_PORT)',
  )
  .option(
    '--dynamodb-throttle <on|off>',
    'enforce provisioned DynamoDB capacity (default on; env OVERCAST_DYNAMODB_THROTTLE)',
  )
  .option('--json', 'print the ready line as JSON')
  // Loaded on demand: the server (every service) is most of the bundle, and the developer commands
  // (deploy, dev, invoke, …) start faster without evaluating it.
  .action(async (flags: StartFlags) => (await import('./start.js')).start(flags));

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  let hint = '';
  if (/EADDRINUSE/.test(message))
    hint = '\nhint: another process uses that port; pick another with --port or OVERCAST_PORT';
  if (/invalid configuration/.test(message)) hint = '\nhint: see `overcast start --help` for options';
  process.stderr.write(`overcast: ${message}${hint}\n`);
  process.exit(1);
});
