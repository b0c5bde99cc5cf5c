// The client half of the floors benchmark (floors.ts), in a process of its own so that the
// benchmark's process counts only the server's CPU. Calls the raw-bytes service at argv[2]: unary
// calls, or messages echoed on one bidirectional stream, 32 in flight; warms up, says 'warm', waits
// for 'go', then makes the measured calls and sends their count back.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { FLOOR_SERVICE, IN_FLIGHT, MEASURED_CALLS, REQUEST_BYTES, WARM_UP_CALLS } from './grpc-floor-service.js';

const [address = '', mode = 'unary', tlsRoot] = process.argv.slice(2);
const credentials = tlsRoot === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(readFileSync(tlsRoot));
const Client = grpc.makeGenericClientConstructor(FLOOR_SERVICE, 'Floor');
const client = new Client(address, credentials, { 'grpc.enable_channelz': 0, 'grpc.ssl_target_name_override': 'localhost' });
const body = Buffer.alloc(REQUEST_BYTES, 1);

type Call = (request: Buffer, callback: (err: grpc.ServiceError | null, reply?: Buffer) => void) => void;
const unary = (client as unknown as { unary: Call }).unary.bind(client);

/** `calls` calls, IN_FLIGHT at a time. */
async function run(calls: number): Promise<void> {
  if (mode === 'bidi') {
    const stream = (client as unknown as { bidi(): grpc.ClientDuplexStream<Buffer, Buffer> }).bidi();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let received = 0;
      stream.on('data', () => {
        received++;
        if (received === calls) {
          stream.end();
          resolve();
        } else if (sent < calls) {
          sent++;
          stream.write(body);
        }
      });
      stream.on('error', reject);
      for (; sent < Math.min(IN_FLIGHT, calls); sent++) stream.write(body);
    });
    return;
  }
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < calls) {
        started++;
        await new Promise<void>((resolve, reject) => unary(body, (err) => (err === null ? resolve() : reject(err))));
      }
    }),
  );
}

await run(WARM_UP_CALLS);
process.send?.('warm');
await new Promise((resolve) => process.once('message', resolve));
await run(MEASURED_CALLS);
process.send?.({ calls: MEASURED_CALLS });
client.close();
process.disconnect();
