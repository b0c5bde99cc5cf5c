import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/common/config/duration.js';

describe('parseDuration', () => {
  test('reads Go durations into milliseconds', () => {
    assert.equal(parseDuration('300s'), 300_000);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('2h45m'), 9_900_000);
    assert.equal(parseDuration('.5s'), 500);
    assert.equal(parseDuration('1500us'), 1.5);
    assert.equal(parseDuration('1500µs'), 1.5);
    assert.equal(parseDuration('2000000ns'), 2);
  });

  test('0 alone and 0 with a unit are zero', () => {
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('0s'), 0);
  });

  test('ignores blanks around the value', () => {
    assert.equal(parseDuration(' 5s '), 5000);
  });

  test('is undefined for anything that is not a duration', () => {
    for (const bad of ['', '   ', 'abc', '300', '5', '1h30', 's', '5 s', '5S', '5d', '1m x', 'x1m', '-', '1.2.3s', '10s!']) {
      assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
    }
  });

  test('can be called again after a failure (no state left behind)', () => {
    assert.equal(parseDuration('1mzz'), undefined);
    assert.equal(parseDuration('1m'), 60_000);
  });
});

describe('formatDuration', () => {
  test('prints as Go prints a time.Duration', () => {
    assert.equal(formatDuration(300_000), '5m0s');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(30_000), '30s');
    assert.equal(formatDuration(1_500), '1.5s');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(3_600_000), '1h0m0s');
    assert.equal(formatDuration(5_400_000), '1h30m0s');
    assert.equal(formatDuration(3_723_000), '1h2m3s');
  });

  test('prints zero as 0s, as Go does', () => {
    assert.equal(formatDuration(0), '0s');
  });

  test('round-trips through parseDuration', () => {
    for (const ms of [500, 1_500, 30_000, 90_000, 300_000, 5_400_000]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});
