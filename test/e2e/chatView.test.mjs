// The chat as a view in its own activity-bar container, in a real browser: the same session as the editor tab, an
// unread badge while it is hidden, palette commands revealing the surface used last, one count of who is here in
// the status bar, header chip and roster, the narrow side-bar layout, the live region and Escape in the composer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  panelFrame,
  PANEL_IFRAME,
  resizeSideBar,
  runCommand,
  VIEW_IFRAME,
  webviewDocument,
} from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { waitFor } from '../tools/processes.mjs';
import { audit, describeViolations } from './axe.mjs';
import { HOST_NAME, openChatEditor } from './fixture.mjs';

const STEP = { timeout: 120_000 };

describe('the chat view in code-server', { timeout: 15 * 60_000 }, () => {
  let editor;
  let page;
  let view;
  let bob;

  before(
    async () => {
      editor = await openChatEditor('view', { bypassCSP: true });
      page = editor.page;
      view = panelFrame(page, VIEW_IFRAME);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const activityItem = (label) =>
    page.locator('.activitybar .action-item', { has: page.locator(`a.action-label[aria-label^="${label}"]`) });
  const chatBadge = () => activityItem('TCP Chat').locator('.badge');

  it('opens from its activity-bar icon and shows the session the editor tab shows', STEP, async () => {
    const port = await freePort();
    await editor.startServer(port, 'Room (everyone chats)'); // no surface used yet: an editor tab opens
    bob = editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Bob']);
    await editor.panel.locator('[data-testid=roster]', { hasText: 'Bob' }).waitFor({ timeout: 30_000 });
    await editor.send('said before the view opened');
    await bob.waitForOutput('said before the view opened');

    await activityItem('TCP Chat').click();
    await view.locator('[data-testid=header]', { hasText: String(port) }).waitFor({ timeout: 30_000 });
    await view.locator('[data-testid=message]', { hasText: 'said before the view opened' }).waitFor();
    await view.locator('[data-testid=roster]', { hasText: 'Bob' }).waitFor({ state: 'attached' }); // folded: narrow
    await waitFor(() => view.locator('[data-testid=composer]').evaluate((node) => node === document.activeElement), {
      timeoutMs: 10_000,
      what: 'focus in the view’s composer when it opens',
    });

    // Both surfaces show what arrives; each keeps its own draft.
    bob.send('seen by both surfaces');
    await view.locator('[data-testid=message]', { hasText: 'seen by both surfaces' }).waitFor();
    await editor.panel.locator('[data-testid=message]', { hasText: 'seen by both surfaces' }).waitFor();
    await view.locator('[data-testid=composer]').fill('a draft in the view');
    assert.equal(await editor.panel.locator('[data-testid=composer]').inputValue(), '');
  });

  it('the live region says a new message, not the history replayed on open', STEP, async () => {
    bob.send('a brand new line from Bob');
    const live = view.locator('[data-testid=announcer][role=log]');
    await live.filter({ hasText: 'Bob: a brand new line from Bob' }).waitFor();
    const spoken = await live.textContent();
    assert.ok(!spoken.includes('said before the view opened'), `the history is not announced: ${spoken}`);
    assert.equal(await live.getAttribute('aria-live'), 'polite');

    // The room's earlier messages replayed on joining arrive flagged `history`: shown dimmed under a divider,
    // never spoken. (Posted to the webview as the host would, since this room has no history to replay.)
    const frame = await webviewDocument(page, VIEW_IFRAME);
    await frame.evaluate(() => {
      const from = { id: 99, name: 'Old', address: '127.0.0.1:1', kind: 'native' };
      const at = Date.now();
      const entry = (id, text, history) => ({
        entry: 'message',
        id,
        at,
        time: '',
        from,
        text,
        own: false,
        kind: 'text',
        history,
      });
      window.postMessage({ type: 'entries', entries: [entry('h-1', 'replayed from before', true)] }, '*');
      window.postMessage({ type: 'entries', entries: [entry('h-2', 'live after the replay', false)] }, '*');
    });
    await live.filter({ hasText: 'Old: live after the replay' }).waitFor();
    assert.ok(!(await live.textContent()).includes('replayed from before'), 'replayed history is not announced');
    const replayed = view.locator('[data-testid=message]', { hasText: 'replayed from before' });
    assert.ok(await replayed.evaluate((row) => row.classList.contains('history')), 'shown dimmed');
    await view.locator('[data-testid=divider-earlier]').waitFor();
  });

  it('counts one number everywhere: status bar, header chip and roster', STEP, async () => {
    const status = page.locator('.statusbar-item', { hasText: 'serving' });
    await status.filter({ hasText: '2 chatting' }).waitFor(); // Hostess and Bob
    const chatting = view.locator('[data-testid=roster] .roster-title').first();
    assert.match(await chatting.innerText(), /Chatting\s*2/i);
    assert.equal(await view.locator('[data-testid=roster-chip]').textContent(), '2 chatting');
  });

  it('a message that arrives while the view is hidden shows a badge, cleared when the view is seen', STEP, async () => {
    await runCommand(page, 'View: Close All Editors'); // the editor tab would see it otherwise
    await activityItem('Explorer').click();
    await view.locator('[data-testid=composer]').waitFor({ state: 'hidden' });
    bob.send('while you were away');
    await chatBadge().filter({ hasText: '1' }).waitFor({ state: 'visible', timeout: 15_000 });

    // The palette's Show Chat Panel reveals the surface used last: the view, not a new editor tab.
    await runCommand(page, 'TCP Chat: Show Chat Panel');
    await view.locator('[data-testid=message]', { hasText: 'while you were away' }).waitFor();
    await chatBadge().waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal(await page.locator(PANEL_IFRAME).count(), 0, 'no editor tab was opened');
    assert.equal(await view.locator('[data-testid=composer]').inputValue(), 'a draft in the view');
  });

  it('at 380 px the roster folds into a header chip, opens as an overlay, nothing scrolls sideways', STEP, async () => {
    await resizeSideBar(page, 380);
    const width = (await page.locator(VIEW_IFRAME).boundingBox()).width;
    assert.ok(width > 360 && width <= 400, `the view is ${width}px wide`);

    bob.send('a-long-word-without-spaces-'.repeat(8));
    await view.locator('[data-testid=message]', { hasText: 'a-long-word' }).waitFor();
    const chip = view.locator('[data-testid=roster-chip]');
    await chip.waitFor({ state: 'visible' });
    await view.locator('[data-testid=roster]').waitFor({ state: 'hidden' });
    const overflow = await view.locator('body').evaluate(() => {
      const wide = [...document.querySelectorAll('body *')].filter((node) => {
        const box = node.getBoundingClientRect();
        return box.width > 0 && box.right > window.innerWidth + 1 && !node.closest('.visually-hidden');
      });
      const scroller = document.querySelector('.messages');
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        messages: scroller.scrollWidth - scroller.clientWidth,
        wide: wide.map((node) => node.className || node.tagName).slice(0, 5),
      };
    });
    assert.deepEqual(overflow, { page: 0, messages: 0, wide: [] }, 'nothing is wider than the view');
    const rows = await view.locator('.messages').boundingBox();
    assert.ok(rows.width > width - 20, `the messages use the full width (${rows.width} of ${width})`);

    await chip.click();
    const roster = view.locator('[data-testid=roster]');
    await roster.filter({ hasText: 'Bob' }).waitFor({ state: 'visible' });
    assert.equal(await chip.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('Escape');
    await roster.waitFor({ state: 'hidden' });
    assert.ok(await chip.evaluate((node) => node === document.activeElement), 'focus returns to the chip');

    const violations = await audit(page, VIEW_IFRAME);
    assert.equal(violations.length, 0, describeViolations('the narrow view', violations));
    await editor.shoot('chat-view-narrow', VIEW_IFRAME);
  });

  it('Escape in the composer drops the image about to be sent and keeps the text', STEP, async () => {
    const composer = view.locator('[data-testid=composer]');
    await composer.fill('text stays');
    await editor.pasteImage(composer, { name: 'escape.png', width: 8, height: 8 });
    await view.locator('[data-testid=pending-image]').waitFor();
    await composer.press('Escape');
    await view.locator('[data-testid=pending-image]').waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), 'text stays');
    assert.ok(!bob.stdout.includes('escape.png'), `${HOST_NAME} sent nothing`);
  });
});
