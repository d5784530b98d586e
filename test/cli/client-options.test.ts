import { describe, expect, it } from 'vitest';
import { clientOptions } from '../../src/cli/aws-client.js';

describe('CLI client options: one precedence for every command', () => {
  it('flags win over the environment', () => {
    const o = clientOptions(
      { endpoint: 'http://flag:1', region: 'eu-west-1' },
      { OVERCAST_ENDPOINT: 'http://env:2', AWS_REGION: 'us-west-2' },
    );
    expect(o).toMatchObject({ endpoint: 'http://flag:1', region: 'eu-west-1' });
  });

  it('OVERCAST_ENDPOINT, then AWS_ENDPOINT_URL, then OVERCAST_PORT on 127.0.0.1', () => {
    expect(clientOptions({}, { OVERCAST_ENDPOINT: 'http://a:1', AWS_ENDPOINT_URL: 'http://b:2' }).endpoint).toBe(
      'http://a:1',
    );
    expect(clientOptions({}, { AWS_ENDPOINT_URL: 'http://b:2', OVERCAST_PORT: '5000' }).endpoint).toBe('http://b:2');
    expect(clientOptions({}, { OVERCAST_PORT: '5000' }).endpoint).toBe('http://127.0.0.1:5000');
    expect(clientOptions({}, {}).endpoint).toBe('http://127.0.0.1:4566');
  });

  it('AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1; credentials from the environment', () => {
    expect(clientOptions({}, { AWS_REGION: 'a', AWS_DEFAULT_REGION: 'b' }).region).toBe('a');
    expect(clientOptions({}, { AWS_DEFAULT_REGION: 'b' }).region).toBe('b');
    const o = clientOptions({}, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(o).toMatchObject({ region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'secret' });
  });
});
