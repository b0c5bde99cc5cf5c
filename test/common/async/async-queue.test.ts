import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { AsyncQueue, QueueClosedError } from '../../../src/common/async/async-queue.js';
import { WeftError } from '../../../src/common/errors/weft-error.js';

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

function isQueueClosed(name: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof QueueClosedError);
    assert.ok(err instanceof WeftError);
    assert.equal(err.code, 'QUEUE_CLOSED');
    assert.equal(err.name, 'QueueClosedError');
    assert.equal(err.message, `${name} is closed`);
    return true;
  };
}

describe('AsyncQueue', () => {
  test('hands items out first in, first out', async () => {
    const q = new AsyncQueue<number>(10);
    for (const n of [1, 2, 3]) await q.push(n);
    assert.equal(q.size, 3);
    assert.deepEqual([await q.shift(), await q.shift(), await q.shift()], [1, 2, 3]);
    assert.equal(q.size, 0);
  });

  test('push resolves at once while there is room', async () => {
    const q = new AsyncQueue<string>(2);
    assert.equal(await settled(q.push('a')), true);
    assert.equal(await settled(q.push('b')), true);
  });

  test('push waits while full and resumes when an item is shifted', async () => {
    const q = new AsyncQueue<string>(1);
    await q.push('a');
    const pushing = q.push('b');
    assert.equal(await settled(pushing), false);
    assert.equal(q.size, 1);
    assert.equal(await q.shift(), 'a');
    assert.equal(await settled(pushing), true);
    assert.equal(q.size, 1);
    assert.equal(await q.shift(), 'b');
  });

  test('waiting givers are served in order', async () => {
    const q = new AsyncQueue<number>(1);
    await q.push(0);
    const givers = [q.push(1), q.push(2), q.push(3)];
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push(await q.shift());
    await Promise.all(givers);
    assert.deepEqual(got, [0, 1, 2, 3]);
  });

  test('shift waits while empty and gets the next pushed item', async () => {
    const q = new AsyncQueue<string>(1);
    const taking = q.shift();
    assert.equal(await settled(taking), false);
    await q.push('x');
    assert.equal(await taking, 'x');
    assert.equal(q.size, 0);
  });

  test('waiting takers are served in order', async () => {
    const q = new AsyncQueue<string>(1);
    const takers = [q.shift(), q.shift()];
    await q.push('first');
    await q.push('second');
    assert.deepEqual(await Promise.all(takers), ['first', 'second']);
  });

  test('capacity 0 is a rendezvous: push waits for a taker', async () => {
    const q = new AsyncQueue<string>(0);
    const pushing = q.push('x');
    assert.equal(await settled(pushing), false);
    assert.equal(await q.shift(), 'x');
    assert.equal(await settled(pushing), true);
  });

  test('close rejects waiting takers with QueueClosedError', async () => {
    const q = new AsyncQueue<string>(1, 'my queue');
    const takers = [q.shift(), q.shift()];
    q.close();
    assert.equal(q.isClosed, true);
    for (const t of takers) await assert.rejects(t, isQueueClosed('my queue'));
  });

  test('close rejects waiting givers with QueueClosedError and drops their items', async () => {
    const q = new AsyncQueue<string>(1, 'my queue');
    await q.push('kept');
    const giver = q.push('dropped');
    q.close();
    await assert.rejects(giver, isQueueClosed('my queue'));
    assert.equal(await q.shift(), 'kept');
    await assert.rejects(q.shift(), isQueueClosed('my queue'));
  });

  test('items queued before close are still taken, then shift rejects', async () => {
    const q = new AsyncQueue<number>(5);
    await q.push(1);
    await q.push(2);
    q.close();
    assert.equal(await q.shift(), 1);
    assert.equal(await q.shift(), 2);
    await assert.rejects(q.shift(), isQueueClosed('queue'));
    await assert.rejects(q.shift(), isQueueClosed('queue'));
  });

  test('push after close returns a rejected promise, never throws', async () => {
    const q = new AsyncQueue<number>(5, 'q');
    q.close();
    let pushing: Promise<void> | undefined;
    assert.doesNotThrow(() => {
      pushing = q.push(1);
    });
    await assert.rejects(pushing as Promise<void>, isQueueClosed('q'));
    assert.equal(q.size, 0);
  });

  test('shift on a closed empty queue returns a rejected promise, never throws', async () => {
    const q = new AsyncQueue<number>(5);
    q.close();
    let taking: Promise<number> | undefined;
    assert.doesNotThrow(() => {
      taking = q.shift();
    });
    await assert.rejects(taking as Promise<number>, { code: 'QUEUE_CLOSED' });
  });

  test('closing twice is harmless', async () => {
    const q = new AsyncQueue<number>(5);
    await q.push(7);
    q.close();
    q.close();
    assert.equal(await q.shift(), 7);
  });

  test('10,000 items through a capacity-1 queue keep their order', async () => {
    const q = new AsyncQueue<number>(1);
    const n = 10_000;
    const producer = (async () => {
      for (let i = 0; i < n; i++) await q.push(i);
      q.close();
    })();
    const got: number[] = [];
    for (;;) {
      try {
        got.push(await q.shift());
      } catch (err) {
        assert.ok(err instanceof QueueClosedError);
        break;
      }
    }
    await producer;
    assert.equal(got.length, n);
    for (let i = 0; i < n; i++) if (got[i] !== i) assert.fail(`item ${i} was ${String(got[i])}`);
  });

  test('many queued items survive the internal compaction in order', async () => {
    const q = new AsyncQueue<number>(5000);
    for (let i = 0; i < 5000; i++) await q.push(i);
    for (let i = 0; i < 3000; i++) assert.equal(await q.shift(), i);
    for (let i = 5000; i < 8000; i++) await q.push(i);
    assert.equal(q.size, 5000);
    for (let i = 3000; i < 8000; i++) if ((await q.shift()) !== i) assert.fail(`expected ${i}`);
    assert.equal(q.size, 0);
  });
});
