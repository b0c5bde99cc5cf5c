import { WeftError } from '../../common/errors/weft-error.js';

/** One part of a multipart/form-data body: a file when it has a file name, a value otherwise (as Go's multipart.Form sorts them). */
export interface FormPart {
  name: string;
  filename: string | undefined;
  data: Buffer;
}

export class MultipartError extends WeftError<'MALFORMED_MULTIPART'> {}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * The parts of a multipart/form-data body held whole in memory (RFC 7578). The channel participation
 * API takes one small part, a config block, under a body size limit, so a streaming parser buys
 * nothing here; this one checks every delimiter and header it relies on and names what is wrong.
 */
export function parseMultipartForm(body: Buffer, boundary: string): FormPart[] {
  if (boundary === '' || boundary.length > 70) throw new MultipartError('MALFORMED_MULTIPART', 'multipart: boundary is empty or longer than 70 characters');
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may follow a preamble; it starts the body or a line.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : indexOrFail(body, next, 0, 'no opening boundary') + 2;
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts;
    // Transport padding (spaces, tabs) may follow a delimiter before its line break.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new MultipartError('MALFORMED_MULTIPART', 'multipart: a boundary line does not end with CRLF');
    at += 2;
    const headersEnd = indexOrFail(body, HEADERS_END, at - 2, 'a part has no end of headers');
    const headers = body.subarray(at, headersEnd).toString('latin1');
    const end = indexOrFail(body, next, headersEnd + 4, 'the body ends before its closing boundary');
    parts.push({ ...dispositionOf(headers), data: body.subarray(headersEnd + 4, end) });
    at = end + 2;
  }
}

function indexOrFail(body: Buffer, needle: Buffer, from: number, what: string): number {
  const found = body.indexOf(needle, from);
  if (found < 0) throw new MultipartError('MALFORMED_MULTIPART', `multipart: ${what}`);
  return found;
}

/** The form field name and file name of a part's Content-Disposition header. */
function dispositionOf(headers: string): { name: string; filename: string | undefined } {
  const line = headers
    .split('\r\n')
    .find((h) => h.toLowerCase().startsWith('content-disposition:'));
  if (line === undefined) throw new MultipartError('MALFORMED_MULTIPART', 'multipart: a part has no Content-Disposition header');
  const [type = '', ...params] = line.slice(line.indexOf(':') + 1).split(';');
  if (type.trim().toLowerCase() !== 'form-data') throw new MultipartError('MALFORMED_MULTIPART', `multipart: a part's Content-Disposition is ${type.trim()}, not form-data`);
  const values = new Map<string, string>();
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    const raw = param.slice(eq + 1).trim();
    values.set(key, raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  const name = values.get('name');
  if (name === undefined || name === '') throw new MultipartError('MALFORMED_MULTIPART', 'multipart: a part has no form field name');
  return { name, filename: values.get('filename') };
}

/** A multipart/form-data body of one file part (osnadmin's join request), and its Content-Type header. */
export function multipartFormOfFile(field: string, filename: string, data: Uint8Array, boundary: string): { body: Buffer; contentType: string } {
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]), contentType: `multipart/form-data; boundary=${boundary}` };
}
