import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildConversation } from '../../../src/operations/trace/conversation.js';
import { renderHtml } from '../../../src/operations/trace/render-html.js';
import { renderSvg } from '../../../src/operations/trace/render-svg.js';
import { hostileEvents, nestedCalls, seedDeployment } from './trace-fixtures.js';

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('renderSvg', () => {
  test('one lane (header box and lifeline) per participant, one arrow with an arrowhead per message, one note per state change', () => {
    const svg = renderSvg(buildConversation(seedDeployment()));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="weft-trace" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    assert.equal(count(svg, /<g class="lane"/g), 2);
    assert.equal(count(svg, /<rect class="lane-header"/g), 2);
    assert.equal(count(svg, /<line class="lifeline"/g), 2);
    assert.equal(count(svg, /<g class="arrow /g), 9);
    assert.equal(count(svg, /marker-end="url\(#weft-trace-arrowhead\)"/g), 9);
    assert.equal(count(svg, /<marker id="weft-trace-arrowhead"/g), 1);
    assert.equal(count(svg, /<g class="note">/g), 2);
    assert.equal(count(svg, /<g class="call"/g), 0);
    assert.match(svg, />lscc:1\.4<\/text>/);
    assert.match(svg, />INIT a1b2c3d4 \+1\.25 ms<\/text>/);
    assert.match(svg, />created → established<\/text>/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
  });

  test('chaincode-to-chaincode calls are shaded boxes, the inner one within the outer', () => {
    const svg = renderSvg(buildConversation(nestedCalls()));
    assert.equal(count(svg, /<g class="lane"/g), 5);
    assert.equal(count(svg, /<g class="arrow /g), 18);
    const boxes = [...svg.matchAll(/<g class="call" data-depth="(\d)"><rect class="call-box" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) =>
      m.slice(1).map(Number),
    );
    assert.equal(boxes.length, 2);
    const [outer, inner] = boxes as [number[], number[]];
    const [outerDepth = 0, ox = 0, oy = 0, ow = 0, oh = 0] = outer;
    const [innerDepth = 0, ix = 0, iy = 0, iw = 0, ih = 0] = inner;
    assert.deepEqual([outerDepth, innerDepth], [1, 2]);
    assert.ok(ix > ox && iy > oy && ix + iw < ox + ow && iy + ih < oy + oh, `inner ${String(inner)} not within outer ${String(outer)}`);
    assert.match(svg, /call mycc:1\.0 → other:1\.0, txid 7e57ab1e<\/text>/);
    assert.match(svg, /call other:1\.0 → third:2\.0, txid 7e57ab1e<\/text>/);
  });

  test('hostile names and txids are escaped: no element of theirs, no control character, long names cut', () => {
    const conversation = buildConversation(hostileEvents());
    for (const text of [renderSvg(conversation), renderHtml(conversation)]) {
      assert.ok(!/<script|<img|<br/i.test(text), text);
      assert.equal(count(text, /<\/svg>/g), 1);
      assert.match(text, /&lt;\/svg&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(text, /&lt;img src/);
      assert.ok(!/[^\n\P{Cc}]/u.test(text), 'a control character reached the output');
      assert.ok(!text.includes('x'.repeat(200)), 'a 500-character name is cut');
    }
  });
});

describe('renderHtml', () => {
  test('one page with a title, the SVG inline and a row per message, loading nothing from anywhere', () => {
    const html = renderHtml(buildConversation(nestedCalls(), { chaincode: 'lscc' }), 'Chaincode conversation of lscc');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Chaincode conversation of lscc<\/title>/);
    assert.match(html, /<h1>Chaincode conversation of lscc<\/h1>/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    assert.equal(count(html, /<svg /g), 1);
    assert.equal(count(html, /<tr><td class="num">/g), 2);
    assert.match(html, /<td class="txid">f00dfeed99998888777766665555444433332222111100000000aaaabbbbcccc<\/td>/);
    // The only URL is the SVG namespace, which nothing fetches.
    assert.deepEqual(html.match(/\w+:\/\/[^"' <]*/g), ['http://www.w3.org/2000/svg']);
    assert.ok(!/<script|<link|@import|url\(http/i.test(html));
  });
});
