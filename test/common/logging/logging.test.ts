import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Logging } from '../../../src/common/logging/logging.js';

const PINNED = new Date('2026-11-24T07:52:09.418Z');

function capture(spec?: string): { logging: Logging; lines: string[] } {
  const lines: string[] = [];
  const logging = new Logging({ spec, sink: (line) => lines.push(line), now: () => PINNED });
  return { logging, lines };
}

describe('Logging line format', () => {
  test('prints a line exactly as Fabric does, with a trailing newline', () => {
    const { logging, lines } = capture();
    logging.logger('sccapi').info('deploySysCC', 'message');
    assert.deepEqual(lines, ['2026-11-24 07:52:09.418 UTC [sccapi] deploySysCC -> INFO 001 message\n']);
  });

  test('prints the time in UTC with milliseconds, zero padded', () => {
    const lines: string[] = [];
    const logging = new Logging({ sink: (l) => lines.push(l), now: () => new Date(Date.UTC(2027, 0, 2, 3, 4, 5, 6)) });
    logging.logger('peer').info('Initialize', 'x');
    assert.equal(lines[0], '2027-01-02 03:04:05.006 UTC [peer] Initialize -> INFO 001 x\n');
  });

  test('tags each level with its four letters', () => {
    const { logging, lines } = capture('debug');
    const log = logging.logger('chaincode');
    log.debug('f', 'd');
    log.info('f', 'i');
    log.warn('f', 'w');
    log.error('f', 'e');
    log.fatal('f', 'x');
    assert.deepEqual(
      lines.map((l) => l.split(' ')[6]),
      ['DEBU', 'INFO', 'WARN', 'ERRO', 'FATA'],
    );
  });

  test('keeps multi-line messages whole in one sink call', () => {
    const { logging, lines } = capture();
    logging.logger('nodeCmd').info('serve', 'Starting peer:\n Version: 1.4.3');
    assert.deepEqual(lines, ['2026-11-24 07:52:09.418 UTC [nodeCmd] serve -> INFO 001 Starting peer:\n Version: 1.4.3\n']);
  });
});

describe('Logging sequence numbers', () => {
  test('are hexadecimal, three digits, and shared by all loggers of one Logging', () => {
    const { logging, lines } = capture();
    const a = logging.logger('a');
    const b = logging.logger('b');
    for (let i = 0; i < 11; i++) (i % 2 === 0 ? a : b).info('f', `m${i}`);
    assert.deepEqual(
      lines.map((l) => l.split(' ')[7]),
      ['001', '002', '003', '004', '005', '006', '007', '008', '009', '00a', '00b'],
    );
    assert.match(lines[0] as string, /\[a\] f -> INFO 001 m0\n$/);
    assert.match(lines[1] as string, /\[b\] f -> INFO 002 m1\n$/);
  });

  test('grow past three digits after 0xfff', () => {
    const { logging, lines } = capture();
    const log = logging.logger('a');
    for (let i = 0; i < 0x1000; i++) log.info('f', 'm');
    assert.equal(lines[0xffe]?.split(' ')[7], 'fff');
    assert.equal(lines[0xfff]?.split(' ')[7], '1000');
  });

  test('count only lines written, not those filtered out by level', () => {
    const { logging, lines } = capture('info');
    const log = logging.logger('a');
    log.debug('f', 'hidden');
    log.info('f', 'shown');
    assert.deepEqual(lines, ['2026-11-24 07:52:09.418 UTC [a] f -> INFO 001 shown\n']);
  });

  test('belong to one Logging: a second Logging counts from 001', () => {
    const first = capture();
    const second = capture();
    first.logging.logger('a').info('f', 'x');
    first.logging.logger('a').info('f', 'y');
    second.logging.logger('a').info('f', 'z');
    assert.equal(first.lines[1]?.split(' ')[7], '002');
    assert.equal(second.lines[0]?.split(' ')[7], '001');
  });
});

describe('Logging levels', () => {
  test('the default spec is info: debug lines are dropped, info and above written', () => {
    const { logging, lines } = capture();
    const log = logging.logger('x');
    log.debug('f', 'd');
    log.info('f', 'i');
    log.warn('f', 'w');
    log.error('f', 'e');
    assert.deepEqual(lines.map((l) => l.split(' ')[6]), ['INFO', 'WARN', 'ERRO']);
    assert.equal(log.debugEnabled, false);
  });

  test('error level drops info and warnings but fatal is always written', () => {
    const { logging, lines } = capture('error');
    const log = logging.logger('x');
    log.info('f', 'i');
    log.warn('f', 'w');
    log.error('f', 'e');
    log.fatal('f', 'x');
    assert.deepEqual(lines.map((l) => l.split(' ')[6]), ['ERRO', 'FATA']);
  });

  test('fatal level writes only fatal lines', () => {
    const { logging, lines } = capture('fatal');
    const log = logging.logger('x');
    log.error('f', 'e');
    log.fatal('f', 'x');
    assert.deepEqual(lines.map((l) => l.split(' ')[6]), ['FATA']);
  });

  test('per-logger levels come from the spec', () => {
    const { logging, lines } = capture('info:chaincode,container=debug');
    logging.logger('chaincode').debug('f', 'cc');
    logging.logger('container').debug('f', 'ct');
    logging.logger('peer').debug('f', 'peer');
    assert.deepEqual(lines.map((l) => l.split(' ').slice(-1)[0]), ['cc\n', 'ct\n']);
    assert.equal(logging.logger('chaincode').debugEnabled, true);
    assert.equal(logging.logger('peer').debugEnabled, false);
  });

  test('isEnabledFor follows the level', () => {
    const { logging } = capture('warning');
    const log = logging.logger('x');
    assert.equal(log.isEnabledFor('info'), false);
    assert.equal(log.isEnabledFor('warning'), true);
    assert.equal(log.isEnabledFor('error'), true);
  });

  test('logger() returns the same logger for the same module', () => {
    const { logging } = capture();
    assert.equal(logging.logger('a'), logging.logger('a'));
    assert.equal(logging.logger('a').module, 'a');
  });

  test('setSpec changes the level of loggers made before it', () => {
    const { logging, lines } = capture('info');
    const cc = logging.logger('chaincode');
    const peer = logging.logger('peer');
    cc.debug('f', 'before');
    logging.setSpec('warning:chaincode=debug');
    cc.debug('f', 'after');
    peer.info('f', 'dropped');
    peer.warn('f', 'kept');
    assert.equal(cc.debugEnabled, true);
    assert.deepEqual(lines.map((l) => l.split(' ').slice(-1)[0]), ['after\n', 'kept\n']);
  });

  test('setSpec applies to loggers made after it', () => {
    const { logging } = capture('info');
    logging.setSpec('debug');
    assert.equal(logging.logger('new').debugEnabled, true);
  });

  test('a bad spec in setSpec throws and leaves the levels as they were', () => {
    const { logging } = capture('chaincode=debug');
    const cc = logging.logger('chaincode');
    assert.throws(() => logging.setSpec('nonsense'), { code: 'LOGGING_SPEC_INVALID' });
    assert.equal(cc.debugEnabled, true);
  });

  test('a bad spec in the constructor throws LoggingSpecError', () => {
    assert.throws(() => new Logging({ spec: 'info:chaincode=loud', sink: () => undefined }), {
      name: 'LoggingSpecError',
      code: 'LOGGING_SPEC_INVALID',
    });
  });
});
