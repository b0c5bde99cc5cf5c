import { Header } from 'tar';

const BLOCK = 512;

/**
 * Tar entries for files held in memory (a Dockerfile, TLS credentials, the parts of a chaincode
 * package), each owned by root. With `end`, the two empty blocks that close an archive follow;
 * without, more entries may. `mtime` (now by default) is pinned where the bytes must not depend
 * on when they were packed, as a package whose hash names it.
 */
export function memoryTar(files: ReadonlyMap<string, Uint8Array>, opts: { mode: number; end: boolean; mtime?: Date }): Buffer {
  const blocks: Buffer[] = [];
  const mtime = opts.mtime ?? new Date();
  for (const [path, content] of files) {
    const header = new Header({ path: path.replace(/^\/+/, ''), mode: opts.mode, uid: 0, gid: 0, size: content.length, mtime, type: 'File' });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    blocks.push(block, Buffer.from(content), Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  if (opts.end) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}
