/**
 * The raw bytes of a request body, read up to a limit: what a webhook needs before it can check a
 * signature over exactly what was sent (a parsed and re-serialised body would not match), and
 * what a machine caller's JSON is parsed from. Reading stops at the limit, so an oversized body
 * costs at most `maxBytes` of memory.
 */

/**
 * Reads `req` to the end. Returns the bytes, or null as soon as more than `maxBytes` arrived
 * (the caller answers 413). Rejects when the stream errors (client gone).
 */
export async function readRawBody(req: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
