import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import type { ApiState } from '../control/store.js';
import { handleConnections } from './connections.js';
import type { RuntimeDeps } from './deps.js';
import type { HttpGateway } from './http.js';
import type { WebSocketGateway } from './websocket.js';

const HOST = /^([a-z0-9]{10})\.execute-api\./;
const PREFIX = '/_aws/execute-api/';

/** The API (by id, from the Host or the `/_aws/execute-api/<id>` prefix) and the path relative to it. */
export function targetOf(d: RuntimeDeps, head: RequestHead): { state: ApiState; rawPath: string } | undefined {
  const h = HOST.exec(head.hostname);
  if (h) {
    const state = d.store.apis.get(h[1]!);
    return state ? { state, rawPath: head.rawPath || '/' } : undefined;
  }
  if (!head.rawPath.startsWith(PREFIX)) return undefined;
  const rest = head.rawPath.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const id = slash < 0 ? rest : rest.slice(0, slash);
  const state = d.store.apis.get(id);
  return state ? { state, rawPath: slash < 0 ? '/' : rest.slice(slash) } : undefined;
}

const CONNECTIONS = /^\/([^/]+)\/(?:@|%40)connections\/([^/]+)$/i;

/** Invoke URLs of HTTP and WebSocket APIs (claims only ids of this service's APIs). */
export function invokeMount(d: RuntimeDeps, http: HttpGateway, ws: WebSocketGateway): HttpMount {
  return {
    name: 'apigatewayv2-invoke',
    matches: (head) => targetOf(d, head) !== undefined,
    handle: async (head, req, res) => {
      const t = targetOf(d, head)!;
      if (t.state.api['ProtocolType'] === 'WEBSOCKET') {
        const m = CONNECTIONS.exec(t.rawPath);
        if (m && t.state.items.stage.has(decodeURIComponent(m[1]!))) {
          let id = m[2]!;
          try {
            id = decodeURIComponent(id);
          } catch {
            // keep it raw
          }
          await handleConnections(d, ws, t.state.api['ApiId'] as string, id, head, req, res);
          return;
        }
        req.resume();
        const body = JSON.stringify({ message: 'Forbidden' });
        res.writeHead(403, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.end(body);
        return;
      }
      await http.handle(t.state, t.rawPath, head, req, res);
    },
    // HTTP APIs answer whole buffers: the fast path may read the request for them.
    takesWhole: (head) => targetOf(d, head)?.state.api['ProtocolType'] === 'HTTP',
    respondWhole: (head, request) => {
      const t = targetOf(d, head)!;
      return http.respondWhole(t.state, t.rawPath, head, request);
    },
    upgrade: (head, req, socket, firstBytes) => {
      const t = targetOf(d, head)!;
      if (t.state.api['ProtocolType'] !== 'WEBSOCKET') {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      ws.upgrade(t.state, t.rawPath, head, req, socket, firstBytes);
    },
  };
}
