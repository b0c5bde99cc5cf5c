/** The first PEM block in `bytes` (any label, as Go's pem.Decode finds it), or undefined when there is none. */
export function firstPemBlock(bytes: Uint8Array): { label: string; der: Uint8Array } | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  const match = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (match === null) return undefined;
  const [, label = '', body = ''] = match;
  // Headers (Proc-Type: ...) are not part of the base64 body.
  const base64 = body.includes(':') ? body.slice(body.search(/\r?\n\r?\n/) + 1) : body;
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) return undefined;
  return { label, der: new Uint8Array(Buffer.from(base64.replace(/\s+/g, ''), 'base64')) };
}

/** DER as PEM, 64 characters a line. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
