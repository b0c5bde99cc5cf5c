// The contract under test: a counter per key, written with fabric-contract-api as any chaincode is.
import { Contract } from 'fabric-contract-api';

export class CounterContract extends Contract {
  constructor() {
    super('CounterContract');
  }

  async Increment(ctx, key) {
    const current = Number(Buffer.from(await ctx.stub.getState(key)).toString() || '0');
    await ctx.stub.putState(key, Buffer.from(String(current + 1)));
    ctx.stub.setEvent('Incremented', Buffer.from(key));
    return String(current + 1);
  }

  async Get(ctx, key) {
    return Buffer.from(await ctx.stub.getState(key)).toString() || '0';
  }
}
