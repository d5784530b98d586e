import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import yazl from 'yazl';
import { finishZip, zipDirectory } from '../../../core/zip.js';

/**
 * Overcast's extension for code that lives on the server's machine (S3 does not exist yet):
 * `Code: { 'Overcast::LocalPath': '/abs/dir-or-file.zip' }` (Lambda functions) and
 * `Content: { 'Overcast::LocalPath': … }` (layers). A directory is zipped as is; a `.zip` is used
 * as is. `Overcast::ZipBase64` carries a zip inline for a remote server.
 */
export const LOCAL_PATH = 'Overcast::LocalPath';
export const ZIP_BASE64 = 'Overcast::ZipBase64';

export async function localCode(location: Record<string, unknown>): Promise<string | undefined> {
  if (typeof location[ZIP_BASE64] === 'string') return location[ZIP_BASE64];
  const path = location[LOCAL_PATH];
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !isAbsolute(path))
    throw new Error(`${LOCAL_PATH} must be an absolute path, got ${JSON.stringify(path)}`);
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`${LOCAL_PATH} ${path} does not exist`);
  }
  if (st.isFile()) return readFileSync(path).toString('base64');
  return (await zipDirectory(path)).toString('base64');
}

/**
 * AWS puts its `cfn-response` module beside inline code; these speak the same API and also reach
 * Overcast's plain-HTTP response URLs.
 */
const CFN_RESPONSE_JS = `'use strict';
exports.SUCCESS = 'SUCCESS';
exports.FAILED = 'FAILED';
exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  const body = JSON.stringify({
    Status: responseStatus,
    Reason: 'See the details in CloudWatch Log Stream: ' + context.logStreamName,
    PhysicalResourceId: physicalResourceId || context.logStreamName,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: noEcho || false,
    Data: responseData,
  });
  const url = new URL(event.ResponseURL);
  const client = require(url.protocol === 'https:' ? 'https' : 'http');
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => { if (context.done) context.done(); resolve(); });
    });
    req.on('error', (e) => { console.log('send(..) failed executing https.request(..): ' + e); if (context.done) context.done(); reject(e); });
    req.end(body);
  });
};
`;

const CFN_RESPONSE_PY = `import json
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    body = json.dumps({
        "Status": responseStatus,
        "Reason": reason or "See the details in CloudWatch Log Stream: " + context.log_stream_name,
        "PhysicalResourceId": physicalResourceId or context.log_stream_name,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": noEcho,
        "Data": responseData,
    }).encode()
    req = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"content-type": ""})
    try:
        urllib.request.urlopen(req).read()
    except Exception as e:
        print("send(..) failed executing http.request(..):", e)
`;

/** Inline source (`Code.ZipFile`): CloudFormation writes it as index.js / index.py, beside cfn-response. */
export async function inlineZip(source: string, runtime: string | undefined): Promise<string> {
  const python = runtime?.startsWith('python');
  const node = runtime?.startsWith('nodejs');
  const name = python ? 'index.py' : node ? 'index.js' : 'index';
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(source), name, { mode: 0o100755 });
  if (node) zip.addBuffer(Buffer.from(CFN_RESPONSE_JS), 'node_modules/cfn-response/index.js', { mode: 0o100644 });
  if (python) zip.addBuffer(Buffer.from(CFN_RESPONSE_PY), 'cfnresponse.py', { mode: 0o100644 });
  return (await finishZip(zip)).toString('base64');
}

/** The key the engine adds beside `Overcast::LocalPath`, so a change of the files is a change of the property. */
export const LOCAL_DIGEST = 'Overcast::Digest';

/**
 * Properties with a digest of every `Overcast::LocalPath` they name (paths, sizes, modes and
 * modification times of the files): a handler edited on disk makes the resource differ from the
 * deployed one, as a new S3 key would on AWS.
 */
export function withLocalDigests<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withLocalDigests) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withLocalDigests(v);
  const path = out[LOCAL_PATH];
  if (typeof path === 'string' && isAbsolute(path)) out[LOCAL_DIGEST] = digest(path);
  return out as T;
}

function digest(path: string): string {
  const hash = createHash('sha256');
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      hash.update(`missing:${p}\n`);
      return;
    }
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name));
    else if (st.isFile()) hash.update(`${relative(path, p)}\0${st.size}\0${st.mode}\0${st.mtimeMs}\n`);
  };
  walk(path);
  return hash.digest('hex');
}
