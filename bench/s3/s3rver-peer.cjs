// Starts s3rver (npm) on a free port with its files under argv[2]; prints {"endpoint": …} when ready.
const S3rver = require('s3rver');

const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[2] });
server.run().then(({ address, port }) => {
  process.stdout.write(JSON.stringify({ endpoint: `http://${address}:${port}` }) + '\n');
});
