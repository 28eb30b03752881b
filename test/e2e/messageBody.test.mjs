// Code, links and search in the chat panel, in a real browser: a Send Selection block and a ``` fenced block
// highlighted, with Copy, Open in Editor (an untitled editor in that language) and the file:line label opening
// the workspace file at that line; a web link opening through VS Code and a `command:` address staying inert
// text; the search finding a message far outside the rows in the DOM.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerInput, pickItem, runCommand, trustIfAsked, webviewDocument } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { sleep, waitFor } from '../tools/processes.mjs';
import { HOST_NAME, openChatEditor } from './fixture.mjs';

const STEP = { timeout: 120_000 };
const SAMPLE = ['// a sample file', 'export function greet(name: string): string {', '  return `hi ${name}`;', '}', ''];

describe('code, links and search in the chat panel', { timeout: 15 * 60_000 }, () => {
  let editor;
  let page;
  let panel;
  let room;

  before(
    async () => {
      editor = await openChatEditor('body');
      ({ page, panel } = editor);
      mkdirSync(join(editor.scratch.workspace, 'src'), { recursive: true });
      writeFileSync(join(editor.scratch.workspace, 'src', 'sample.ts'), SAMPLE.join('\n'));
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const rows = (options) => panel.locator('[data-testid=message]', options);
  const activeTab = (name) => page.locator('.tabs-container .tab.active', { hasText: name });
  const showPanel = async () => {
    await runCommand(page, 'TCP Chat: Show Chat Panel');
    await panel.locator('[data-testid=composer]').waitFor();
  };

  it('connects the panel to a `tcp-chat serve` room', STEP, async () => {
    const port = await freePort();
    // No rate limit: the search test has the room say a few hundred lines at once.
    const args = [
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--name',
      'Room',
      '--no-log',
      '--no-advertise',
    ];
    room = editor.cli([...args, '--rate-limit', '0']);
    await waitFor(() => /listening|serving/i.test(room.stdout), { timeoutMs: 15_000, what: 'tcp-chat serve' });
    await runCommand(page, 'TCP Chat: Connect…');
    await answerInput(page, `127.0.0.1:${port}`);
    const header = panel.locator('[data-testid=header]', { hasText: String(port) });
    await trustIfAsked(page, header); // `tcp-chat serve` speaks TLS: a new certificate is asked about
    await header.waitFor({ timeout: 30_000 });
    await editor.send('hello room');
    await room.waitForOutput(`${HOST_NAME}: hello room`);
  });

  it('Send Selection: a highlighted block whose file:line opens the file at that line', STEP, async () => {
    await page.keyboard.press('Control+p');
    await page.locator('.quick-input-widget .quick-input-box input').fill('sample.ts');
    await pickItem(page, 'sample.ts');
    await activeTab('sample.ts').waitFor();
    await page.keyboard.press('Control+g');
    await answerInput(page, ':3'); // Go to Line: the cursor on line 3, no selection → that line is sent
    await runCommand(page, 'TCP Chat: Send Selection as Message');
    await room.waitForOutput('return `hi ${name}`;');

    await runCommand(page, 'View: Close All Editors');
    await showPanel();
    const block = panel.locator('[data-testid=code-block][data-language=typescript]').last();
    await block.waitFor();
    // The highlighting script arrives on demand, then colours the block: `return` is a keyword token.
    await block.locator('.tok-keyword', { hasText: 'return' }).waitFor({ timeout: 15_000 });
    assert.equal(await block.locator('code').textContent(), '  return `hi ${name}`;', 'the code, exactly');
    const label = block.locator('[data-testid=code-file]');
    assert.equal(await label.textContent(), 'src/sample.ts:3');
    await label.click();
    await activeTab('sample.ts').waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Ln 3, Col 1' }).waitFor({ timeout: 15_000 });
  });

  it('Copy and Open in Editor: the code in an untitled TypeScript editor', STEP, async () => {
    await showPanel();
    const block = panel.locator('[data-testid=code-block][data-language=typescript]').last();
    const copy = block.locator('[data-testid=code-copy]');
    await copy.click();
    await waitFor(async () => (await copy.textContent()) === 'Copied', { timeoutMs: 5000, what: 'Copy → Copied' });

    await block.locator('[data-testid=code-open]').click();
    await activeTab('Untitled').waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: '${name}`;' }).first().waitFor(); // spaces: nbsp
    await page.locator('.statusbar-item', { hasText: 'TypeScript' }).first().waitFor({ timeout: 15_000 });
  });

  it('a ``` fenced block in a text message is highlighted too, the text around it stays text', STEP, async () => {
    await showPanel();
    const composer = panel.locator('[data-testid=composer]');
    await composer.fill('try this:\n```py\nprint("<b>hi</b>")\n```\nthen tell me');
    await composer.press('Enter');
    const row = rows({ hasText: 'then tell me' }).last();
    const block = row.locator('[data-testid=code-block][data-language=py]');
    await block.locator('.tok-string').first().waitFor({ timeout: 15_000 });
    assert.equal(await block.locator('code').textContent(), 'print("<b>hi</b>")');
    assert.equal(await row.locator('b').count(), 0, 'no <b> element was made from the code');
    assert.match(await row.innerText(), /try this:[\s\S]*then tell me/);
    await editor.shoot('code-block'); // TCP_CHAT_UPDATE_SCREENSHOTS=1 copies it to docs/screenshots/
  });

  it('a web link opens through VS Code; a command: address is inert text', STEP, async () => {
    room.send('not a link: command:workbench.action.terminal.new');
    const inert = rows({ hasText: 'not a link: command:' }).last();
    await inert.waitFor();
    assert.equal(await inert.locator('[data-testid=link]').count(), 0, 'the command: address is not a link');
    const pages = page.context().pages().length;
    await inert.locator('.searchable').click();
    await sleep(1500);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no dialog for the command: address');
    assert.equal(page.context().pages().length, pages, 'no page was opened');
    assert.equal(await page.locator('.terminal-wrapper').count(), 0, 'no terminal was opened');

    room.send('docs: https://example.org/chat-docs. (and javascript:alert(1) is text)');
    const row = rows({ hasText: 'chat-docs' }).last();
    await row.waitFor();
    const links = row.locator('[data-testid=link]');
    assert.equal(await links.count(), 1, 'only the https address is a link');
    assert.equal(await links.textContent(), 'https://example.org/chat-docs', 'the full stop is not part of it');
    // openExternal asks before following a domain the user has not trusted (or, if trusted, opens a page).
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'example.org' });
    const popup = page.context().waitForEvent('page', { timeout: 30_000 });
    await links.click();
    const opened = await Promise.race([
      dialog.waitFor({ timeout: 30_000 }).then(
        () => 'dialog',
        () => undefined,
      ),
      popup.then(
        (opened) => (opened.close(), 'page'),
        () => undefined,
      ),
    ]);
    assert.ok(opened, 'the link went to VS Code’s openExternal (its dialog or a new page)');
    if (opened === 'dialog') await page.keyboard.press('Escape');
  });

  it('Ctrl+F finds a message far outside the rows in the DOM, jumps to it, Escape gives focus back', STEP, async () => {
    await showPanel();
    room.send('the needle is in the haystack');
    await rows({ hasText: 'the needle is in the haystack' }).waitFor();
    for (let i = 1; i <= 350; i++) room.send(`filler line ${i}`);
    await rows({ hasText: 'filler line 350' }).waitFor({ timeout: 60_000 });
    await waitFor(async () => (await rows({ hasText: 'the needle is in' }).count()) === 0, {
      timeoutMs: 10_000,
      what: 'the needle to leave the rows in the DOM',
    });

    const composer = panel.locator('[data-testid=composer]');
    await composer.focus();
    await composer.press('Control+f');
    const box = panel.locator('[data-testid=search]');
    await box.waitFor();
    await box.fill('NEEDLE');
    const count = panel.locator('[data-testid=search-count]');
    await waitFor(async () => (await count.textContent()) === '1 of 1', { timeoutMs: 5000, what: 'the count' });
    await panel
      .locator('[data-testid=message][data-search-current=true]', { hasText: 'the needle is in the haystack' })
      .waitFor();
    const frame = await webviewDocument(page);
    const marked = await frame.evaluate(() => CSS.highlights.get('chat-search-current')?.size ?? -1);
    assert.equal(marked, 1, 'the match is highlighted');

    await box.fill('filler line 3');
    await waitFor(async () => /^\d+ of \d\d+$/.test(await count.textContent()), { timeoutMs: 5000, what: 'a count' });
    const [, first, total] = /^(\d+) of (\d+)$/.exec(await count.textContent());
    assert.equal(first, total, 'it starts at the newest match');
    await box.press('Enter');
    assert.equal(await count.textContent(), `${Number(total) - 1} of ${total}`, 'Enter goes one older');

    await box.press('Escape');
    await box.waitFor({ state: 'hidden' });
    await waitFor(() => composer.evaluate((node) => node === document.activeElement), {
      timeoutMs: 5000,
      what: 'focus back in the composer',
    });
  });
});
