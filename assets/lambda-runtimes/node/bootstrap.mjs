// Overcast's Node.js runtime client: runs inside the function's process and speaks the Lambda
// Runtime API 2018-06-01 (AWS_LAMBDA_RUNTIME_API). It follows the behaviour of AWS's Node runtime
// interface client (aws-lambda-ric 3.x, the nodejs18.x-22.x runtimes): handler resolution, console
// format, error documents, callback and async handlers, callbackWaitsForEmptyEventLoop, uncaught
// exceptions and unhandled rejections. Plain ESM, built-in modules only: it must start fast.
import http from 'node:http';
import net from 'node:net';
import { format } from 'node:util';
import path from 'node:path';
import { existsSync, readFileSync, readSync, writeSync, writevSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const env = process.env;
const [apiHost, apiPort] = (env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001').split(':');
const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerString = env._HANDLER ?? '';
const runtimeDir = env.LAMBDA_RUNTIME_DIR ?? path.dirname(new URL(import.meta.url).pathname);
// Resolution (and "Require stack" messages) as from the runtime's own index.mjs, as on AWS.
const cjsRequire = createRequire(path.join(runtimeDir, 'index.mjs'));
const nodeMajor = Number((env.AWS_EXECUTION_ENV ?? '').match(/nodejs(\d+)/)?.[1] ?? '20');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
// Overcast's framed channel (src/services/lambda/runtime-api/ipc.ts) on this fd, when it gave one;
// not for the function's eyes.
const channelFd = Number(env._OVERCAST_RUNTIME_FD);
delete env._OVERCAST_RUNTIME_FD;

// ---------------------------------------------------------------------------------------------
// Custom resources: AWS's Node.js cfn-response module, and the copies of it packaged with functions,
// PUT the answer to ResponseURL with https.request on port 443. Overcast's ResponseURL is plain HTTP
// on its own port, so an https request for a custom-resource response path goes there instead.
// Nothing else the function sends over https is touched. Installed when the first custom-resource
// event arrives (not at start: loading node:https costs every cold start ~6 ms); ES modules' named
// imports follow through syncBuiltinESMExports.

const CUSTOM_RESOURCE_PATH = '/_overcast/cloudformation/custom-resource/';
let customResourceRedirect = false;

function redirectCustomResourceResponses() {
  if (customResourceRedirect) return;
  customResourceRedirect = true;
  let endpoint;
  try {
    endpoint = new URL(env.AWS_ENDPOINT_URL ?? '');
  } catch {
    return;
  }
  if (endpoint.protocol !== 'http:') return;
  const https = cjsRequire('node:https');
  const viaHttp = (send, sendHttp) =>
    function (...args) {
      const [first, second] = args;
      const fromUrl = typeof first === 'string' || first instanceof URL ? new URL(first) : undefined;
      const options = fromUrl ? (typeof second === 'object' && second !== null ? second : {}) : first;
      const requestPath = fromUrl ? fromUrl.pathname + fromUrl.search : String(options?.path ?? '');
      if (!requestPath.startsWith(CUSTOM_RESOURCE_PATH)) return send.apply(this, args);
      const callback = args.find((a) => typeof a === 'function');
      const { agent: _agent, host: _host, ...rest } = options ?? {};
      const target = { ...rest, protocol: 'http:', hostname: endpoint.hostname, port: endpoint.port || 80, path: requestPath };
      return sendHttp(target, callback);
    };
  https.request = viaHttp(https.request, http.request);
  https.get = viaHttp(https.get, http.get);
  syncBuiltinESMExports();
}

// ---------------------------------------------------------------------------------------------
// Errors (Runtime.* classes as the RIC names them)

function runtimeError(name, message, stackFrom) {
  const e = new Error(message);
  e.name = `Runtime.${name}`;
  if (stackFrom?.stack) e.stack = stackFrom.stack;
  else e.stack = `${e.name}: ${message}\n` + (e.stack ?? '').split('\n').slice(1).join('\n');
  return e;
}

function isError(x) {
  return x instanceof Error || (x !== null && typeof x === 'object' && typeof x.message === 'string' && typeof x.name === 'string');
}

/** The document posted to the Runtime API: {errorType, errorMessage, trace}. */
function toRapidResponse(error) {
  try {
    if (isError(error)) {
      return {
        errorType: String(error.name).replaceAll('\x7F', '%7F'),
        errorMessage: String(error.message).replaceAll('\x7F', '%7F'),
        trace: String(error.stack ?? '').replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** The error as the RIC logs it: a tab, then JSON with errorType, errorMessage, stack[] and own fields. */
function toFormatted(error) {
  const replacer = (_k, v) => {
    if (isError(v)) {
      const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
      if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
      return out;
    }
    return v;
  };
  try {
    return '\t' + JSON.stringify(error, replacer);
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ---------------------------------------------------------------------------------------------
// Logging: console.* → "<ISO time>\t<request id>\t<LEVEL>\t<message>", one line per record

let currentRequestId;
const jsonLogs = env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const minLevel = jsonLogs ? (LEVELS[(env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? 1) : 1;
const stdoutWrite = process.stdout.write.bind(process.stdout);

function logRecord(level, args) {
  if (LEVELS[level] < minLevel) return;
  const timestamp = new Date().toISOString();
  let line;
  if (jsonLogs) {
    const rec = { timestamp, level, requestId: currentRequestId ?? '' };
    rec.message = args.length === 1 && typeof args[0] !== 'string' ? args[0] : format(...args);
    const err = args.find(isError);
    if (err) {
      rec.errorType = err.constructor?.name ?? 'UnknownError';
      rec.errorMessage = err.message;
      rec.stackTrace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
    }
    try {
      line = JSON.stringify(rec);
    } catch {
      rec.message = format(rec.message);
      line = JSON.stringify(rec);
    }
  } else {
    line = `${timestamp}\t${currentRequestId}\t${level}\t${format(...args)}`;
  }
  stdoutWrite(line.replace(/\n/g, '\r') + '\n');
}

console.trace = (...a) => logRecord('TRACE', a);
console.debug = (...a) => logRecord('DEBUG', a);
console.info = (...a) => logRecord('INFO', a);
console.log = console.info;
console.warn = (...a) => logRecord('WARN', a);
console.error = (...a) => logRecord('ERROR', a);
console.fatal = (...a) => logRecord('FATAL', a);

// ---------------------------------------------------------------------------------------------
// Runtime API client

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: Number(apiPort), path: `/2018-06-01/runtime/${urlPath}`, method, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One frame of the channel: u32 header length, u32 body length (big-endian), JSON header, body. */
function encodeFrame(header, body) {
  const h = Buffer.from(JSON.stringify(header));
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const frame = Buffer.allocUnsafe(8 + h.length + b.length);
  frame.writeUInt32BE(h.length, 0);
  frame.writeUInt32BE(b.length, 4);
  h.copy(frame, 8);
  b.copy(frame, 8 + h.length);
  return frame;
}

/**
 * The framed channel: u32 header length, u32 body length, JSON header, body. Posts are not
 * acknowledged; `next` is answered by an event (or by what GET /next would have refused with).
 * The socket keeps the process alive only while it waits for an event, as the HTTP long poll does.
 */
function openChannel(fd) {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  socket.unref();
  let head = Buffer.alloc(0);
  let frame;
  let need = 0;
  let chunks = [];
  let waiting;
  let closed = false;
  const complete = () => {
    const body = Buffer.concat(chunks);
    const f = frame;
    frame = undefined;
    chunks = [];
    const w = waiting;
    waiting = undefined;
    socket.unref();
    w?.resolve({ status: f.t === 'event' ? 200 : f.status, headers: f.h ?? {}, body });
  };
  socket.on('data', (data) => {
    let chunk = data;
    while (chunk.length > 0) {
      if (frame) {
        const take = Math.min(need, chunk.length);
        chunks.push(chunk.subarray(0, take));
        need -= take;
        chunk = chunk.subarray(take);
        if (need === 0) complete();
        continue;
      }
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      chunk = Buffer.alloc(0);
      if (head.length < 8) return;
      const hl = head.readUInt32BE(0);
      if (head.length < 8 + hl) return;
      frame = JSON.parse(head.toString('utf8', 8, 8 + hl));
      need = head.readUInt32BE(4);
      chunk = head.subarray(8 + hl);
      head = Buffer.alloc(0);
      if (need === 0) complete();
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    const w = waiting;
    waiting = undefined;
    w?.reject(new Error('The Runtime API channel closed'));
  });
  const gone = () => Promise.reject(new Error('The Runtime API channel closed'));
  const write = (header, body) =>
    new Promise((resolve, reject) => {
      socket.write(encodeFrame(header, body), (err) => (err ? reject(err) : resolve({ status: 202 })));
    });
  return {
    next() {
      if (closed) return gone();
      const p = new Promise((resolve, reject) => (waiting = { resolve, reject }));
      socket.ref();
      write({ t: 'next' }, Buffer.alloc(0)).catch(() => undefined);
      return p;
    },
    post(header, body) {
      return closed ? gone() : write(header, body);
    },
  };
}

/**
 * The same channel read and written with blocking calls: between invocations the process sleeps in
 * read(2), as a frozen Lambda environment does (nothing of the function's runs until the next
 * event), and an invocation costs one read and one write, with no stream machinery. After a long
 * sleep the event loop gets one turn before the event is handed over, so what happened meanwhile
 * (a keep-alive socket the server closed, a due timer) is seen first, as when a thawed runtime's
 * next-invocation promise resolves. Falls back to openChannel when the descriptor is non-blocking.
 */
function openBlockingChannel(fd) {
  let buf = Buffer.allocUnsafe(64 * 1024);
  let start = 0;
  let end = 0;
  let closed = false;
  const fill = (need) => {
    if (start + need > buf.length) {
      const target = need > buf.length ? Buffer.allocUnsafe(Math.max(need, buf.length * 2)) : buf;
      buf.copy(target, 0, start, end);
      end -= start;
      start = 0;
      buf = target;
    }
    while (end - start < need) {
      const n = readSync(fd, buf, end, buf.length - end, null);
      if (n === 0) throw new Error('The Runtime API channel closed');
      end += n;
    }
  };
  const readFrame = () => {
    fill(8);
    const hl = buf.readUInt32BE(start);
    const bl = buf.readUInt32BE(start + 4);
    fill(8 + hl + bl);
    const f = JSON.parse(buf.toString('utf8', start + 8, start + 8 + hl));
    const body = Buffer.from(buf.subarray(start + 8 + hl, start + 8 + hl + bl));
    start += 8 + hl + bl;
    if (start === end) start = end = 0;
    return { status: f.t === 'event' ? 200 : f.status, headers: f.h ?? {}, body };
  };
  const writeAll = (frames) => {
    let total = 0;
    for (const f of frames) total += f.length;
    const n = frames.length === 1 ? writeSync(fd, frames[0]) : writevSync(fd, frames);
    if (n === total) return;
    const rest = Buffer.concat(frames).subarray(n);
    for (let off = 0; off < rest.length; ) off += writeSync(fd, rest, off, rest.length - off);
  };
  // A posted result is held until the `next` that follows it in the same turn, and both go in one
  // write (one wake-up of the server instead of two); a tick later, or at exit, it goes alone.
  let held;
  const flushHeld = () => {
    if (!held) return;
    const frame = held;
    held = undefined;
    try {
      writeAll([frame]);
    } catch {
      closed = true;
    }
  };
  process.on('exit', flushHeld);
  const gone = () => Promise.reject(new Error('The Runtime API channel closed'));
  return {
    async next() {
      if (closed) return gone();
      try {
        if (held) {
          const frame = held;
          held = undefined;
          writeAll([frame, NEXT_FRAME]);
        } else writeAll([NEXT_FRAME]);
        const t0 = Date.now();
        const frame = readFrame();
        if (Date.now() - t0 >= 50) {
          // A timer, then an immediate: the timer fires in a timers phase that reads the clock
          // afresh and runs every timer due by then (the function's too, whatever their lists'
          // order), and the immediate runs once that phase is over.
          await new Promise((resolve) => setTimeout(resolve, 1));
          await new Promise((resolve) => setImmediate(resolve));
        }
        return frame;
      } catch (err) {
        closed = true;
        throw err;
      }
    },
    post(header, body) {
      if (closed) return gone();
      flushHeld();
      held = encodeFrame(header, body);
      process.nextTick(flushHeld);
      return Promise.resolve({ status: 202 });
    },
  };
}

const EMPTY = Buffer.alloc(0);
const NEXT_FRAME = encodeFrame({ t: 'next' }, EMPTY);

function openRuntimeChannel(fd) {
  let nonBlocking = false;
  try {
    // A zero-length read returns at once either way; O_NONBLOCK shows in the descriptor's flags.
    nonBlocking = (Number(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/flags:\s*([0-7]+)/)?.[1] ?? '0') & 0o4000) !== 0;
  } catch {
    nonBlocking = true;
  }
  return nonBlocking ? openChannel(fd) : openBlockingChannel(fd);
}

const channel = Number.isInteger(channelFd) && channelFd > 2 ? openRuntimeChannel(channelFd) : undefined;

function postJson(urlPath, text, headers = {}) {
  return request('POST', urlPath, text, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
}

const nextInvocation = () => (channel ? channel.next() : request('GET', 'invocation/next'));

/** POST /invocation/<id>/response. */
function postResponse(id, body, contentType = 'application/json') {
  if (channel) return channel.post({ t: 'response', id, ct: contentType }, body);
  return request('POST', `invocation/${encodeURIComponent(id)}/response`, body, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
}

const postInitError = (error) => {
  const doc = toRapidResponse(error);
  if (channel) return channel.post({ t: 'init-error', type: doc.errorType }, JSON.stringify(doc));
  return postJson('init/error', JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
};
const postInvocationError = (id, error) => {
  const doc = toRapidResponse(error);
  if (channel) return channel.post({ t: 'error', id, type: doc.errorType }, JSON.stringify(doc));
  return postJson(`invocation/${encodeURIComponent(id)}/error`, JSON.stringify(doc), {
    'Lambda-Runtime-Function-Error-Type': doc.errorType,
  });
};

// ---------------------------------------------------------------------------------------------
// Fatal errors: report them (init or current invocation) and exit, as the RIC does

let initialized = false;
let fatalReported = false;

async function fatal(error, exitCode, label) {
  if (fatalReported) return;
  fatalReported = true;
  console.error(label, toFormatted(error));
  try {
    if (!initialized) await postInitError(error);
    else if (currentRequestId) await postInvocationError(currentRequestId, error);
  } catch {
    // The Runtime API is gone: nothing left to tell.
  }
  process.exit(exitCode);
}

process.on('uncaughtException', (error) => void fatal(error, 129, 'Uncaught Exception'));
process.on('unhandledRejection', (reason, promise) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason?.stack ? String(reason) : reason));
  error.reason = reason;
  error.promise = promise;
  void fatal(error, 128, 'Unhandled Promise Rejection');
});

// ---------------------------------------------------------------------------------------------
// Handler loading (UserFunction.load of the RIC)

function hasPackageJsonTypeModule(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === 'node_modules') return false;
    dir = parent;
  }
}

let esmHookRegistered = false;
async function importEsm(file) {
  // Not needed when the platform linked node_modules next to the task root (ESM finds it by walking up).
  if (!esmHookRegistered && env.NODE_PATH && !existsSync(path.join(path.dirname(taskRoot), 'node_modules'))) {
    // ES modules ignore NODE_PATH; a resolve hook gives them the layers' node_modules and the SDK.
    esmHookRegistered = true;
    const { register } = await import('node:module');
    register(pathToFileURL(path.join(runtimeDir, 'esm-resolve.mjs')).href, {
      data: { paths: env.NODE_PATH.split(':').filter(Boolean) },
    });
  }
  return import(pathToFileURL(file).href);
}

function tryRequire(file) {
  return existsSync(file) ? cjsRequire(file) : undefined;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  if (existsSync(base) && !base.endsWith('/')) {
    try {
      return cjsRequire(base);
    } catch (e) {
      if (e?.code !== 'ERR_REQUIRE_ESM') throw e;
      return importEsm(base);
    }
  }
  const typeModule = hasPackageJsonTypeModule(base);
  if (!typeModule) {
    const loaded = tryRequire(base + '.js');
    if (loaded) return loaded;
  }
  if (typeModule && existsSync(base + '.js')) return importEsm(base + '.js');
  if (existsSync(base + '.mjs')) return importEsm(base + '.mjs');
  const cjs = tryRequire(base + '.cjs');
  if (cjs) return cjs;
  const resolved = cjsRequire.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] });
  return cjsRequire(resolved);
}

async function loadHandler() {
  if (handlerString.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.substring(0, handlerString.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match || match.length !== 3) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;
  let mod;
  try {
    mod = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(e), e);
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') {
      throw runtimeError('ImportModuleError', String(e));
    }
    throw e;
  }
  const find = (obj) => handlerPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
  let fn = find(mod);
  if (!fn && mod && typeof mod === 'object' && 'default' in mod) fn = find(mod.default);
  if (!fn) throw runtimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${handlerString} is not a function`);
  const streaming = fn[Symbol.for('aws.lambda.runtime.handler.streaming')];
  if (streaming && streaming !== 'response') {
    throw runtimeError('MalformedStreamingHandler', 'Only response streaming is supported.');
  }
  if (nodeMajor >= 24 && fn.length >= 3 && !streaming) {
    throw runtimeError(
      'CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
  }
  return fn;
}

// ---------------------------------------------------------------------------------------------
// The awslambda global (response streaming), buffered: the whole stream is posted at its end

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HWM = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
if (!['true', '1'].includes(env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? '')) {
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = 'response';
      if (options?.highWaterMark) handler[HWM] = options.highWaterMark;
      return handler;
    },
    HttpResponseStream: {
      from(stream, prelude) {
        stream.setContentType('application/vnd.awslambda.http-integration-response');
        stream.write(JSON.stringify(prelude));
        stream.write(new Uint8Array(8));
        return stream;
      },
    },
  };
}

async function makeResponseStream() {
  const { Writable } = await import('node:stream');
  const chunks = [];
  let contentType = 'application/octet-stream';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  stream.setContentType = (t) => {
    contentType = t;
  };
  const origWrite = stream.write.bind(stream);
  stream.write = (chunk, enc, cb) =>
    origWrite(typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk), enc, cb);
  return { stream, body: () => Buffer.concat(chunks), contentType: () => contentType };
}

// ---------------------------------------------------------------------------------------------
// Invocation loop

function buildContext(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context']),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity']),
  };
  if (headers['lambda-runtime-aws-tenant-id']) context.tenantId = headers['lambda-runtime-aws-tenant-id'];
  return context;
}

function parseJsonHeader(v) {
  if (!v) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

const NODEJS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

/** Serves one event; resolves once its result has been posted. */
async function runOnce(handler, next) {
  const headers = next.headers;
  const id = headers['lambda-runtime-aws-request-id'];
  currentRequestId = id;
  const trace = headers['lambda-runtime-trace-id'];
  if (trace) env._X_AMZN_TRACE_ID = trace;
  else delete env._X_AMZN_TRACE_ID;

  let finish;
  const finished = new Promise((r) => (finish = r));
  let reported = false;
  let isAsync = false;

  const post = async (err, result) => {
    try {
      if (err !== null && err !== undefined) {
        console.error('Invoke Error', toFormatted(err));
        await postInvocationError(id, err);
        return;
      }
      let text;
      try {
        text = JSON.stringify(result === undefined ? null : result);
      } catch {
        const e = runtimeError('JSONStringifyError', 'Unable to stringify response body');
        console.error('Invoke Error', toFormatted(e));
        await postInvocationError(id, e);
        return;
      }
      await postResponse(id, text ?? 'null');
    } catch {
      // The Runtime API refused (e.g. the invocation timed out): move on to the next event.
    } finally {
      finish();
    }
  };

  // Nothing reported when the event loop drains: an async handler never settled (Runtime.NodeJsExit);
  // a sync or callback handler that never called back succeeds with null.
  let onDrain = () => {
    if (reported) return;
    reported = true;
    if (isAsync) void post(runtimeError('NodeJsExit', NODEJS_EXIT_MESSAGE));
    else void post(null, null);
  };
  const setDrain = (fn) => {
    process.removeListener('beforeExit', onDrain);
    onDrain = fn;
    process.on('beforeExit', onDrain);
  };
  setDrain(onDrain);

  const complete = (err, result, viaCallback) => {
    if (reported) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    reported = true;
    const failed = err !== null && err !== undefined;
    if (viaCallback && !failed && context.callbackWaitsForEmptyEventLoop) {
      // callbackWaitsForEmptyEventLoop: post once the event loop is empty (timers, sockets done).
      setDrain(() => {
        process.removeListener('beforeExit', onDrain);
        setImmediate(() => void post(null, result));
      });
      return;
    }
    process.removeListener('beforeExit', onDrain);
    // Posted at once, as the RIC's callback context does: what the handler left queued (timers,
    // immediates) runs when the environment thaws, not before the answer.
    void post(err, result);
  };

  const context = buildContext(headers);
  context.succeed = (result) => complete(null, result, false);
  context.fail = (err) => complete(err ?? 'handled', undefined, false);
  context.done = (err, result) => complete(err, result, false);
  const callback = (err, result) => complete(err, result, true);

  let event;
  try {
    event = JSON.parse(next.body.toString('utf8') || 'null');
    if (typeof event?.ResponseURL === 'string' && event.ResponseURL.includes(CUSTOM_RESOURCE_PATH))
      redirectCustomResourceResponses();
  } catch (e) {
    complete(e, undefined, false);
    await finished;
    return;
  }

  try {
    if (handler[STREAMING] === 'response') {
      isAsync = true;
      const rs = await makeResponseStream();
      const ret = handler(event, rs.stream, context);
      if (!ret || typeof ret.then !== 'function') throw new Error('Streaming does not support non-async handlers.');
      await ret;
      if (rs.stream.writableEnded && !rs.stream.writableFinished) await new Promise((r) => rs.stream.once('finish', r));
      if (!rs.stream.writableFinished) throw new Error('Response stream is not finished.');
      if (!reported) {
        reported = true;
        process.removeListener('beforeExit', onDrain);
        const body = rs.body();
        try {
          await postResponse(id, body, rs.contentType());
        } finally {
          finish();
        }
      }
    } else {
      const ret = handler(event, context, callback);
      if (ret && typeof ret.then === 'function') {
        isAsync = true;
        ret.then(
          (result) => complete(null, result, false),
          (err) => complete(err ?? 'handled', undefined, false),
        );
      }
    }
  } catch (err) {
    if (!reported) complete(err, undefined, false);
  }
  await finished;
  process.removeListener('beforeExit', onDrain);
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    fatalReported = true;
    console.error('Uncaught Exception', toFormatted(error));
    try {
      await postInitError(error);
    } catch {
      // ignore
    }
    process.exit(129);
  }
  initialized = true;
  for (;;) {
    const next = await nextInvocation();
    if (next.status !== 200) {
      console.error('Failed to get next invocation', next.status, next.body.toString());
      process.exit(1);
    }
    await runOnce(handler, next);
  }
}

void main();
