// The chat panel for keyboard and screen-reader users, in a real browser: a keyboard-only walk (composer → send →
// a roster action), messages grouped under one header, focus kept across roster updates, and axe-core finding no
// violation in the four built-in themes (light, dark, both high-contrast), with a room that shows every kind of
// row and control (the roster's icon buttons included).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PANEL_IFRAME, webviewDocument } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { audit, describeViolations, THEMES, useTheme } from './axe.mjs';
import { HOST_NAME, openChatEditor } from './fixture.mjs';

const STEP = { timeout: 180_000 };

describe('accessibility of the chat panel', { timeout: 15 * 60_000 }, () => {
  let editor;
  let panel;

  before(
    async () => {
      editor = await openChatEditor('a11y', { bypassCSP: true });
      panel = editor.panel;
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const rows = (options) => panel.locator('[data-testid=message]', options);
  let ann;
  let roomPort;
  /** What has keyboard focus in the panel: its test id and accessible name. */
  const focused = async () => {
    const frame = await webviewDocument(editor.page, PANEL_IFRAME);
    return frame.evaluate(() => {
      const node = document.activeElement;
      return { testid: node?.dataset?.testid ?? '', name: node?.getAttribute('aria-label') ?? '' };
    });
  };
  /** A key pressed where the webview's focus is. */
  const press = (key) => panel.locator(':focus').press(key);
  /** Presses `key` until focus is on what `wanted` accepts (bounded: a sensible tab order gets there soon). */
  const tabTo = async (key, wanted, what) => {
    for (let i = 0; i < 40; i++) {
      if (wanted(await focused())) return;
      await press(key);
    }
    assert.fail(`${key} never reached ${what}; focus is on ${JSON.stringify(await focused())}`);
  };

  it('a one-to-one room with a queue: messages, notices, Admit and Kick buttons', STEP, async () => {
    const port = await freePort();
    roomPort = port;
    await editor.startServer(port, 'One-to-one with waiting queue');
    ann = editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Ann']);
    await panel.locator('[data-testid=roster]', { hasText: 'Ann' }).waitFor({ timeout: 30_000 });
    editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Ben']);
    await panel.locator('[data-testid=queue-entry]', { hasText: 'Ben' }).waitFor({ timeout: 30_000 });
    await editor.send('hello Ann');
    await ann.waitForOutput(`${HOST_NAME}: hello Ann`);
    ann.send('hi, Ann here');
    await rows({ hasText: 'hi, Ann here' }).waitFor();
    await editor.send('/who');
    await editor.send('/msg Nobody hello?'); // an error line
    await rows().and(panel.locator('[data-kind=error]')).last().waitFor();
  });

  it(
    'two quick messages from one sender share one header (the time stays for hover and screen readers)',
    STEP,
    async () => {
      ann.send('first of two');
      ann.send('second of two');
      const second = rows({ hasText: 'second of two' });
      await second.waitFor();
      const first = rows({ hasText: 'first of two' });
      assert.equal(await first.evaluate((row) => row.classList.contains('continued')), false);
      assert.equal(await second.evaluate((row) => row.classList.contains('continued')), true, 'the second continues');
      const header = second.locator('.meta');
      assert.ok(await header.evaluate((meta) => meta.getBoundingClientRect().width <= 1), 'no second visible header');
      assert.match(await second.getAttribute('title'), /^\d\d:\d\d:\d\d$/, 'the time shows on hover');
      assert.match(await header.textContent(), /\[\d\d:\d\d:\d\d\]\s*Ann/, 'and is read out');
    },
  );

  it(
    'keyboard only: composer → send → a roster action (Message privately) → send; focus survives updates',
    STEP,
    async () => {
      // Keys go to whatever has focus in the webview (its own document: the workbench's keyboard would not reach
      // it), starting in the composer, where focus lands when the chat opens.
      const composer = panel.locator('[data-testid=composer]');
      await composer.press('Control+A'); // the refused /msg Nobody above is still there, kept for a retry
      await composer.press('Delete');
      await composer.pressSequentially('typed, not clicked');
      await composer.press('Enter');
      await ann.waitForOutput(`${HOST_NAME}: typed, not clicked`);
      // Back from the composer into the roster: its icon buttons are in the tab order, named after whom they act on.
      await tabTo('Shift+Tab', (f) => f.name === 'Message Ann privately', 'Message Ann privately');
      await press('Enter');
      assert.equal((await focused()).testid, 'composer', 'focus goes to the composer');
      assert.equal(await composer.inputValue(), '/msg Ann ');
      await panel.locator(':focus').pressSequentially('psst');
      await press('Enter');
      await ann.waitForOutput(/psst/);

      // A roster update (someone else joins the queue) keeps focus on the same member's button.
      await tabTo('Shift+Tab', (f) => f.name === 'Admit Ben', 'Admit Ben');
      editor.cli(['connect', `127.0.0.1:${roomPort}`, '--name', 'Cy']);
      await panel.locator('[data-testid=queue-entry]', { hasText: 'Cy' }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await focused(), { testid: 'admit', name: 'Admit Ben' }, 'focus stays on Admit Ben');
    },
  );

  it(
    'the header shows the topic and whether the link is encrypted (the fingerprint in the lock’s tooltip)',
    STEP,
    async () => {
      // The host fills these fields once rooms can be encrypted; until then the header is fed as the host would.
      const frame = await webviewDocument(editor.page, PANEL_IFRAME);
      const showHeader = (fields) =>
        frame.evaluate((extra) => {
          const self = { id: 0, name: 'Hostess', address: 'host', kind: 'host' };
          const header = { role: 'server', address: '127.0.0.1:1', lanAddresses: [], state: 'listening', self };
          window.postMessage(
            {
              type: 'header',
              header: { ...header, queuePosition: null, status: 'serving', ...extra },
            },
            '*',
          );
        }, fields);
      const security = panel.locator('[data-testid=encryption]');
      await showHeader({ topic: 'Friday demo: the parser', encrypted: true, fingerprint: 'AB:CD:EF' });
      await panel.locator('[data-testid=topic]', { hasText: 'Friday demo: the parser' }).waitFor();
      await security.filter({ hasText: /^encrypted/ }).waitFor();
      assert.match(await security.getAttribute('title'), /AB:CD:EF/);
      // Left shown for the audit below: the warning-coloured badge must read well in every theme too.
      await showHeader({ topic: 'Friday demo: the parser', encrypted: false });
      await security.filter({ hasText: 'not encrypted' }).waitFor();
      assert.ok(!(await security.getAttribute('title')).includes('AB:CD'), 'no fingerprint when not encrypted');
    },
  );

  it(
    'message bodies for the audit: a link, a highlighted code block with its buttons, the open search box',
    STEP,
    async () => {
      ann.send('the notes: https://example.org/notes');
      await panel.locator('[data-testid=link]').first().waitFor();
      const composer = panel.locator('[data-testid=composer]');
      await composer.fill(
        '```ts\n// a comment\nconst answer: number = 42; // "quoted"\nexport function f() { return `x`; }\n```',
      );
      await composer.press('Enter');
      await panel.locator('[data-testid=code-block] .tok-keyword').first().waitFor({ timeout: 15_000 });
      await composer.press('Control+f');
      await panel.locator('[data-testid=search]').fill('Ann');
      await panel.locator('[data-testid=search-count]', { hasText: /of/ }).waitFor();
    },
  );

  it('axe finds no violation in Light Modern, Dark Modern and both High Contrast themes', STEP, async () => {
    // Three names show only three of the eight name colours: a probe row (test-made) shows all eight, on a plain
    // row and on one of your own messages, so the audit checks the contrast of each.
    const frame = await webviewDocument(editor.page, PANEL_IFRAME);
    await frame.evaluate(() => {
      for (const own of [false, true]) {
        const row = document.createElement('div');
        row.className = own ? 'row message own' : 'row message';
        for (let slot = 0; slot < 8; slot++) {
          const name = document.createElement('span');
          name.className = `name name-c${slot}`;
          name.textContent = `Name${slot} `;
          row.append(name);
        }
        document.querySelector('.rows').append(row);
      }
    });
    const report = [];
    let total = 0;
    for (const theme of THEMES) {
      await useTheme(editor, theme, PANEL_IFRAME);
      const violations = await audit(editor.page, PANEL_IFRAME);
      total += violations.length;
      report.push(describeViolations(theme.name, violations));
      console.log(report.at(-1));
    }
    assert.equal(total, 0, report.join('\n'));
  });
});
