// Minimal types for js-md4 (emn178), used for MS-CHAP's NT password hash (RFC 2759 §8.3):
// Node 20's OpenSSL 3 refuses MD4 without the legacy provider.
declare module 'js-md4' {
  interface Md4 { arrayBuffer(message: string | ArrayBuffer | Uint8Array): ArrayBuffer }
  const md4: Md4;
  export default md4;
}
