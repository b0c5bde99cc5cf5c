import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStartScript } from '../../../src/container/process/start-script.js';

describe('parseStartScript', () => {
  test('node with its flags, its script and arguments runs without npm', () => {
    assert.deepEqual(parseStartScript({ start: 'node index.js' }), { kind: 'node', script: 'node index.js', args: ['index.js'] });
    assert.deepEqual(parseStartScript({ start: '  node --max-old-space-size=512  dist/index.js --flag ' }), {
      kind: 'node',
      script: '  node --max-old-space-size=512  dist/index.js --flag ',
      args: ['--max-old-space-size=512', 'dist/index.js', '--flag'],
    });
    assert.deepEqual(parseStartScript({ start: 'node -r ./tracing.js index.js' }).kind, 'node');
  });

  test('fabric-chaincode-node start runs the dependency command without npm; its other commands do not', () => {
    assert.deepEqual(parseStartScript({ start: 'fabric-chaincode-node start' }), {
      kind: 'bin',
      script: 'fabric-chaincode-node start',
      name: 'fabric-chaincode-node',
      args: ['start'],
    });
    assert.deepEqual(parseStartScript({ start: 'fabric-chaincode-node start --module-path dist' }).kind, 'bin');
    assert.equal(parseStartScript({ start: 'fabric-chaincode-node server' }).kind, 'npm');
  });

  test('shell syntax, other commands, environment assignments and npm hooks stay with npm, saying why', () => {
    const reason = (scripts: unknown): string => {
      const parsed = parseStartScript(scripts);
      if (parsed.kind !== 'npm') assert.fail(`${JSON.stringify(scripts)} runs without npm`);
      return parsed.reason;
    };
    assert.match(reason({ start: 'tsc && node dist/index.js' }), /shell syntax \("&&"\)/);
    assert.match(reason({ start: 'node index.js | tee log' }), /shell syntax \("\|"\)/);
    assert.match(reason({ start: 'node $ENTRY' }), /shell syntax \("\$"\)/);
    assert.match(reason({ start: 'node "my file.js"' }), /shell syntax/);
    assert.match(reason({ start: "node 'index.js'" }), /shell syntax/);
    assert.match(reason({ start: 'node dist/*.js' }), /shell syntax/);
    assert.match(reason({ start: 'node index.js; echo done' }), /shell syntax/);
    assert.match(reason({ start: 'node index.js\nnode other.js' }), /shell syntax/);
    assert.match(reason({ start: 'DEBUG=1 node index.js' }), /sets environment variables/);
    assert.match(reason({ start: 'npx fabric-chaincode-node start' }), /runs npx, not node/);
    assert.match(reason({ start: 'ts-node src/index.ts' }), /runs ts-node/);
    assert.match(reason({ start: 'node' }), /names no script/);
    assert.match(reason({ start: 'node indéx.js' }), /words a shell might change/);
    assert.match(reason({ prestart: 'tsc', start: 'node dist/index.js' }), /prestart script/);
    assert.match(reason({ start: 'node index.js', poststart: 'echo bye' }), /poststart script/);
    assert.match(reason({}), /no start script/);
    assert.match(reason(undefined), /no start script/);
    assert.match(reason({ start: 42 }), /no start script/);
  });
});
