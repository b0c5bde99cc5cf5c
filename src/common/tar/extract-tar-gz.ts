import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Unpacks a gzipped tar into `into`. No absolute path or `..` leaves the folder (tar refuses them
 * unless told to keep them). With `only`, entries of any other type (links, devices) are left out
 * and returned, as `path (type)`, for the caller to refuse the archive; the extraction's own
 * failure (not a gzipped tar, say) is thrown as it is.
 */
export async function extractTarGz(bytes: Uint8Array, into: string, only?: ReadonlySet<string>): Promise<string[]> {
  const { x } = await import('tar');
  const skipped: string[] = [];
  const filter =
    only === undefined
      ? undefined
      : (path: string, entry: { type?: string } | object): boolean => {
          const type = 'type' in entry && typeof entry.type === 'string' ? entry.type : 'File';
          if (only.has(type)) return true;
          skipped.push(`${path} (${type})`);
          return false;
        };
  await pipeline(Readable.from([Buffer.from(bytes)]), x({ cwd: into, gzip: true, strict: true, ...(filter === undefined ? {} : { filter }) }));
  return skipped;
}
