// The chat panel in a real browser: code-server serves the workbench with the extension loaded, headless chromium
// (playwright-core) drives the palette and the panel like a user, and peers outside the editor (the tcp-chat CLI,
// a plain-text server) are on the other end. One editor for the whole file; tests run in order and build on
// each other (server → queue → client). Screenshots go to test-results/ (ignored);
// TCP_CHAT_UPDATE_SCREENSHOTS=1 also copies two of them to docs/screenshots/ for the README.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { answerInput, connectByTyping, runCommand, trustIfAsked } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { startPlainServer } from '../tools/peers.mjs';
import { sleep, waitFor } from '../tools/processes.mjs';
import { HOST_NAME, openChatEditor } from './fixture.mjs';

const STEP = { timeout: 120_000 };

describe('the chat panel in code-server', { timeout: 15 * 60_000 }, () => {
  let editor;
  let page;
  let panel;
  let dialogs;

  before(
    async () => {
      editor = await openChatEditor('e2e');
      ({ page, panel, dialogs } = editor);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const rows = (options) => panel.locator('[data-testid=message]', options);
  const cli = (args) => editor.cli(args);
  const startServer = (port, mode) => editor.startServer(port, mode);
  const send = (text) => editor.send(text);
  const shoot = (name) => editor.shoot(name);

  let bob;

  it('Start Server from the palette, then chat with a CLI peer both ways', STEP, async () => {
    const port = await freePort();
    await startServer(port, 'Room (everyone chats)');
    bob = cli(['connect', `127.0.0.1:${port}`, '--name', 'Bob']);
    await panel.locator('[data-testid=roster]', { hasText: 'Bob' }).waitFor({ timeout: 30_000 });

    await send('hello Bob, from the panel');
    await bob.waitForOutput(`${HOST_NAME}: hello Bob, from the panel`);

    bob.send('hi Hostess, Bob here');
    const row = rows({ hasText: 'hi Hostess, Bob here' });
    await row.waitFor();
    assert.match(await row.innerText(), /\[\d\d:\d\d:\d\d\][\s\S]*Bob[\s\S]*hi Hostess, Bob here/);
  });

  it('shows a peer’s markup as text: no element is made, no script runs', STEP, async () => {
    const attack = '<img src=x onerror=alert(1)>';
    bob.send(attack);
    const row = rows({ hasText: attack });
    await row.waitFor();
    assert.ok((await row.textContent()).includes(attack), 'the literal text is shown');
    await sleep(500); // an injected <img> would have failed to load and fired onerror by now
    assert.equal(await panel.locator('img[src="x"]').count(), 0, 'no <img src=x> element exists');
    assert.deepEqual(dialogs, [], 'no dialog was opened');
  });

  it('a pasted image shows as a thumbnail; clicking it opens the image in an editor tab', STEP, async () => {
    // VS Code only delivers drops into a webview while Shift is held: the hint must say so.
    assert.match(await panel.locator('[data-testid=drop-hint]').innerText(), /Shift/);
    const composer = panel.locator('[data-testid=composer]');
    await editor.pasteImage(composer);
    await panel.locator('[data-testid=pending-image]').waitFor();
    await composer.press('Enter');
    const thumbnail = panel.locator('[data-testid=thumbnail]').last();
    await thumbnail.waitFor();
    await waitFor(() => thumbnail.evaluate((img) => img.complete && img.naturalWidth), {
      timeoutMs: 15_000,
      what: 'the thumbnail to load',
    });
    assert.equal(await thumbnail.evaluate((img) => img.naturalWidth), 120, 'the thumbnail shows the pasted image');
    await bob.waitForOutput(/PNG/); // the CLI peer got it (and says where it saved it)

    await thumbnail.click();
    // The saved copy (an engine-made name, img_….png) opens as the active editor tab.
    await page.locator('.tabs-container .tab.active', { hasText: /^img_.*\.png/ }).waitFor({ timeout: 30_000 });
    await runCommand(page, 'TCP Chat: Show Chat Panel');
    await panel.locator('[data-testid=composer]').waitFor();
  });

  it('error, info and system lines have different colours', STEP, async () => {
    await send('/who'); // → an info line listing who is here
    await send('/msg Nobody hello?'); // → an error line: nobody has that name
    const colour = async (kind) => {
      const row = rows()
        .and(panel.locator(`[data-kind=${kind}]`))
        .last();
      await row.waitFor();
      return row.evaluate((element) => getComputedStyle(element).color);
    };
    const colours = { error: await colour('error'), info: await colour('info'), system: await colour('system') };
    assert.equal(new Set(Object.values(colours)).size, 3, `colours must differ: ${JSON.stringify(colours)}`);
    await shoot('server-side');
  });

  it('one-to-one mode: the queue list shows the waiting client with its position, then admits it', STEP, async () => {
    await runCommand(page, 'TCP Chat: Stop Server');
    await bob.waitForOutput(/closed|stopped/i);
    const port = await freePort();
    await startServer(port, 'One-to-one with waiting queue');
    const ann = cli(['connect', `127.0.0.1:${port}`, '--name', 'Ann']);
    await panel.locator('[data-testid=roster]', { hasText: 'Ann' }).waitFor({ timeout: 30_000 });
    const ben = cli(['connect', `127.0.0.1:${port}`, '--name', 'Ben']);
    const entry = panel.locator('[data-testid=queue-entry]', { hasText: 'Ben' });
    await entry.waitFor({ timeout: 30_000 });
    assert.match(await entry.innerText(), /^\s*#1\s+Ben\b/, 'the entry shows Ben at position #1');
    await ben.waitForOutput(/#1 in line/);
    await shoot('queue');

    ann.send('/quit');
    await entry.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await panel.locator('[data-testid=queue-entry]').count(), 0, 'nobody waits any more');
    await panel.locator('[data-testid=roster]', { hasText: 'Ben' }).waitFor();
    await send('your turn, Ben');
    await ben.waitForOutput(`${HOST_NAME}: your turn, Ben`);
  });

  it('client side: Connect… to a plain-text server; a name and text with markup are shown as text', STEP, async () => {
    await runCommand(page, 'TCP Chat: Stop Server');
    const server = await startPlainServer();
    editor.cleanups.push(() => server.close());
    await runCommand(page, 'TCP Chat: Connect…');
    await answerInput(page, `127.0.0.1:${server.port}`);
    await waitFor(() => server.clients === 1, { timeoutMs: 15_000, what: 'the panel’s client to connect' });
    await panel.locator('[data-testid=header]', { hasText: String(server.port) }).waitFor({ timeout: 30_000 });

    // The classic broadcast room's line format: `[sender] text`. A hostile server chooses both.
    server.broadcast('[<b>Eve</b>] <img src=x onerror=alert(1)> hello from Eve');
    const row = rows({ hasText: 'hello from Eve' });
    await row.waitFor({ timeout: 30_000 });
    const text = await row.textContent();
    assert.ok(text.includes('<b>Eve</b>'), `the name is shown literally: ${text}`);
    assert.ok(text.includes('<img src=x onerror=alert(1)>'), `the text is shown literally: ${text}`);
    assert.equal(await row.locator('b').count(), 0, 'no <b> element was made');
    await sleep(500);
    assert.equal(await panel.locator('img[src="x"]').count(), 0, 'no <img src=x> element exists');
    assert.deepEqual(dialogs, [], 'no dialog was opened');

    await send('hello plain server, from the panel');
    await server.waitForReceived('hello plain server, from the panel');
  });

  it(
    'client side: Connect… to a `tcp-chat serve` room, wait in line (position shown), get a seat, chat',
    STEP,
    async () => {
      await runCommand(page, 'TCP Chat: Disconnect');
      const port = await freePort();
      const room = cli([
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--name',
        'Server',
        '--seats',
        '1',
        '--no-log',
        '--no-advertise', // no multicast DNS outside a private network namespace
      ]);
      await waitFor(() => /listening|serving/i.test(room.stdout), {
        timeoutMs: 15_000,
        what: `tcp-chat serve on ${port}:\n${room.stdout}${room.stderr}`,
      });
      const zoe = cli(['connect', `127.0.0.1:${port}`, '--name', 'Zoe', '--no-log']);
      await room.waitForOutput('Zoe');

      await connectByTyping(page, `127.0.0.1:${port}`);
      const banner = panel.locator('[data-testid=queue-position]');
      await trustIfAsked(page, banner); // `tcp-chat serve` speaks TLS: a new certificate is asked about
      await banner.waitFor({ timeout: 30_000 });
      assert.match(await banner.innerText(), /#1 in line/);

      zoe.send('/quit');
      await banner.waitFor({ state: 'hidden', timeout: 30_000 });
      room.send('welcome to the room, Hostess');
      await rows({ hasText: 'welcome to the room, Hostess' }).waitFor();
      room.send('the slides are in the shared folder'); // the picture shows two lines under one header
      await rows({ hasText: 'the slides are in the shared folder' }).waitFor();
      await send('thanks, Server!');
      await room.waitForOutput(`${HOST_NAME}: thanks, Server!`);
      const size = await shoot('client-side');
      assert.ok(size > 1000, 'the screenshot was written');
    },
  );
});
