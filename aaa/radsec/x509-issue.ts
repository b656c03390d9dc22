/**
 * X.509 for RadSec's internal CA (RFC 5280 profile), with @peculiar/x509 on Node's WebCrypto: no
 * openssl binary. RSA 2048 with SHA-256 everywhere: the RouterOS certificate store takes RSA keys
 * of 1024-8192 bits and sha256 digests (help.mikrotik.com "Certificates", key-size and
 * digest-algorithm), and radsecproxy / OpenSSL 3 accept them at their default security level.
 *
 * - the CA: self-signed, basicConstraints CA:true pathlen 0, keyUsage keyCertSign + cRLSign;
 * - a server certificate: serverAuth, SANs (DNS names and IP addresses) from RADSEC_SERVER_NAMES;
 * - a client certificate (one per NAS): clientAuth, CN = the NAS's name.
 *
 * Keys are PEM: the CA's and server's PKCS#8 ("PRIVATE KEY"); a client's PKCS#1 ("RSA PRIVATE
 * KEY"), the traditional form every RouterOS version's `/certificate import` reads.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its parsers through tsyringe, which needs it
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY_MS = 86_400_000;

export interface CaMaterial {
  certPem: string;
  /** PKCS#8 PEM: the caller seals it (lib/secret-box.ts) before it is stored. */
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** Hex, as in the certificate. */
  serial: string;
  /** SHA-256 of the DER, upper-case hex pairs joined by colons (Node's `fingerprint256`, what a TLS peer certificate reports). */
  fingerprint: string;
  notAfter: Date;
}

export interface LeafRequest {
  commonName: string;
  purpose: 'server' | 'client';
  /** DNS names and IP addresses (server certificates). */
  names?: string[];
  now: Date;
  days: number;
}

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f | 0x10;
  return b.toString('hex');
}

/** `CN=…` with the characters RFC 4514 escapes escaped. */
function dn(commonName: string, organization = 'ISP Billing RadSec'): string {
  const esc = (v: string): string => v.replace(/([,+"\\<>;=#])/g, '\\$1');
  return `CN=${esc(commonName)}, O=${esc(organization)}`;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A new CA valid `days` from `now` (backdated an hour for routers whose clock runs late). */
export async function createCa(commonName: string, now: Date, days: number): Promise<CaMaterial> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: dn(commonName),
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

/**
 * A certificate signed by `ca` for `req`.
 * @throws Error when `ca.keyPem` is not an RSA private key, or a name is empty.
 */
export async function issueCertificate(ca: CaMaterial, req: LeafRequest): Promise<IssuedCertificate> {
  if (!req.commonName.trim()) throw new Error('certificate common name is empty');
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKeyDer = createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' });
  const caKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, ALG, false, ['sign']);
  const keys = await keyPair();
  const names = (req.names ?? []).filter((n) => n.trim()).map((n) => (net.isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([req.purpose === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const serial = newSerial();
  const notAfter = new Date(req.now.getTime() + req.days * DAY_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: dn(req.commonName),
    issuer: caCert.subject,
    notBefore: new Date(req.now.getTime() - 3_600_000),
    notAfter,
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  const certPem = cert.toString('pem');
  const pkcs8 = await pkcs8Pem(keys.privateKey);
  const keyPem = req.purpose === 'client' ? String(createPrivateKey(pkcs8).export({ type: 'pkcs1', format: 'pem' })) : pkcs8;
  return { certPem, keyPem, serial, fingerprint: new X509Certificate(certPem).fingerprint256, notAfter };
}
