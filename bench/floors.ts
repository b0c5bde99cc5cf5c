// Floors benchmark: what this machine charges for the parts every Weft figure is built of, before
// any of Weft's own code runs, so that a goal can be read against its floor. The CPU time of one
// P-256 sign and verify (node:crypto, a 1 KB message: a proposal's size), and the server's CPU time
// per gRPC call with @grpc/grpc-js (raw bytes, no protobuf; 32 in flight from a client in another
// process), unary with TLS off and on, and one message echoed on a bidirectional stream (a
// chaincode round trip). An endorsement pays one unary call, three stream round trips, a verify and
// a sign; a Gateway submit pays three unary calls, three verifies and a sign on the peer alone.
// And the wall time of one round trip between two processes over loopback TCP, one message at a
// time: what each hop between client, peer, orderer and chaincode waits before any work is done.
import { fork, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { defaultCryptoDir, defaultPeerIdentity, ensureDefaultCrypto } from '../src/msp/default-identities.js';
import type { Benchmark, Report } from './harness.js';
import { endWithBenchmark, median } from './harness.js';
import { FLOOR_SERVICE, REPLY_BYTES } from './grpc-floor-service.js';

const CLIENT = fileURLToPath(new URL('./grpc-floor-client.js', import.meta.url));
const ROUNDS = 5;
const SIGNATURES_PER_ROUND = 2000;
const HOPS_WARM_UP = 500;
const HOPS_PER_ROUND = 2000;
/** The other process of the hop floor: echoes every byte back on the connection it opens. */
const ECHO = "const s = require('node:net').connect(Number(process.argv[1]), '127.0.0.1'); s.setNoDelay(true); s.on('data', (d) => s.write(d));";

async function run(report: Report): Promise<void> {
  signatures(report);
  report('floor_process_hop_round_trip_us', await hopRoundTrip(), 'µs');
  const dir = await mkdtemp(join(tmpdir(), 'weft-bench-floors-'));
  try {
    const cryptoDir = defaultCryptoDir(dir);
    await ensureDefaultCrypto(cryptoDir);
    const tlsDir = defaultPeerIdentity(cryptoDir).tlsDir;
    const tls = { key: await readFile(join(tlsDir, 'server.key')), cert: await readFile(join(tlsDir, 'server.crt')), root: join(tlsDir, 'ca.crt') };
    const unary: number[] = [];
    const unaryTls: number[] = [];
    const bidi: number[] = [];
    // In turns, so that all three see the same machine.
    for (let round = 0; round < 3; round++) {
      unary.push(await serverCpuPerCall('unary', undefined));
      unaryTls.push(await serverCpuPerCall('unary', tls));
      bidi.push(await serverCpuPerCall('bidi', undefined));
    }
    report('floor_grpc_unary_server_cpu_us', median(unary), 'µs');
    report('floor_grpc_unary_tls_server_cpu_us', median(unaryTls), 'µs');
    report('floor_grpc_stream_round_trip_server_cpu_us', median(bidi), 'µs');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU microseconds of one P-256 sign and one verify with node:crypto, medians of rounds. */
function signatures(report: Report): void {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = randomBytes(1024);
  const signature = sign('sha256', message, privateKey);
  const perOp = (op: () => void): number => {
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = process.cpuUsage();
      for (let i = 0; i < SIGNATURES_PER_ROUND; i++) op();
      const used = process.cpuUsage(before);
      rounds.push((used.user + used.system) / SIGNATURES_PER_ROUND);
    }
    return median(rounds);
  };
  perOp(() => sign('sha256', message, privateKey));
  report('floor_p256_sign_cpu_us', perOp(() => sign('sha256', message, privateKey)), 'µs');
  report('floor_p256_verify_cpu_us', perOp(() => verify('sha256', message, publicKey, signature)), 'µs');
}

/** Median over rounds of the mean wall time (µs) of a one-byte round trip to an echoing process. */
async function hopRoundTrip(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const connected = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const echo = endWithBenchmark(spawn(process.execPath, ['-e', ECHO, String((server.address() as AddressInfo).port)], { stdio: 'ignore' }));
  try {
    const socket = await connected;
    socket.setNoDelay(true);
    const trips = (count: number): Promise<number> =>
      new Promise((resolve) => {
        let left = count;
        const t0 = performance.now();
        const onData = (): void => {
          if (--left > 0) {
            socket.write('x');
            return;
          }
          socket.off('data', onData);
          resolve(((performance.now() - t0) * 1000) / count);
        };
        socket.on('data', onData);
        socket.write('x');
      });
    await trips(HOPS_WARM_UP);
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await trips(HOPS_PER_ROUND));
    socket.destroy();
    return median(rounds);
  } finally {
    echo.kill();
    server.close();
  }
}

/** This process serves; a client process calls. Resolves the server's CPU microseconds per call. */
async function serverCpuPerCall(mode: 'unary' | 'bidi', tls: { key: Buffer; cert: Buffer; root: string } | undefined): Promise<number> {
  const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
  const reply = Buffer.alloc(REPLY_BYTES, 2);
  server.addService(FLOOR_SERVICE, {
    unary: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, reply),
    bidi: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', () => call.write(reply));
      call.on('end', () => call.end());
    },
  });
  const credentials = tls === undefined ? grpc.ServerCredentials.createInsecure() : grpc.ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }]);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err === null ? resolve(bound) : reject(err))));
  const client = endWithBenchmark(fork(CLIENT, [`127.0.0.1:${String(port)}`, mode, ...(tls === undefined ? [] : [tls.root])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    const exited = new Promise<never>((_resolve, reject) => client.once('exit', (code) => reject(new Error(`the floor client exited with ${String(code)}`))));
    // It exits once it has reported: that rejection comes after the last race and is not an error.
    exited.catch(() => undefined);
    const next = (): Promise<unknown> => Promise.race([new Promise((resolve) => client.once('message', resolve)), exited]);
    await next();
    const before = process.cpuUsage();
    client.send('go');
    const { calls } = (await next()) as { calls: number };
    const used = process.cpuUsage(before);
    return (used.user + used.system) / calls;
  } finally {
    client.kill();
    server.forceShutdown();
  }
}

export const floorsBenchmark: Benchmark = { name: 'floors', run };
