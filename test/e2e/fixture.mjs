// What every browser test file needs: code-server with the extension loaded, headless chromium on its workbench,
// CLI peers owned by PID, and the few user steps the tests repeat (start a server from the palette, type in the
// composer, take a screenshot). `close()` stops everything the fixture started, newest first.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInput,
  launchBrowser,
  openWorkbench,
  PANEL_IFRAME,
  panelFrame,
  pickItem,
  runCommand,
} from '../tools/browser.mjs';
import { launchCodeServer, makeScratch } from '../tools/offlineEditor.mjs';
import { repoRoot } from '../tools/paths.mjs';
import { startCli } from '../tools/peers.mjs';

export const HOST_NAME = 'Hostess';
export const resultsDir = join(repoRoot, 'test-results');

/**
 * Starts the editor and the browser. `label` names the scratch folder; `bypassCSP` lets a test inject scripts
 * (axe-core) into the webview, whose own CSP blocks them (the product's CSP is never changed).
 */
export async function openChatEditor(label, { bypassCSP = false, viewport } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const scratch = makeScratch(label);
  const cleanups = [];
  const dialogs = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error));
  };
  try {
    const editor = await launchCodeServer({
      scratch,
      extensionDevelopmentPath: repoRoot,
      // Loopback only in tests; a set name skips the name prompt.
      settings: { 'tcpChat.userName': HOST_NAME, 'tcpChat.server.host': '127.0.0.1' },
    });
    cleanups.push(() => editor.stop());
    const chromium = await launchBrowser(scratch);
    cleanups.push(() => chromium.stop());
    const page = await openWorkbench(chromium.browser, editor.url, { bypassCSP, viewport });
    // alert() from any frame (e.g. an injected onerror handler in the webview) shows up here.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return new ChatEditor({ scratch, page, dialogs, cleanups, close });
  } catch (error) {
    await close();
    throw error;
  }
}

class ChatEditor {
  constructor({ scratch, page, dialogs, cleanups, close }) {
    Object.assign(this, { scratch, page, dialogs, cleanups, close });
    /** The editor-tab chat panel's document. */
    this.panel = panelFrame(page);
  }

  /** A CLI peer whose process is stopped (by PID) at the end whatever happens. */
  cli(args) {
    const peer = startCli(args, { cwd: this.scratch.root });
    this.cleanups.push(() => peer.stop());
    return peer;
  }

  /** Start Server from the palette: port, mode, no password; resolves when `frame`'s header shows the port. */
  async startServer(port, mode, frame = this.panel) {
    await runCommand(this.page, 'TCP Chat: Start Server');
    await answerInput(this.page, String(port));
    await pickItem(this.page, mode);
    await this.page.locator('.quick-input-widget', { hasText: 'Room password' }).waitFor();
    await this.page.keyboard.press('Enter'); // no password: an open room
    await frame.locator('[data-testid=header]', { hasText: String(port) }).waitFor({ timeout: 30_000 });
  }

  async send(text, frame = this.panel) {
    const composer = frame.locator('[data-testid=composer]');
    await composer.fill(text);
    await composer.press('Enter');
  }

  /** Pastes a PNG (a gradient, `width`×`height`) into `composer` like a user pasting a screenshot: a File on the
   *  clipboard event. */
  async pasteImage(composer, { name = 'pasted.png', width = 120, height = 80 } = {}) {
    await composer.evaluate(
      async (textarea, image) => {
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const g = canvas.getContext('2d');
        const gradient = g.createLinearGradient(0, 0, image.width, image.height);
        gradient.addColorStop(0, '#1e90ff');
        gradient.addColorStop(1, '#ff8c00');
        g.fillStyle = gradient;
        g.fillRect(0, 0, image.width, image.height);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        const data = new DataTransfer();
        data.items.add(new File([blob], image.name, { type: 'image/png' }));
        textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      },
      { name, width, height },
    );
  }

  /** A screenshot of the chat panel (`iframe`: another surface; null: the whole window) in test-results/;
   *  TCP_CHAT_UPDATE_SCREENSHOTS=1 copies it to docs/screenshots/. */
  async shoot(name, iframe = PANEL_IFRAME) {
    const file = join(resultsDir, `${name}.png`);
    await this.page.mouse.move(0, 0); // no tooltip from whatever the pointer last rested on
    // …nor one that was already showing (a tab's "Close (Ctrl+W)" once landed on the picture): it fades on its own.
    await this.page
      .waitForFunction(
        () => ![...document.querySelectorAll('.workbench-hover-container')].some((n) => n.getClientRects().length),
        null,
        { timeout: 5000 },
      )
      .catch(() => {});
    await (iframe === null ? this.page : this.page.locator(iframe)).screenshot({ path: file });
    if (process.env.TCP_CHAT_UPDATE_SCREENSHOTS) {
      mkdirSync(join(repoRoot, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(file, join(repoRoot, 'docs', 'screenshots', `${name}.png`));
    }
    return statSync(file).size;
  }
}
