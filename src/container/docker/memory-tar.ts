import { Header } from 'tar';

const BLOCK = 512;

/**
 * Tar entries for files held in memory (a Dockerfile, TLS credentials), each owned by root.
 * With `end`, the two empty blocks that close an archive follow; without, more entries may.
 */
export function memoryTar(files: ReadonlyMap<string, Uint8Array>, opts: { mode: number; end: boolean }): Buffer {
  const blocks: Buffer[] = [];
  const mtime = new Date();
  for (const [path, content] of files) {
    const header = new Header({ path: path.replace(/^\/+/, ''), mode: opts.mode, uid: 0, gid: 0, size: content.length, mtime, type: 'File' });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    blocks.push(block, Buffer.from(content), Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  if (opts.end) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}
