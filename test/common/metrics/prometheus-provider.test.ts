import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OVERFLOW_LABEL } from '../../../src/common/metrics/labelled-metric.js';
import { PrometheusProvider } from '../../../src/common/metrics/prometheus-provider.js';

describe('the Prometheus metrics provider', () => {
  test("counters, gauges and histograms appear in the exposition under Fabric's names, with their labels", async () => {
    const provider = new PrometheusProvider();
    const received = provider.newCounter({ namespace: 'chaincode', name: 'shim_requests_received', help: 'requests', labelNames: ['type', 'channel', 'chaincode'] });
    received.with('GET_STATE', 'mychannel', 'basic:1.0').add(1);
    received.with('GET_STATE', 'mychannel', 'basic:1.0').add(2);
    provider.newGauge({ namespace: 'ledger', name: 'blockchain_height', help: 'height', labelNames: ['channel'] }).with('mychannel').set(7);
    provider.newHistogram({ namespace: 'grpc', subsystem: 'server', name: 'unary_request_duration', help: 'time', labelNames: ['code'], buckets: [0.1, 1] }).with('OK').observe(0.5);
    const { contentType, body } = await provider.text();
    assert.match(contentType, /^text\/plain/);
    assert.match(body, /^chaincode_shim_requests_received\{type="GET_STATE",channel="mychannel",chaincode="basic:1.0"\} 3$/m);
    assert.match(body, /^ledger_blockchain_height\{channel="mychannel"\} 7$/m);
    assert.match(body, /^grpc_server_unary_request_duration_bucket\{le="0.1",code="OK"\} 0$/m);
    assert.match(body, /^grpc_server_unary_request_duration_bucket\{le="1",code="OK"\} 1$/m);
    assert.match(body, /^process_cpu_user_seconds_total /m, "the process's own metrics are there too");
  });

  test('two providers keep separate registries (no global state): the same name in both is no clash', async () => {
    const a = new PrometheusProvider();
    const b = new PrometheusProvider();
    a.newCounter({ namespace: 'x', name: 'y', help: 'h' }).add(1);
    b.newCounter({ namespace: 'x', name: 'y', help: 'h' }).add(5);
    assert.match((await a.text()).body, /^x_y 1$/m);
    assert.match((await b.text()).body, /^x_y 5$/m);
  });

  test('a wrong number of label values is an error naming the metric and its labels', () => {
    const counter = new PrometheusProvider().newCounter({ namespace: 'endorser', name: 'endorsement_failures', help: 'h', labelNames: ['channel', 'chaincode'] });
    assert.throws(() => counter.with('mychannel'), /endorser_endorsement_failures takes 2 label values \(channel, chaincode\), got 1/);
    assert.throws(() => counter.add(1), /endorser_endorsement_failures takes 2 label values \(channel, chaincode\), got 0/);
  });

  test('label values past the series bound share one overflow series instead of growing memory', async () => {
    const provider = new PrometheusProvider();
    const counter = provider.newCounter({ namespace: 'endorser', name: 'proposal_acl_failures', help: 'h', labelNames: ['chaincode'] });
    for (let i = 0; i < 2100; i++) counter.with(`made-up-${i}`).add(1);
    const { body } = await provider.text();
    const series = body.split('\n').filter((line) => line.startsWith('endorser_proposal_acl_failures{'));
    assert.ok(series.length <= 2001, `${series.length} series`);
    assert.match(body, new RegExp(`^endorser_proposal_acl_failures\\{chaincode="${OVERFLOW_LABEL}"\\} 100$`, 'm'));
  });
});
