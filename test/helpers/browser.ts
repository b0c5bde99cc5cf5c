import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The variable naming the chromium the page tests drive; Debian's is the default. */
export const CHROMIUM_VARIABLE = 'WEFT_CHROMIUM';
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The chromium for the page tests. Without one they are skipped outside CI, saying how to run
 * them; in CI (CI=true) they run and fail, since a page CI does not open is a page nobody tests.
 * The same rule as the Docker tests' (docker-engine.ts).
 */
export function testChromium(): { executablePath: string | undefined; skip: string | false } {
  const given = process.env[CHROMIUM_VARIABLE];
  const path = given === undefined || given === '' ? DEFAULT_CHROMIUM : given;
  try {
    accessSync(path, constants.X_OK);
    return { executablePath: path, skip: false };
  } catch {
    if (process.env.CI === 'true') return { executablePath: undefined, skip: false };
    return {
      executablePath: undefined,
      skip: `no chromium at ${path}: install Debian's (apt-get install chromium) or set ${CHROMIUM_VARIABLE}=/path/to/chromium to run the page tests`,
    };
  }
}

/** Headless chromium (no sandbox: CI runs as root in a container), or the failure CI must show when there is none. */
export async function launchChromium(found: { executablePath: string | undefined }): Promise<Browser> {
  if (found.executablePath === undefined) {
    const path = process.env[CHROMIUM_VARIABLE] ?? DEFAULT_CHROMIUM;
    throw new Error(`CI=true but there is no chromium at ${path}: the page tests need one (bash .ci/run installs Debian's; or set ${CHROMIUM_VARIABLE})`);
  }
  return chromium.launch({ executablePath: found.executablePath, headless: true, args: ['--no-sandbox'] });
}

/** How much of a screenshot is drawn on: pixels unlike its top-left corner's colour (the page's background). */
export interface Ink {
  width: number;
  height: number;
  /** Pixels that differ from the background by more than a little in some channel. */
  inked: number;
  /** Distinct colours among the inked pixels (capped at 64). */
  colours: number;
}

/**
 * Decodes a PNG screenshot in a blank page of the browser itself (an <img> drawn into a
 * canvas), and counts the pixels that are not the background. A blank or failed render is one
 * colour throughout; a drawn diagram has lines and text in a few colours.
 */
export async function inkOf(browser: Browser, png: Buffer): Promise<Ink> {
  const page = await browser.newPage();
  try {
    // A string, not a function: the page's DOM types are not in this project's TypeScript lib.
    const result: unknown = await page.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${png.toString('base64')}';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(img, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      const background = [data[0], data[1], data[2]];
      let inked = 0;
      const colours = new Set();
      for (let i = 0; i < data.length; i += 4) {
        const differs = Math.abs(data[i] - background[0]) + Math.abs(data[i + 1] - background[1]) + Math.abs(data[i + 2] - background[2]) > 24;
        if (!differs) continue;
        inked++;
        if (colours.size < 64) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, inked, colours: colours.size };
    })()`);
    return result as Ink;
  } finally {
    await page.close();
  }
}

/** Fails unless the screenshot has something drawn on it: a share of its pixels inked, in more than one colour. */
export async function assertNotBlank(browser: Browser, png: Buffer, minShare = 0.005): Promise<Ink> {
  const ink = await inkOf(browser, png);
  const share = ink.inked / (ink.width * ink.height);
  if (ink.width === 0 || ink.height === 0 || share < minShare || ink.colours < 2) {
    throw new Error(`the screenshot is blank: ${String(ink.inked)} of ${String(ink.width * ink.height)} pixels drawn on, in ${String(ink.colours)} colours`);
  }
  return ink;
}
