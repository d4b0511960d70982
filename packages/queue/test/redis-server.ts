/**
 * A real redis-server for the tests, on a free loopback port, with no persistence. Requires Debian's
 * `redis-server` (.ci/run installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running server. */
export interface TestRedis {
  /** URL to reach it (`rediss://` with TLS). */
  url: string;
  /** PEM of the self-signed certificate (TLS only). */
  ca?: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Starts redis-server.
 *
 * @param options - `password`: require it; `tls`: a TLS port with a fresh self-signed certificate for 127.0.0.1.
 * @returns The server.
 */
export async function startRedis(options: { password?: string; tls?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'glossa-redis-'));
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  let ca: string | undefined;
  if (options.tls === true) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    args.push(
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      join(dir, 'cert.pem'),
      '--tls-key-file',
      join(dir, 'key.pem'),
      '--tls-auth-clients',
      'no',
    );
  } else {
    args.push('--port', String(port));
  }
  if (options.password !== undefined) {
    args.push('--requirepass', options.password);
  }
  let child: ChildProcess;
  try {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`cannot start redis-server (${(error as Error).message}); install Debian's redis-server (apt-get install redis-server)`);
  }
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start redis-server (${error.message}); install Debian's redis-server (apt-get install redis-server)`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    // Ready when the port accepts connections.
    const started = Date.now();
    const poll = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - started > 10_000) reject(new Error(`redis-server did not listen on ${port}: ${output}`));
        else setTimeout(poll, 50);
      });
    };
    poll();
  });
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    url: `${options.tls === true ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    ...(ca === undefined ? {} : { ca }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
