/**
 * The address a client on this machine dials for a listen address: a wildcard (or empty) host
 * means this machine, reached as `loopback` (a TLS client wants a host name there, e.g. localhost).
 */
export function dialAddress(address: string, loopback = '127.0.0.1'): string {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return host === '0.0.0.0' || host === '' || host === '[::]' || host === '::' ? `${loopback}${address.slice(colon)}` : address;
}
