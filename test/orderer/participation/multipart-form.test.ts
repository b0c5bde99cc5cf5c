import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MultipartError, multipartFormOfFile, parseMultipartForm } from '../../../src/orderer/participation/multipart-form.js';

const CRLF = '\r\n';

describe('parseMultipartForm', () => {
  test('reads back the form osnadmin sends, binary content intact', () => {
    const data = Buffer.from([0, 13, 10, 45, 45, 255, 1]);
    const { body, contentType } = multipartFormOfFile('config-block', 'config.block', data, 'b0undary');
    assert.equal(contentType, 'multipart/form-data; boundary=b0undary');
    assert.deepEqual(parseMultipartForm(body, 'b0undary'), [{ name: 'config-block', filename: 'config.block', data }]);
  });

  test('a preamble, values and files, quoted and bare parameters', () => {
    const body = Buffer.from(
      [
        'ignored preamble',
        '--xx',
        'Content-Disposition: form-data; name=comment',
        '',
        'hello',
        '--xx',
        'content-disposition: form-data; name="config-block"; filename="a \\"b\\".block"',
        'Content-Type: application/octet-stream',
        '',
        'BLOCK',
        '--xx--',
        '',
      ].join(CRLF),
    );
    assert.deepEqual(parseMultipartForm(body, 'xx'), [
      { name: 'comment', filename: undefined, data: Buffer.from('hello') },
      { name: 'config-block', filename: 'a "b".block', data: Buffer.from('BLOCK') },
    ]);
  });

  test('malformed bodies are refused, naming what is wrong', () => {
    const cases: Array<[string, string]> = [
      ['no delimiter at all', 'multipart: no opening boundary'],
      [['--xx', 'Content-Disposition: form-data; name="a"', '', 'data'].join(CRLF), 'multipart: the body ends before its closing boundary'],
      [['--xx', 'Content-Type: text/plain', '', 'data', '--xx--'].join(CRLF), 'multipart: a part has no Content-Disposition header'],
      [['--xx', 'Content-Disposition: attachment; name="a"', '', 'data', '--xx--'].join(CRLF), "multipart: a part's Content-Disposition is attachment, not form-data"],
      [['--xx', 'Content-Disposition: form-data', '', 'data', '--xx--'].join(CRLF), 'multipart: a part has no form field name'],
      [['--xxgarbage', 'Content-Disposition: form-data; name="a"', '', 'data', '--xx--'].join(CRLF), 'multipart: a boundary line does not end with CRLF'],
    ];
    for (const [body, message] of cases) {
      assert.throws(() => parseMultipartForm(Buffer.from(body), 'xx'), (err) => err instanceof MultipartError && err.message === message, body);
    }
    assert.throws(() => parseMultipartForm(Buffer.from(''), ''), /boundary is empty/);
  });
});
