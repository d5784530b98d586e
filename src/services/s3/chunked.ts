import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { S3Error } from './errors.js';

const enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

const incomplete = (): S3Error => new S3Error('IncompleteBody', 'The request body terminated unexpectedly', 400);

/**
 * Decodes an `aws-chunked` body (`<hex>[;chunk-signature=<sig>]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`)
 * incrementally. `verifyChunk` (enforce mode) checks each chunk's signature against its data hash.
 */
export class AwsChunkedDecoder {
  private state = State.Size;
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private signature: string | undefined;
  private hash: Hash | undefined;
  readonly trailers: Record<string, string> = {};
  private sawTrailer = false;

  constructor(private readonly verifyChunk?: (signature: string | undefined, dataSha256Hex: string) => void) {}

  /** Feeds raw bytes; decoded payload slices go to `out`. */
  push(buf: Buffer, out: (data: Buffer) => void): void {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case State.Size:
        case State.Trailer: {
          const nl = buf.indexOf(10, i);
          if (nl < 0) {
            this.appendLine(buf.subarray(i));
            i = n;
            break;
          }
          this.appendLine(buf.subarray(i, nl + 1));
          i = nl + 1;
          const text = Buffer.concat(this.line, this.lineLength)
            .toString('latin1')
            .replace(/\r?\n$/, '');
          this.line = [];
          this.lineLength = 0;
          if (this.state === State.Size) this.sizeLine(text);
          else this.trailerLine(text);
          break;
        }
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          const slice = buf.subarray(i, i + take);
          this.hash?.update(slice);
          out(slice);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) {
            this.endChunk();
            this.state = State.DataEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.DataEnd: {
          // The CRLF after a chunk's data.
          const b = buf[i++]!;
          if ((this.remaining === 2 && b !== 13) || (this.remaining === 1 && b !== 10)) throw incomplete();
          if (--this.remaining === 0) this.state = State.Size;
          break;
        }
        case State.Done:
          // Bytes after the final CRLF are ignored.
          i = n;
          break;
      }
    }
  }

  /** Throws unless the body was complete. */
  finish(): void {
    if (this.state === State.Done) return;
    if (this.state === State.Trailer && (this.sawTrailer || this.lineLength === 0)) {
      if (this.lineLength > 0) this.trailerLine(Buffer.concat(this.line).toString('latin1').trim());
      this.state = State.Done;
      return;
    }
    throw incomplete();
  }

  private appendLine(b: Buffer): void {
    this.lineLength += b.length;
    if (this.lineLength > 16 * 1024) throw incomplete();
    this.line.push(b);
  }

  private sizeLine(text: string): void {
    if (text === '') return; // tolerate an empty line between chunks
    const semi = text.indexOf(';');
    const hex = (semi < 0 ? text : text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw incomplete();
    const size = parseInt(hex, 16);
    const sig = semi < 0 ? undefined : /chunk-signature=([0-9a-f]+)/.exec(text.slice(semi))?.[1];
    this.signature = sig;
    if (this.verifyChunk) this.hash = createHash('sha256');
    if (size === 0) {
      this.endChunk();
      this.state = State.Trailer;
      return;
    }
    this.remaining = size;
    this.state = State.Data;
  }

  private endChunk(): void {
    if (this.verifyChunk) this.verifyChunk(this.signature, this.hash!.digest('hex'));
    this.hash = undefined;
  }

  private trailerLine(text: string): void {
    if (text === '') {
      this.state = State.Done;
      return;
    }
    const colon = text.indexOf(':');
    if (colon < 0) throw incomplete();
    this.sawTrailer = true;
    this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
}
