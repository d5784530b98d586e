/** A request as the core sees it after the body is read. */
export interface HttpRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawHeaders: string[];
  body: Buffer;
  /** The peer's address, when the server knows it (the fast path sets it). */
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** A mount's whole answer (HttpMount.respondWhole): header lines in order, a name may repeat (set-cookie). */
export interface WholeResponse {
  status: number;
  /** Content-Length is the server's to write: one given here is ignored. */
  headers: [string, string][];
  body: Buffer;
}
