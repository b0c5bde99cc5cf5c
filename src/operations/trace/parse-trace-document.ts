import { WeftError } from '../../common/errors/weft-error.js';
import type { TraceDirection, TraceDocument, TraceEvent } from './trace-event.js';

/** Text (a file, an HTTP body) that is not a TraceDocument; the message names the first fault. */
export class TraceDocumentError extends WeftError<'NOT_A_TRACE_DOCUMENT'> {}

/**
 * Reads a TraceDocument from JSON text, checking every event's fields, so that a file that is
 * something else is refused here with the field at fault, not drawn as a diagram of nonsense.
 */
export function parseTraceDocument(text: string): TraceDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', `not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!isRecord(json) || !Array.isArray(json.events)) {
    throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', 'expected an object with an "events" array');
  }
  return { events: json.events.map((event: unknown, i) => traceEvent(event, `events[${String(i)}]`)) };
}

function traceEvent(value: unknown, where: string): TraceEvent {
  if (!isRecord(value)) throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', `${where}: expected an object`);
  const text = (field: string): string => {
    const v = value[field];
    if (typeof v !== 'string') throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', `${where}.${field}: expected a string`);
    return v;
  };
  const number = (field: string): number => {
    const v = value[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', `${where}.${field}: expected a number`);
    return v;
  };
  const direction = (): TraceDirection => {
    const v = value.direction;
    if (v !== 'to_chaincode' && v !== 'from_chaincode') {
      throw new TraceDocumentError('NOT_A_TRACE_DOCUMENT', `${where}.direction: expected "to_chaincode" or "from_chaincode"`);
    }
    return v;
  };
  // Checked in the order the fields are declared, so that the fault named is the first one.
  return {
    seq: number('seq'),
    time: number('time'),
    chaincode: text('chaincode'),
    direction: direction(),
    type: text('type'),
    txid: text('txid'),
    channel: text('channel'),
    stateBefore: text('stateBefore'),
    stateAfter: text('stateAfter'),
    size: number('size'),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
