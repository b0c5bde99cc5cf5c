import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LoggingSpec, LoggingSpecError } from '../../../src/common/logging/logging-spec.js';
import { WeftError } from '../../../src/common/errors/weft-error.js';

describe('LoggingSpec.parse', () => {
  test('an empty spec means info for everyone', () => {
    const spec = LoggingSpec.parse('');
    assert.equal(spec.defaultLevel, 'info');
    assert.equal(spec.levelFor('chaincode'), 'info');
  });

  test('a lone level sets the default', () => {
    assert.equal(LoggingSpec.parse('debug').levelFor('anything'), 'debug');
  });

  test('info:chaincode,container=debug sets two loggers and the default', () => {
    const spec = LoggingSpec.parse('info:chaincode,container=debug');
    assert.equal(spec.defaultLevel, 'info');
    assert.equal(spec.levelFor('chaincode'), 'debug');
    assert.equal(spec.levelFor('container'), 'debug');
    assert.equal(spec.levelFor('peer'), 'info');
  });

  test('the default may come after the logger terms', () => {
    const spec = LoggingSpec.parse('chaincode=debug:warning');
    assert.equal(spec.defaultLevel, 'warning');
    assert.equal(spec.levelFor('chaincode'), 'debug');
    assert.equal(spec.levelFor('peer'), 'warning');
  });

  test('a logger name covers its dotted children', () => {
    const spec = LoggingSpec.parse('gossip=debug');
    assert.equal(spec.levelFor('gossip.state'), 'debug');
    assert.equal(spec.levelFor('gossip.state.deep'), 'debug');
    assert.equal(spec.levelFor('gossip'), 'debug');
  });

  test('a name does not cover loggers that merely start with it', () => {
    const spec = LoggingSpec.parse('gossip=debug');
    assert.equal(spec.levelFor('gossipx'), 'info');
    assert.equal(spec.levelFor('x.gossip'), 'info');
  });

  test('the most specific name wins, whatever the order', () => {
    for (const text of ['gossip=debug:gossip.state=error', 'gossip.state=error:gossip=debug']) {
      const spec = LoggingSpec.parse(text);
      assert.equal(spec.levelFor('gossip.state'), 'error', text);
      assert.equal(spec.levelFor('gossip.state.x'), 'error', text);
      assert.equal(spec.levelFor('gossip.election'), 'debug', text);
    }
  });

  test('a later term for the same logger wins', () => {
    assert.equal(LoggingSpec.parse('a=debug:a=error').levelFor('a'), 'error');
  });

  test('warn and warning are the same level', () => {
    assert.equal(LoggingSpec.parse('warn').defaultLevel, 'warning');
    assert.equal(LoggingSpec.parse('warning').defaultLevel, 'warning');
  });

  test('critical is panic; panic, fatal and error parse', () => {
    assert.equal(LoggingSpec.parse('critical').defaultLevel, 'panic');
    assert.equal(LoggingSpec.parse('panic').defaultLevel, 'panic');
    assert.equal(LoggingSpec.parse('fatal').defaultLevel, 'fatal');
    assert.equal(LoggingSpec.parse('error').defaultLevel, 'error');
  });

  test('levels are case-insensitive', () => {
    const spec = LoggingSpec.parse('INFO:chaincode=Debug:peer=WARN');
    assert.equal(spec.defaultLevel, 'info');
    assert.equal(spec.levelFor('chaincode'), 'debug');
    assert.equal(spec.levelFor('peer'), 'warning');
  });

  test('blanks around terms and names are ignored, empty terms skipped', () => {
    const spec = LoggingSpec.parse(' warning :: chaincode , container = debug ');
    assert.equal(spec.defaultLevel, 'warning');
    assert.equal(spec.levelFor('chaincode'), 'debug');
    assert.equal(spec.levelFor('container'), 'debug');
  });
});

describe('LoggingSpec.parse errors', () => {
  function assertSpecError(text: string, detail: RegExp): void {
    assert.throws(
      () => LoggingSpec.parse(text),
      (err: unknown) => {
        assert.ok(err instanceof LoggingSpecError);
        assert.ok(err instanceof WeftError);
        assert.equal(err.code, 'LOGGING_SPEC_INVALID');
        assert.equal(err.name, 'LoggingSpecError');
        assert.ok(err.message.includes(`'${text}'`), err.message);
        assert.match(err.message, detail);
        return true;
      },
    );
  }

  test('an unknown default level', () => {
    assertSpecError('verbose', /unknown level 'verbose'/);
  });

  test('an unknown logger level', () => {
    assertSpecError('info:chaincode=loud', /unknown level 'loud'/);
  });

  test('a logger term without a level', () => {
    assertSpecError('chaincode=', /unknown level ''/);
  });

  test('an empty logger name before =', () => {
    assertSpecError('=debug', /empty logger name in '=debug'/);
  });

  test('an empty logger name in a list', () => {
    assertSpecError('info:chaincode,,container=debug', /empty logger name/);
  });
});
