// Headless Debian chromium driven by playwright-core (playwright's own browser download cannot reach the internet
// here). Started through launchServer so we own the browser's PID and can kill its process group.
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { scratchEnv } from './offlineEditor.mjs';
import { chromiumPath, ensureSystemPackages } from './offlineEditorInstall.mjs';
import { stopGroup, trackGroup, waitFor, withTimeout } from './processes.mjs';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches chromium; returns `{ browser, pid, stop() }`. `stop()` closes it and kills its process group by PID. */
export async function launchBrowser(scratch) {
  await ensureSystemPackages(['chromium']);
  const server = await withTimeout(
    chromium.launchServer({
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      // Chromium's singleton socket lives in TMPDIR; a deep checkout would exceed the socket path limit, so then
      // (only then) it gets the system temp folder.
      env: scratchEnv(scratch, scratch.tmp.length > 60 ? { TMPDIR: tmpdir() } : {}),
      timeout: 60_000,
    }),
    70_000,
    `launching ${chromiumPath}`,
  );
  const pid = server.process().pid;
  trackGroup(pid);
  let browser;
  const stop = async () => {
    await withTimeout(server.close(), 10_000, 'closing chromium').catch(() => {});
    await stopGroup(pid, { graceMs: 1000 });
  };
  try {
    browser = await withTimeout(chromium.connect(server.wsEndpoint()), 30_000, 'connecting to chromium');
  } catch (error) {
    await stop();
    throw error;
  }
  return { browser, pid, stop };
}

/** Opens the workbench at `url` in a new page and waits until the status bar shows. */
export async function openWorkbench(browser, url, { onConsole, bypassCSP = false, viewport } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1400, height: 900 }, bypassCSP });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  if (onConsole) page.on('console', (message) => onConsole(message));
  await page.goto(url, { timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });
  return page;
}

const quickInput = '.quick-input-widget';

/**
 * Runs a palette command by its full title ("TCP Chat: Start Server"). Commands show only once the extension
 * host is up, so the palette step is retried until `timeoutMs`.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  await waitFor(
    async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator(`${quickInput} .quick-input-box input`);
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`);
      const row = page.locator(`${quickInput} .monaco-list-row`, { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
      // The matching row, not the top one: "Preferences: Browse Color Themes…" sorts above "Preferences: Color Theme".
      await row.click();
      return true;
    },
    { timeoutMs, intervalMs: 1000, what: `palette command "${title}"` },
  );
}

/** Waits for the open quick input (input box or pick list) and returns its prompt/title text. */
export async function quickInputText(page) {
  const widget = page.locator(quickInput);
  await widget.waitFor({ state: 'visible' });
  return widget.innerText();
}

/** Types `value` into the open quick input box and presses Enter. */
export async function answerInput(page, value) {
  const input = page.locator(`${quickInput} .quick-input-box input`);
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await page.keyboard.press('Enter');
}

/**
 * TCP Chat's Connect… from the palette, an address typed in its picker and Enter at once, as a quick typist would
 * (the picker's first item follows the typing, so an Enter that beats the list's update still means what was
 * typed). The picker's own "Type an address…" row is awaited first, so the palette, still showing the command's
 * title, never takes the address.
 */
export async function connectByTyping(page, address) {
  await runCommand(page, 'TCP Chat: Connect…');
  await page.locator(`${quickInput} .monaco-list-row`, { hasText: 'Type an address…' }).waitFor();
  await page.locator(`${quickInput} .quick-input-box input`).fill(address);
  await page.keyboard.press('Enter');
}

/**
 * Answers the workbench's modal Trust question (the first connection to an encrypted room) with Trust, as a user
 * who compared the fingerprint would — if it is asked before `joined` shows (this editor may have trusted the
 * room's certificate on that address already). test/e2e/trust.test.mjs asserts the question itself.
 */
export async function trustIfAsked(page, joined, { timeoutMs = 30_000 } = {}) {
  const dialog = page.locator('.monaco-dialog-box');
  const asked = await Promise.race([
    dialog.waitFor({ state: 'visible', timeout: timeoutMs }).then(() => true),
    joined.waitFor({ timeout: timeoutMs }).then(() => false),
  ]).catch(() => false);
  if (asked) await dialog.locator('.monaco-button', { hasText: /^Trust$/ }).click();
}

/** Picks the item whose label contains `label` in the open quick pick. */
export async function pickItem(page, label) {
  const row = page.locator(`${quickInput} .monaco-list-row`, { hasText: label }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

const OURS = 'iframe.webview.ready[src*="extensionId=tcp-chat.tcp-chat"]';

/** The chat panel's webview element in an editor tab (other webviews, e.g. the image preview, belong to other
 *  extensions; the chat view's webview says purpose=webviewView in its address). */
export const PANEL_IFRAME = `${OURS}:not([src*="purpose=webviewView"])`;

/** The chat view's webview element (side bar, secondary side bar or bottom panel: wherever the user put it). */
export const VIEW_IFRAME = `${OURS}[src*="purpose=webviewView"]`;

/** The chat panel's content frame (the webview's inner iframe); `iframe` picks another chat surface. */
export function panelFrame(page, iframe = PANEL_IFRAME) {
  return page.frameLocator(iframe).first().frameLocator('iframe#active-frame');
}

/** The webview document as a playwright Frame (for addScriptTag / evaluate, which a FrameLocator lacks). */
export async function webviewDocument(page, iframe = PANEL_IFRAME) {
  const outer = await (await page.locator(iframe).first().elementHandle()).contentFrame();
  const inner = await outer.locator('iframe#active-frame').elementHandle();
  return inner.contentFrame();
}

/** Drags the sash on the side bar's right edge, as a user would, until the side bar is about `width` px wide. */
export async function resizeSideBar(page, width) {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  const sashes = await page
    .locator('.monaco-sash.vertical')
    .evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().toJSON()));
  const sash = sashes.find((box) => Math.abs(box.left - (sidebar.x + sidebar.width)) <= 4);
  if (!sash) throw new Error(`no sash at the side bar's edge among ${JSON.stringify(sashes)}`);
  const y = sash.top + sash.height / 2;
  await page.mouse.move(sash.left + sash.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + width + sash.width / 2, y, { steps: 10 });
  await page.mouse.up();
  await waitFor(async () => Math.abs((await page.locator('.part.sidebar').boundingBox()).width - width) <= 20, {
    timeoutMs: 5000,
    what: `the side bar to be ${width}px wide`,
  });
}
