import { messageTypeName, type ChaincodeMessage } from '../../common/protos/peer.js';
import { buildCallTree, messagesOf } from './call-tree.js';
import type { TraceDirection, TraceEvent } from './trace-event.js';
import { filterCallTree, type TraceFilter } from './trace-filter.js';

export interface ConversationTraceOptions {
  /** Messages kept per chaincode (chaincode.trace.size); the oldest go first. */
  size: number;
}

/** Chaincodes whose conversations are kept; a REGISTER names its chaincode, so a client could make up names without end. */
const MAX_CHAINCODES = 256;
const UNREGISTERED = '(unregistered)';

/**
 * The conversation trace (chaincode.trace): every message between the peer and each chaincode, in
 * a bounded ring per chaincode, for GET /trace and `weft trace`. Recording is an object and an
 * array slot a message, cheap enough to leave on while developing.
 */
export class ConversationTrace {
  private readonly rings = new Map<string, Ring>();
  private seq = 0;
  /** Read once: a getter that costs as much as the rest of a record. */
  private readonly timeOrigin = performance.timeOrigin;

  constructor(private readonly opts: ConversationTraceOptions) {}

  record(chaincode: string, direction: TraceDirection, msg: ChaincodeMessage, stateBefore: string, stateAfter: string): void {
    const name = chaincode === '' ? UNREGISTERED : chaincode;
    let ring = this.rings.get(name);
    if (ring === undefined) {
      if (this.rings.size >= MAX_CHAINCODES) {
        const oldest = this.rings.keys().next().value;
        if (oldest !== undefined) this.rings.delete(oldest);
      }
      ring = new Ring(this.opts.size);
      this.rings.set(name, ring);
    }
    // Once the ring is full its oldest event object is written over: no garbage per message.
    const event = ring.slot();
    event.seq = ++this.seq;
    event.time = this.timeOrigin + performance.now();
    event.chaincode = name;
    event.direction = direction;
    event.type = messageTypeName(msg.getType());
    event.txid = msg.getTxid();
    event.channel = msg.getChannelId();
    event.stateBefore = stateBefore;
    event.stateAfter = stateAfter;
    event.size = msg.getPayload_asU8().length;
  }

  /**
   * The recorded messages, oldest first: all, or those a filter keeps (see filterCallTree: a
   * chaincode's transactions keep the calls they made to other chaincodes whole).
   */
  events(filter: TraceFilter = {}): TraceEvent[] {
    const all = [...this.rings.values()].flatMap((ring) => ring.toArray()).sort((a, b) => a.seq - b.seq);
    if ((filter.chaincode ?? '') === '' && (filter.txid ?? '') === '') return all;
    return messagesOf(filterCallTree(buildCallTree(all), filter)).sort((a, b) => a.seq - b.seq);
  }

  /** Messages recorded per chaincode so far. */
  counts(): Map<string, number> {
    return new Map([...this.rings].map(([name, ring]) => [name, ring.total]));
  }
}

/** A fixed-size ring of the latest events. */
class Ring {
  private readonly slots: TraceEvent[] = [];
  private next = 0;
  total = 0;

  constructor(private readonly size: number) {}

  /** The event object to fill in for the next message: a new one until the ring is full, then the oldest. */
  slot(): TraceEvent {
    this.total++;
    if (this.slots.length < this.size) {
      const event: TraceEvent = { seq: 0, time: 0, chaincode: '', direction: 'to_chaincode', type: '', txid: '', channel: '', stateBefore: '', stateAfter: '', size: 0 };
      this.slots.push(event);
      return event;
    }
    const event = this.slots[this.next] as TraceEvent;
    this.next = (this.next + 1) % this.size;
    return event;
  }

  /** Copies of the events, oldest first: the ring's own objects are written over later. */
  toArray(): TraceEvent[] {
    const ordered = this.slots.length < this.size ? this.slots : [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
    return ordered.map((event) => ({ ...event }));
  }
}
