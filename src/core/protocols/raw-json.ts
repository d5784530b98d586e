/**
 * An operation result that is already serialised JSON. Hot paths (e.g. GetItem returning a
 * stored item) hand back text and skip a parse/stringify round trip.
 */
export class RawJson {
  constructor(readonly text: string) {}
}
