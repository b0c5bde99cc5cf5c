import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildConversation } from '../../../src/operations/trace/conversation.js';
import { mermaidText, renderMermaid } from '../../../src/operations/trace/render-mermaid.js';
import { HOSTILE_NAME, HOSTILE_TXID, hostileEvents, nestedCalls, seedDeployment } from './trace-fixtures.js';

describe('renderMermaid', () => {
  test("the seed's system chaincode deployment: REGISTER, REGISTERED, READY with the handler's state changes, then INIT and its state calls", () => {
    assert.equal(
      renderMermaid(buildConversation(seedDeployment())),
      [
        'sequenceDiagram',
        '    participant peer as peer',
        '    participant cc1 as lscc#58;1.4',
        '    cc1->>peer: REGISTER +0.00 ms',
        '    peer->>cc1: REGISTERED +0.12 ms',
        '    Note over cc1: created → established',
        '    peer->>cc1: READY +0.25 ms',
        '    Note over cc1: established → ready',
        '    peer->>cc1: INIT a1b2c3d4 +1.25 ms',
        '    cc1->>peer: GET_STATE a1b2c3d4 +1.50 ms',
        '    peer->>cc1: RESPONSE a1b2c3d4 +1.60 ms',
        '    cc1->>peer: PUT_STATE a1b2c3d4 +1.75 ms',
        '    peer->>cc1: RESPONSE a1b2c3d4 +1.80 ms',
        '    cc1->>peer: COMPLETED a1b2c3d4 +2.00 ms',
        '',
      ].join('\n'),
    );
  });

  test("a chaincode-to-chaincode call, and the callee's own call, nest as rects from INVOKE_CHAINCODE to the RESPONSE; another transaction's messages stay outside", () => {
    assert.equal(
      renderMermaid(buildConversation(nestedCalls())),
      [
        'sequenceDiagram',
        '    participant peer as peer',
        '    participant cc1 as mycc#58;1.0',
        '    participant cc2 as other#58;1.0',
        '    participant cc3 as third#58;2.0',
        '    participant cc4 as lscc#58;1.4',
        '    peer->>cc1: TRANSACTION 7e57ab1e +0.00 ms',
        '    cc1->>peer: GET_STATE 7e57ab1e +0.30 ms',
        '    peer->>cc1: RESPONSE 7e57ab1e +0.40 ms',
        '    rect rgba(70, 110, 190, 0.12)',
        '        Note over peer,cc3: call mycc#58;1.0 → other#58;1.0, txid 7e57ab1e',
        '        cc1->>peer: INVOKE_CHAINCODE 7e57ab1e +0.50 ms',
        '        peer->>cc2: TRANSACTION 7e57ab1e +0.70 ms',
        '        rect rgba(190, 120, 40, 0.14)',
        '            Note over peer,cc3: call other#58;1.0 → third#58;2.0, txid 7e57ab1e',
        '            cc2->>peer: INVOKE_CHAINCODE 7e57ab1e +0.90 ms',
        '            peer->>cc3: TRANSACTION 7e57ab1e +1.10 ms',
        '            cc3->>peer: PUT_STATE 7e57ab1e +1.20 ms',
        '            peer->>cc3: RESPONSE 7e57ab1e +1.30 ms',
        '            cc3->>peer: COMPLETED 7e57ab1e +1.40 ms',
        '            peer->>cc2: RESPONSE 7e57ab1e +1.50 ms',
        '        end',
        '        cc2->>peer: COMPLETED 7e57ab1e +1.60 ms',
        '        peer->>cc1: RESPONSE 7e57ab1e +1.70 ms',
        '    end',
        '    peer->>cc4: TRANSACTION f00dfeed +1.15 ms',
        '    cc4->>peer: COMPLETED f00dfeed +1.25 ms',
        '    cc1->>peer: PUT_STATE 7e57ab1e +1.80 ms',
        '    peer->>cc1: RESPONSE 7e57ab1e +1.90 ms',
        '    cc1->>peer: COMPLETED 7e57ab1e +2.25 ms',
        '',
      ].join('\n'),
    );
  });

  test('--chaincode mycc (the name before the colon) keeps the calls it made whole: the callees\' messages are part of its transaction', () => {
    const text = renderMermaid(buildConversation(nestedCalls(), { chaincode: 'mycc' }));
    assert.deepEqual(participants(text), ['peer', 'mycc#58;1.0', 'other#58;1.0', 'third#58;2.0']);
    assert.equal(arrows(text).length, 16);
    assert.equal(text.match(/^\s*rect /gm)?.length, 2);
    assert.ok(!text.includes('f00dfeed'), text);
    // The same with the registered name.
    assert.equal(renderMermaid(buildConversation(nestedCalls(), { chaincode: 'mycc:1.0' })), text);
  });

  test("--chaincode other: its own messages and its call, inside the frame of mycc's call to it", () => {
    const text = renderMermaid(buildConversation(nestedCalls(), { chaincode: 'other' }));
    assert.deepEqual(participants(text), ['peer', 'other#58;1.0', 'third#58;2.0']);
    assert.deepEqual(arrows(text), [
      'peer->>cc1: TRANSACTION 7e57ab1e +0.00 ms',
      'cc1->>peer: INVOKE_CHAINCODE 7e57ab1e +0.20 ms',
      'peer->>cc2: TRANSACTION 7e57ab1e +0.40 ms',
      'cc2->>peer: PUT_STATE 7e57ab1e +0.50 ms',
      'peer->>cc2: RESPONSE 7e57ab1e +0.60 ms',
      'cc2->>peer: COMPLETED 7e57ab1e +0.70 ms',
      'peer->>cc1: RESPONSE 7e57ab1e +0.80 ms',
      'cc1->>peer: COMPLETED 7e57ab1e +0.90 ms',
    ]);
    assert.equal(text.match(/^\s*rect /gm)?.length, 2);
  });

  test('--txid, whole or its first 8 characters: that transaction alone, timed from its first message', () => {
    const text = renderMermaid(buildConversation(nestedCalls(), { txid: 'f00dfeed' }));
    assert.deepEqual(participants(text), ['peer', 'lscc#58;1.4']);
    assert.deepEqual(arrows(text), ['peer->>cc1: TRANSACTION f00dfeed +0.00 ms', 'cc1->>peer: COMPLETED f00dfeed +0.10 ms']);
    const whole = buildConversation(seedDeployment(), { txid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' });
    assert.equal(whole.events.length, 6);
    assert.equal(buildConversation(nestedCalls(), { txid: 'nothing' }).events.length, 0);
  });

  test('hostile chaincode names and txids cannot end a statement, start one, or inject markup: every line is one statement of ours', () => {
    const text = renderMermaid(buildConversation(hostileEvents()));
    const lines = text.trimEnd().split('\n');
    const label = String.raw`(?:[\p{L}\p{M}\p{N} _.,()/+=@!?*\-→…]|#\d+;)+`;
    const statement = new RegExp(
      String.raw`^(?:sequenceDiagram|\s+participant (?:peer|cc\d+) as ${label}|\s+(?:peer|cc\d+)->>(?:peer|cc\d+): ${label}|\s+Note over (?:peer|cc\d+)(?:,cc\d+)?: ${label}|\s+rect rgba\([\d., ]+\)|\s+end)$`,
      'u',
    );
    for (const line of lines) assert.match(line, statement);
    // The statements the events make, and no more: 3 lanes, 7 arrows, 1 note, 1 rect with its note and end.
    assert.equal(lines.length, 1 + 3 + 7 + 1 + 3);
    // Past our arrows and entity codes, no syntax character is left.
    assert.ok(!/[<>;%#:"\r]/.test(text.replace(/->>/g, '').replace(/#\d+;/g, '').replace(/^(\s*[^:]+): /gm, '$1 ')), text);
    // Long names are cut, and say so.
    assert.match(text, /participant cc2 as x{63}…\n/);
    assert.ok(HOSTILE_NAME.includes('\n') && HOSTILE_TXID.includes(';'));
  });

  test('mermaidText writes each syntax character as its entity code, which Mermaid shows as the character', () => {
    assert.equal(mermaidText('a:b;c#d%e<f>g\nh"i'), 'a#58;b#59;c#35;d#37;e#60;f#62;g#10;h#34;i');
    assert.equal(mermaidText('mycc 1.0 (v2) → é'), 'mycc 1.0 (v2) → é');
  });
});

function participants(text: string): string[] {
  return [...text.matchAll(/^\s*participant \S+ as (.*)$/gm)].map((m) => m[1] ?? '');
}

function arrows(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes('->>'));
}
