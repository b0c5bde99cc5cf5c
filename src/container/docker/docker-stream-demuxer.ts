import { StringDecoder } from 'node:string_decoder';

const HEADER = 8;

/**
 * Splits the output Docker multiplexes onto one connection for a container without a terminal
 * (attach, logs): frames of an 8-byte header (stream 1 stdout or 2 stderr, three zero bytes, the
 * length as a big-endian uint32), then that many bytes. A frame may span chunks.
 */
export class DockerStreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly onText: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const text = this.decoders[stream].write(this.pending.subarray(HEADER, HEADER + size));
      this.pending = this.pending.subarray(HEADER + size);
      if (text !== '') this.onText(stream, text);
    }
  }
}
