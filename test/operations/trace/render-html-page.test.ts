import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildConversation } from '../../../src/operations/trace/conversation.js';
import { renderHtml } from '../../../src/operations/trace/render-html.js';
import { assertNotBlank, inkOf, launchChromium, testChromium } from '../../helpers/browser.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { HOSTILE_NAME, hostileEvents, nestedCalls, seedDeployment } from './trace-fixtures.js';

const found = testChromium();

describe('the HTML page in headless chromium', { skip: found.skip }, () => {
  let browser: Browser;
  let launched: Browser | undefined;
  before(async () => {
    browser = launched = await launchChromium(found);
  });
  after(async () => {
    await launched?.close();
  });

  /** Opens the page from a file, as a user would, noting every request it makes and every script error or dialog. */
  async function open(html: string): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const file = join(await tempDir('weft-trace-page-'), 'trace.html');
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, requests: requests.filter((url) => url !== pathToFileURL(file).href), problems };
  }

  test("lanes, arrows and nested calls are in the SVG's DOM, the table lists every message, and the screenshot is not blank", async () => {
    const events = [...seedDeployment(), ...nestedCalls().map((e) => ({ ...e, seq: e.seq + 100, time: e.time + 5 }))];
    const { page, requests, problems } = await open(renderHtml(buildConversation(events)));
    try {
      assert.equal(await page.title(), 'Chaincode conversation');
      assert.equal(await page.locator('h1').textContent(), 'Chaincode conversation');
      assert.equal(await page.locator('svg.weft-trace').count(), 1);
      assert.equal(await page.locator('svg.weft-trace g.lane').count(), 5);
      assert.deepEqual(await page.locator('svg.weft-trace g.lane text.lane-name').allTextContents(), ['peer', 'lscc:1.4', 'mycc:1.0', 'other:1.0', 'third:2.0']);
      assert.equal(await page.locator('svg.weft-trace g.arrow').count(), 27);
      assert.equal(await page.locator('svg.weft-trace g.call').count(), 2);
      assert.equal(await page.locator('svg.weft-trace g.call[data-depth="2"]').count(), 1);
      assert.equal(await page.locator('table.events tbody tr').count(), 27);
      assert.equal(await page.locator('svg.weft-trace g.arrow text').first().textContent(), 'REGISTER +0.00 ms');
      // The SVG is laid out by the browser as a real drawing: its lanes are apart, its arrows have length.
      const box = await page.locator('svg.weft-trace').boundingBox();
      assert.ok(box !== null && box.width > 1000 && box.height > 600, JSON.stringify(box));
      const screenshot = await page.screenshot({ fullPage: true });
      const ink = await assertNotBlank(browser, screenshot);
      assert.ok(ink.colours >= 4, `${String(ink.colours)} colours`);
      assert.deepEqual(requests, []);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('hostile names show as text: no script runs, no element of theirs, nothing fetched', async () => {
    const { page, requests, problems } = await open(renderHtml(buildConversation(hostileEvents())));
    try {
      assert.equal(await page.locator('script, img, br').count(), 0);
      assert.equal(await page.locator('svg').count(), 1);
      assert.equal(await page.locator('svg.weft-trace g.lane').count(), 3);
      assert.equal(await page.locator('svg.weft-trace g.arrow').count(), 7);
      const shown = await page.locator('table.events tbody tr').first().locator('td').nth(2).textContent();
      assert.equal(shown, HOSTILE_NAME.replace('\n', '?'));
      assert.deepEqual(requests, []);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('the blank check tells a blank screenshot from a drawn one', async () => {
    const page = await browser.newPage({ viewport: { width: 200, height: 120 } });
    try {
      await page.setContent('<body style="margin:0;background:#fff"></body>');
      const blank = await page.screenshot();
      assert.equal((await inkOf(browser, blank)).inked, 0);
      await assert.rejects(assertNotBlank(browser, blank), /the screenshot is blank: 0 of 24000 pixels/);
    } finally {
      await page.close();
    }
  });
});
