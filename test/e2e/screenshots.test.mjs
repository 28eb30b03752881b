// The README's side-bar picture, taken like a user would set it up: Dark Modern, a TypeScript file open in the
// editor, the TCP Chat view in the side bar beside it with a short conversation between the host and two CLI
// peers (a code block sent with Send Selection, a /me action, the roster folded into its header chip).
// The picture goes to test-results/side-bar.png; TCP_CHAT_UPDATE_SCREENSHOTS=1 also copies it to docs/screenshots/.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { panelFrame, resizeSideBar, runCommand, VIEW_IFRAME } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { THEMES, useTheme } from './axe.mjs';
import { openChatEditor, resultsDir } from './fixture.mjs';

const STEP = { timeout: 180_000 };

/** The file the conversation is about. */
const RETRY_TS = `// Calls \`request\` until it succeeds, waiting longer after each failure.
export interface RetryOptions {
  attempts: number;
  firstDelayMs: number;
}

export async function withRetry<T>(request: () => Promise<T>, options: RetryOptions) {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= options.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}

export function fetchJson(url: string): Promise<unknown> {
  return withRetry(async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(\`\${url}: \${response.status}\`);
    return response.json();
  }, { attempts: 5, firstDelayMs: 200 });
}
`;

describe('the README screenshots', { timeout: 10 * 60_000 }, () => {
  let editor;
  let page;
  let view;

  before(
    async () => {
      editor = await openChatEditor('shots');
      page = editor.page;
      view = panelFrame(page, VIEW_IFRAME);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const row = (text) => view.locator('[data-testid=message]', { hasText: text });

  it('the side-bar view beside code, in Dark Modern', STEP, async () => {
    try {
      await sideBarScene();
    } catch (error) {
      await page.screenshot({ path: join(resultsDir, 'side-bar-failed.png') }); // what the window showed
      throw error;
    }
  });

  async function sideBarScene() {
    writeFileSync(join(editor.scratch.workspace, 'retry.ts'), RETRY_TS);
    await page
      .locator('.activitybar .action-item', { has: page.locator('a.action-label[aria-label^="TCP Chat"]') })
      .click();
    await view.locator('[data-testid=header]').waitFor({ timeout: 30_000 });
    await useTheme(
      editor,
      THEMES.find((theme) => theme.label === 'Dark Modern'),
      VIEW_IFRAME,
    );
    // The secondary side bar (code-server opens it empty) would take the editor's room.
    if (await page.locator('.part.auxiliarybar').isVisible()) await runCommand(page, 'Hide Secondary Side Bar');
    await resizeSideBar(page, 390);

    const port = await freePort();
    await editor.startServer(port, 'Room (everyone chats)', view);
    await runCommand(page, 'View: Close All Editors'); // an editor tab of the chat, if Start Server opened one
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('retry.ts');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'retry.ts' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'retry.ts' }).waitFor();

    const ann = editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Ann', '--no-log']);
    const bob = editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Bob', '--no-log']);
    await view.locator('[data-testid=roster]', { hasText: 'Bob' }).waitFor({ state: 'attached', timeout: 30_000 });
    await view.locator('[data-testid=roster]', { hasText: 'Ann' }).waitFor({ state: 'attached' });

    ann.send('The nightly build times out again on the flaky staging server.');
    await row('nightly build').waitFor();
    ann.send('Is the retry helper still doubling the delay?');
    await row('doubling').waitFor();

    // Lines 7–18 of retry.ts (withRetry), selected in the editor and sent with Send Selection.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').fill(':7');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    for (let line = 7; line <= 18; line++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Control+Alt+Enter'); // Send Selection as Message
    await view.locator('[data-testid=code-block]').waitFor();
    await ann.waitForOutput('withRetry');
    await editor.send('Yes: 200 ms, then twice as long after every failure, 5 attempts.', view);
    await bob.waitForOutput('5 attempts');

    bob.send('/me is reading withRetry');
    await row('is reading withRetry').waitFor();
    bob.send('Looks right. Cap the delay at 10 s so a dead server fails fast?');
    await row('Cap the delay').waitFor();
    ann.send('Good idea, I will add a maxDelayMs option.');
    await row('maxDelayMs').waitFor();

    await view.locator('[data-testid=roster-chip]').waitFor({ state: 'visible' });
    await runCommand(page, 'Notifications: Clear All Notifications'); // Start Server's addresses toast
    await page.keyboard.press('Escape');
    await page.locator('.notification-toast').waitFor({ state: 'detached' });
    const size = await editor.shoot('side-bar', null);
    assert.ok(size > 1000 && size < 300_000, `side-bar.png is ${size} bytes`);
  }
});
