/**
 * An operation result that is already serialised JSON. Hot paths (e.g. GetItem returning a
 * stored item) hand back text and skip a parse/stringify round trip; bytes when they were read as
 * bytes (UTF-8), so they are not decoded only to be encoded again.
 */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}
