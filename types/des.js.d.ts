// Minimal types for des.js (indutny), used for MS-CHAP's DES step (RFC 2759 §8.5):
// Node 20's OpenSSL 3 refuses DES without the legacy provider.
declare module 'des.js' {
  interface CipherOptions { type: 'encrypt' | 'decrypt'; key: number[] | Uint8Array; padding?: boolean }
  interface Cipher { update(data: number[] | Uint8Array): number[]; final(): number[] }
  export const DES: { create(options: CipherOptions): Cipher };
}
