import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOnPath } from '../lifecycle';

export interface TestCertificates {
  /** PEM of the CA that signed the brokers' certificate. */
  caPem: string;
  /** PEM of another CA, which did not: for "wrong CA" tests. */
  otherCaPem: string;
  /** PEM file holding the broker's private key (PKCS#8) followed by its certificate chain. */
  brokerKeystore: string;
  /** PEM file holding the CA certificate, for the broker's truststore. */
  brokerTruststore: string;
}

function openssl(args: string[], cwd: string): Promise<void> {
  const binary = requireOnPath('openssl', 'openssl');
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd, timeout: 30_000 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`openssl ${args[0]} failed: ${stderr || error.message}`))
        : resolve(),
    );
  });
}

/** A self-signed certificate for `/CN=${commonName}` in `dir`: `${file}.key` and `${file}.pem`. */
async function selfSigned(dir: string, file: string, commonName: string): Promise<void> {
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      `${file}.key`,
      '-out',
      `${file}.pem`,
    ],
    dir,
  );
}

async function selfSignedCa(dir: string, name: string): Promise<void> {
  await selfSigned(dir, name, name);
}

/**
 * One self-signed certificate and its key, as PEM, for a TLS server that no
 * client trusts (a client sees DEPTH_ZERO_SELF_SIGNED_CERT).
 */
export async function selfSignedCertificate(
  commonName = '127.0.0.1',
): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cert-'));
  try {
    await selfSigned(dir, 'server', commonName);
    const [key, cert] = await Promise.all([
      readFile(join(dir, 'server.key'), 'utf8'),
      readFile(join(dir, 'server.pem'), 'utf8'),
    ]);
    return { key, cert };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A throwaway CA and a broker certificate for 127.0.0.1 and localhost, made
 * with openssl in `dir`. Kafka reads PEM key stores directly, so no keytool
 * and no store passwords are needed.
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  await selfSignedCa(dir, 'sluice-test-ca');
  await selfSignedCa(dir, 'sluice-other-ca');
  await openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'broker.key',
      '-out',
      'broker.csr',
    ],
    dir,
  );
  await writeFile(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'broker.csr',
      '-CA',
      'sluice-test-ca.pem',
      '-CAkey',
      'sluice-test-ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'broker.ext',
      '-out',
      'broker.pem',
    ],
    dir,
  );
  await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'broker.key', '-out', 'broker.pk8'], dir);
  const keystore = join(dir, 'broker-keystore.pem');
  const [key, cert, ca, other] = await Promise.all(
    ['broker.pk8', 'broker.pem', 'sluice-test-ca.pem', 'sluice-other-ca.pem'].map((file) =>
      readFile(join(dir, file), 'utf8'),
    ),
  );
  await writeFile(keystore, `${key!.trim()}\n${cert!.trim()}\n${ca!.trim()}\n`);
  return {
    caPem: ca!,
    otherCaPem: other!,
    brokerKeystore: keystore,
    brokerTruststore: join(dir, 'sluice-test-ca.pem'),
  };
}
