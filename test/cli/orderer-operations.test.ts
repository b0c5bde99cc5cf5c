import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BroadcastClient } from '../../src/client/broadcast-client.js';
import { Envelope, Payload } from '../../src/common/protos/common.js';
import { ChannelHeader, Header, HeaderType } from '../../src/common/protos/proposal.js';
import { tempDir } from '../helpers/temp-dir.js';
import { messageOf, WeftProcess } from '../helpers/weft-process.js';

/** An envelope for `channelId` that no chain will take: the channel does not exist. */
function envelopeFor(channelId: string): Envelope {
  const channelHeader = new ChannelHeader();
  channelHeader.setType(HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channelId);
  const header = new Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new Payload();
  payload.setHeader(header);
  const envelope = new Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

describe('weft orderer start: the operations service and metrics of a standalone orderer', () => {
  let orderer: WeftProcess;
  let operations: string;
  let address: string;

  before(async () => {
    const data = await tempDir('weft-orderer-ops-');
    orderer = new WeftProcess(['orderer', 'start'], {
      FABRIC_LOGGING_SPEC: 'info',
      ORDERER_GENERAL_LISTENPORT: '0',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
      ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'),
      ORDERER_OPERATIONS_LISTENADDRESS: '127.0.0.1:0',
      ORDERER_METRICS_PROVIDER: 'prometheus',
    });
    address = messageOf(await orderer.waitFor(/Beginning to serve requests on /)).replace(/^Beginning to serve requests on /, '');
    operations = `http://${messageOf(await orderer.waitFor(/Operations server listening on /)).replace(/^Operations server listening on /, '')}`;
  });

  after(async () => {
    await orderer.stop();
  });

  test('GET /healthz, /version and /logspec answer as the peer\'s do', async () => {
    const health = await fetch(`${operations}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'OK');
    assert.equal(((await (await fetch(`${operations}/version`)).json()) as { Version: string }).Version.length > 0, true);
    assert.deepEqual(await (await fetch(`${operations}/logspec`)).json(), { spec: 'info' });
  });

  test('GET /metrics counts Broadcast as Fabric does: by channel, type and status, with the gRPC calls and the version', async () => {
    const client = await BroadcastClient.connect(address);
    try {
      const answer = await client.send(envelopeFor('nosuchchannel'));
      assert.equal(answer.getStatus(), 400);
    } finally {
      client.close();
    }
    const text = await (await fetch(`${operations}/metrics`)).text();
    assert.match(text, /^broadcast_processed_count\{channel="nosuchchannel",type="ENDORSER_TRANSACTION",status="BAD_REQUEST"\} 1$/m);
    assert.match(text, /^broadcast_validate_duration_count\{channel="nosuchchannel",type="ENDORSER_TRANSACTION",status="BAD_REQUEST"\} 1$/m);
    assert.match(text, /^grpc_server_stream_requests_received\{service="orderer_AtomicBroadcast",method="Broadcast"\} 1$/m);
    assert.match(text, /^grpc_server_stream_messages_received\{service="orderer_AtomicBroadcast",method="Broadcast"\} 1$/m);
    assert.match(text, /^fabric_version\{version="[^"]+"\} 1$/m);
  });

  test('an operations address in use stops start-up naming Operations.ListenAddress', async () => {
    const data = await tempDir('weft-orderer-ops-');
    const second = new WeftProcess(['orderer', 'start'], {
      ORDERER_GENERAL_LISTENPORT: '0',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.0.1:0',
      ORDERER_FILELEDGER_LOCATION: join(data, 'orderer'),
      ORDERER_OPERATIONS_LISTENADDRESS: operations.replace('http://', ''),
    });
    assert.equal(await second.exitCode(), 1);
    assert.ok(second.lines.some((l) => /failed to listen on 127\.0\.0\.1:\d+ \(Operations\.ListenAddress\): address already in use/.test(l)), second.lines.join('\n'));
  });
});
