/** How much of an untrusted value an error or a log line quotes by default. */
export const QUOTE_LIMIT = 48;

/**
 * `text` as an error or a log line may quote it: whole when short, else its first `max`
 * characters and its full size. Whatever a chaincode or a client sends (a txid, a key, a channel
 * name) can be megabytes long; repeating it in every reply and log line would multiply it.
 */
export function truncate(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}...(${Buffer.byteLength(text)} bytes)`;
}
