/**
 * Ends an answer that has no body (202, 204, 303): SOL003/SOL013 want an empty body there, not the
 * JSON text `null` with a JSON content type (what `send(null)` gives through the route's schema).
 * NOTE: the schema (`Type.Null()`, kept for the OpenAPI document) types the payload as null; at run
 * time an absent payload is what makes Fastify send no body and no content type.
 */
export function sendNoBody<R>(reply: { send(payload: null): R }): R {
  return reply.send(undefined as unknown as null);
}
