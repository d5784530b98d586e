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
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}
