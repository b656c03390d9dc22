/**
 * What a customer may upload as a transfer receipt: a JPEG, PNG or WebP image or a PDF, at most
 * MAX_RECEIPT_BYTES, its type decided by its first bytes (the "magic numbers"), never by the
 * name or the browser's Content-Type: JPEG FF D8 FF (ISO/IEC 10918-1 SOI marker); PNG 89 50 4E 47
 * 0D 0A 1A 0A (RFC 2083 §3.1); WebP "RIFF" ???? "WEBP" (RFC 9649 §2.5); PDF "%PDF-" (ISO 32000-1 §7.5.2).
 */

export const MAX_RECEIPT_BYTES = 5 * 1024 * 1024;

export type ReceiptType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** The file's type from its first bytes, or null for anything else. */
export function receiptTypeOf(content: Buffer): ReceiptType | null {
  if (content.length >= 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (content.length >= 8 && content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (content.length >= 12 && content.toString('latin1', 0, 4) === 'RIFF' && content.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (content.length >= 5 && content.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}
