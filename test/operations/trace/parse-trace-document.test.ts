import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTraceDocument, TraceDocumentError } from '../../../src/operations/trace/parse-trace-document.js';
import { seedDeployment } from './trace-fixtures.js';

describe('parseTraceDocument', () => {
  test('reads back what GET /trace sends', () => {
    const document = { events: seedDeployment() };
    assert.deepEqual(parseTraceDocument(JSON.stringify(document)), document);
  });

  test('anything else is refused, naming the first fault', () => {
    const refused = (text: string, message: RegExp): void => {
      assert.throws(() => parseTraceDocument(text), (err: unknown) => err instanceof TraceDocumentError && message.test(err.message));
    };
    refused('sequenceDiagram', /^not JSON: /);
    refused('[]', /expected an object with an "events" array/);
    refused('{"channels":[]}', /expected an object with an "events" array/);
    const event = seedDeployment()[0];
    refused(JSON.stringify({ events: [event, 7] }), /^events\[1\]: expected an object$/);
    refused(JSON.stringify({ events: [{ ...event, txid: 12 }] }), /^events\[0\]\.txid: expected a string$/);
    refused(JSON.stringify({ events: [{ ...event, time: 'now' }] }), /^events\[0\]\.time: expected a number$/);
    refused(JSON.stringify({ events: [{ ...event, direction: 'sideways' }] }), /^events\[0\]\.direction: expected "to_chaincode" or "from_chaincode"$/);
  });
});
