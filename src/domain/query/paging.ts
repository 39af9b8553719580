/**
 * Paging per SOL013 5.4: the server returns a page and, when more remain, a `Link` header with
 * rel="next" whose URL carries `nextpage_opaque_marker`. The marker is opaque to clients: here it
 * is the creation sequence number of the last item returned, base64url-encoded.
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 5.4
 */
export interface PageRequest {
  /** Decoded marker: return items created after this sequence number. */
  after?: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** Present when more items may follow. */
  nextMarker?: string;
}

export function encodeMarker(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** The sequence number in a marker, or undefined when the marker was not made by us. */
export function decodeMarker(marker: string): number | undefined {
  const text = Buffer.from(marker, 'base64url').toString();
  const m = /^s:(\d{1,15})$/.exec(text);
  return m ? Number(m[1]) : undefined;
}
