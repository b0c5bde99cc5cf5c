import type { Response } from './peer.js';
import type { WireWriter } from './wire-writer.js';

/** A peer.Response {status 1, message 2, payload 3}, as the generated code writes it. */
export function writeResponse(w: WireWriter, response: Response): void {
  const status = response.getStatus();
  if (status !== 0) w.int32(1, status);
  const message = response.getMessage();
  if (message !== '') w.string(2, message);
  const payload = response.getPayload_asU8();
  if (payload.length > 0) w.bytes(3, payload);
}
