import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, test } from 'node:test';
import { StatsdProvider } from '../../../src/common/metrics/statsd-provider.js';

describe('the StatsD metrics provider', () => {
  test('sends summed counters, last gauge values and timings once per write interval, named as Fabric names them', async () => {
    const server = createSocket('udp4');
    const lines: string[] = [];
    const got = new Promise<void>((resolve) => {
      server.on('message', (msg) => {
        lines.push(...msg.toString('utf8').split('\n'));
        if (lines.some((l) => l.startsWith('peer0.ledger.blockchain_height'))) resolve();
      });
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const provider = new StatsdProvider({ network: 'udp', address: `127.0.0.1:${port}`, writeIntervalMs: 50, prefix: 'peer0.' });
    try {
      const counter = provider.newCounter({ namespace: 'chaincode', name: 'shim_requests_received', help: 'h', labelNames: ['type', 'channel', 'chaincode'] });
      counter.with('GET_STATE', 'mychannel', 'basic:1.0').add(1);
      counter.with('GET_STATE', 'mychannel', 'basic:1.0').add(1);
      const gauge = provider.newGauge({ namespace: 'ledger', name: 'blockchain_height', help: 'h', labelNames: ['channel'] });
      gauge.with('mychannel').set(3);
      gauge.with('mychannel').set(4);
      provider.newHistogram({ namespace: 'endorser', name: 'proposal_duration', help: 'h' }).observe(0.25);
      await got;
    } finally {
      provider.close();
      server.close();
    }
    // The label values' dots and colons would split the name: they become underscores.
    assert.ok(lines.includes('peer0.chaincode.shim_requests_received.GET_STATE.mychannel.basic_1_0:2|c'), lines.join('\n'));
    assert.ok(lines.includes('peer0.ledger.blockchain_height.mychannel:4|g'), lines.join('\n'));
    assert.ok(lines.includes('peer0.endorser.proposal_duration:0.25|ms'), lines.join('\n'));
  });
});
