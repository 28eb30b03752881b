// The chat panel for keyboard and screen-reader users, in a real browser: axe-core finds no violation in the four
// built-in themes (light, dark, both high-contrast), with a room that shows every kind of row and control.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PANEL_IFRAME } from '../tools/browser.mjs';
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

  it('a one-to-one room with a queue: messages, notices, Admit and Kick buttons', STEP, async () => {
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
  });

  it('axe finds no violation in Light Modern, Dark Modern and both High Contrast themes', STEP, async () => {
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
