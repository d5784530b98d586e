import { describe, expect, it } from 'vitest';
import { compileFilterPattern } from '../../src/services/logs/filter/pattern.js';

const matching = (pattern: string, messages: string[]) => messages.filter(compileFilterPattern(pattern));

describe('CloudWatch Logs filter patterns', () => {
  it('matches everything when empty', () => {
    expect(matching('', ['a', ''])).toEqual(['a', '']);
    expect(matching('   ', ['a'])).toEqual(['a']);
  });

  it('matches terms (all of them, case-sensitive), quoted phrases, exclusions and ?OR terms', () => {
    const msgs = ['ERROR: disk full', 'error: lowercase', 'ERROR Exiting with code 1', 'WARN slow', 'INFO ok'];
    expect(matching('ERROR', msgs)).toEqual(['ERROR: disk full', 'ERROR Exiting with code 1']);
    expect(matching('ERROR disk', msgs)).toEqual(['ERROR: disk full']);
    expect(matching('"with code"', msgs)).toEqual(['ERROR Exiting with code 1']);
    expect(matching('ERROR -Exiting', msgs)).toEqual(['ERROR: disk full']);
    expect(matching('?WARN ?INFO', msgs)).toEqual(['WARN slow', 'INFO ok']);
    expect(matching('"ERROR:"', msgs)).toEqual(['ERROR: disk full']);
    expect(matching('%[0-9]$%', msgs)).toEqual(['ERROR Exiting with code 1']);
  });

  it('matches JSON patterns with comparisons, wildcards, && / || and parentheses', () => {
    const msgs = [
      '{"level":"ERROR","status":500,"user":{"name":"ann"},"tags":["a","b"]}',
      '{"level":"WARN","status":429,"user":{"name":"bob"},"ok":true}',
      '{"level":"INFO","status":200,"user":null}',
      'not json ERROR',
    ];
    const names = (p: string) =>
      matching(p, msgs).map((m) => (m.startsWith('{') ? (JSON.parse(m) as { level: string }).level : m));
    expect(names('{ $.level = "ERROR" }')).toEqual(['ERROR']);
    expect(names('{ $.level = ERROR }')).toEqual(['ERROR']);
    expect(names('{ $.level != "ERROR" }')).toEqual(['WARN', 'INFO']);
    expect(names('{ $.status >= 400 }')).toEqual(['ERROR', 'WARN']);
    expect(names('{ $.status < 300 }')).toEqual(['INFO']);
    expect(names('{ $.status > 400 && $.status <= 429 }')).toEqual(['WARN']);
    expect(names('{ $.status = 200 || $.level = "ERR*" }')).toEqual(['ERROR', 'INFO']);
    expect(names('{ ($.status = 200 || $.status = 500) && $.user.name = "ann" }')).toEqual(['ERROR']);
    expect(names('{ $.user.name = "*o*" }')).toEqual(['WARN']);
    expect(names('{ $.tags[1] = "b" }')).toEqual(['ERROR']);
    expect(names('{ $.tags[*] = "a" }')).toEqual(['ERROR']);
    expect(names('{ $.user IS NULL }')).toEqual(['INFO']);
    expect(names('{ $.ok IS TRUE }')).toEqual(['WARN']);
    expect(names('{ $.ok NOT EXISTS }')).toEqual(['ERROR', 'INFO']);
    expect(names('{ $.level = %^(WARN|INFO)$% }')).toEqual(['WARN', 'INFO']);
    expect(names('{ $.missing = "x" }')).toEqual([]);
  });

  it('matches space-delimited patterns with named fields, ellipsis and conditions', () => {
    const msgs = [
      '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
      '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
      '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
      'too short',
    ];
    expect(matching('[ip, id, user, timestamp, request, status_code, bytes]', msgs)).toHaveLength(3);
    expect(matching('[ip, id, user, timestamp, request, status_code = 4*, bytes]', msgs)).toEqual([msgs[2]]);
    expect(matching('[..., status_code = 500, bytes]', msgs)).toEqual([msgs[1]]);
    expect(matching('[..., bytes > 2000]', msgs)).toEqual([msgs[1], msgs[2]]);
    expect(matching('[ip, ..., status = 200 || status = 404, bytes]', msgs)).toEqual([msgs[0], msgs[2]]);
    expect(matching('[ip, id, user, timestamp, request = "*gif*", ...]', msgs)).toHaveLength(3);
    expect(matching('[a, b]', msgs)).toEqual(['too short']);
  });

  it('refuses malformed patterns with InvalidParameterException', () => {
    for (const p of ['{ $.a = }', '{ $.a = "x"', '{ a = 1 }', '[a, , b]', '"unterminated', '{ $.a > "x" }']) {
      let error: unknown;
      try {
        compileFilterPattern(p)('{"a":"x"}');
      } catch (err) {
        error = err;
      }
      expect((error as { code?: string } | undefined)?.code, p).toBe('InvalidParameterException');
    }
  });
});
