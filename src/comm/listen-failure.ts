/**
 * The one line of a listener that could not bind: the address, the configuration key it came from
 * (so the user knows what to change), and why, in words.
 */
export function listenFailureText(address: string, setting: string | undefined, reason: string): string {
  return `failed to listen on ${address}${setting === undefined ? '' : ` (${setting})`}: ${listenFailureReason(reason)}`;
}

/**
 * Why the bind failed ("address already in use"), out of Node's `listen EADDRINUSE: address already
 * in use 127.0.0.1:7051`, which grpc-js wraps in a sentence of its own ("No address added out of
 * total 1 resolved errors: [...]"): both repeat the address the line already names. Any other
 * failure (a host name that does not resolve) is kept whole.
 */
function listenFailureReason(message: string): string {
  return /\blisten E[A-Z]+: ([a-z ]+) /.exec(message)?.[1] ?? message;
}
