// The chat panel for keyboard and screen-reader users, in a real browser: axe-core finds no violation in the four
// built-in themes (light, dark, both high-contrast), with a room that shows every kind of row and control.
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

  it(
    'a one-to-one room with a queue: messages, notices, Admit and Kick buttons, code, a link, search',
    STEP,
    async () => {
      const port = await freePort();
      await editor.startServer(port, 'One-to-one with waiting queue');
      const ann = editor.cli(['connect', `127.0.0.1:${port}`, '--name', 'Ann']);
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
      // Message bodies: a link, a highlighted code block with its buttons, and the search box with a match.
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
