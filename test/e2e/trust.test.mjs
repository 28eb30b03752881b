// Encrypted rooms in a real browser: Connect… typed in the palette's picker like a user does (command arguments
// would trust without asking), the Trust question as the workbench's modal dialog with the room's fingerprint, the
// header's lock once trusted, no question the second time; a plain-text server (like `ncat --chat`) shown as not
// encrypted; a room whose certificate changed refused with both fingerprints. One editor for the whole file; the
// tests build on each other (the room trusted in the first is the one whose certificate changes in the last).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectByTyping as typeAddress, runCommand } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { sleep, spawnTracked, waitFor } from '../tools/processes.mjs';
import { HOST_NAME, openChatEditor } from './fixture.mjs';

const STEP = { timeout: 120_000 };
const FINGERPRINT = /[0-9A-F]{2}(?::[0-9A-F]{2}){31}/g;

describe('encrypted rooms and the Trust question in code-server', { timeout: 15 * 60_000 }, () => {
  let editor;
  let page;
  let panel;

  before(
    async () => {
      editor = await openChatEditor('trust');
      ({ page, panel } = editor);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await editor?.close();
  });

  const rows = (options) => panel.locator('[data-testid=message]', options);
  const encryption = () => panel.locator('[data-testid=encryption]');
  const dialog = () => page.locator('.monaco-dialog-box');

  /** `tcp-chat serve` with TLS (its certificate made in `tlsDir` on first use); resolves with its fingerprint. */
  async function serveRoom(port, tlsDir) {
    const room = editor.cli([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--name',
      'Server',
      '--tls-dir',
      join(editor.scratch.tmp, tlsDir),
      '--no-log',
      '--no-advertise', // no multicast DNS outside a private network namespace
    ]);
    await room.waitForOutput(/Listening on .*certificate fingerprint [0-9A-F:]+/, 30_000);
    const [fingerprint] = /Listening on .*certificate fingerprint ([0-9A-F:]+[0-9A-F])/.exec(room.stdout).slice(1);
    assert.match(fingerprint, FINGERPRINT);
    return { room, fingerprint };
  }

  /** Connect… from the palette, the address typed (the name is in the settings). */
  const connectByTyping = (port) => typeAddress(page, `127.0.0.1:${port}`);

  /** How many times the room has printed that the panel's user joined. */
  const joins = (room) => (room.stdout.match(new RegExp(`\\* ${HOST_NAME} \\(.*\\) joined`, 'g')) ?? []).length;

  async function disconnect() {
    await runCommand(page, 'TCP Chat: Disconnect');
    await panel.locator('[data-testid=connect]').waitFor({ timeout: 30_000 });
  }

  let port;
  let first;

  it(
    'a new room: the Trust dialog shows its fingerprint; once trusted, the lock; the second time, no question',
    STEP,
    async () => {
      port = await freePort();
      first = await serveRoom(port, 'tls-first');
      const { room, fingerprint } = first;

      await connectByTyping(port);
      const question = dialog();
      await question.waitFor({ timeout: 30_000 });
      const text = await question.innerText();
      assert.match(text, /trust this room\?/);
      assert.ok(text.includes(`127.0.0.1:${port}`), `the dialog names the room: ${text}`);
      assert.deepEqual(
        text.match(FINGERPRINT),
        [fingerprint],
        `the dialog shows exactly the room's fingerprint: ${text}`,
      );
      await question.locator('.monaco-button', { hasText: /^Trust$/ }).click();
      await question.waitFor({ state: 'detached', timeout: 10_000 });

      await waitFor(() => joins(room) === 1, { timeoutMs: 30_000, what: `${HOST_NAME} joining:\n${room.stdout}` });
      const lock = encryption();
      await panel.locator('[data-testid=encryption].encrypted').waitFor({ timeout: 30_000 });
      assert.equal(await lock.getAttribute('data-encrypted'), 'true');
      assert.match(await lock.innerText(), /^\s*encrypted\s*/);
      assert.ok((await lock.getAttribute('title')).includes(fingerprint), 'the lock’s tooltip shows the fingerprint');
      room.send('hello over TLS, Hostess');
      await rows({ hasText: 'hello over TLS, Hostess' }).waitFor({ timeout: 30_000 });

      // The second time the room is trusted already: no dialog at all while the connection completes.
      await disconnect();
      await page.evaluate(() => {
        window.tcpChatSawDialog = false;
        const look = () => {
          if (document.querySelector('.monaco-dialog-box')) window.tcpChatSawDialog = true;
        };
        new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
      });
      await connectByTyping(port);
      await waitFor(() => joins(room) === 2, {
        timeoutMs: 30_000,
        what: `${HOST_NAME} joining again:\n${room.stdout}`,
      });
      room.send('welcome back, Hostess');
      await rows({ hasText: 'welcome back, Hostess' }).waitFor({ timeout: 30_000 });
      await panel.locator('[data-testid=encryption].encrypted').waitFor();
      await sleep(3000); // a late question would show by now
      assert.equal(await page.evaluate(() => window.tcpChatSawDialog), false, 'no dialog on the second connection');
      assert.equal(await dialog().count(), 0);
    },
  );

  it(
    'a plain-text server that is not TCP Chat (ncat --chat): header and status bar say not encrypted',
    STEP,
    async () => {
      await disconnect();
      const plainPort = await freePort();
      const ncat = spawnTracked('ncat', ['-v', '--chat', '-l', '127.0.0.1', String(plainPort)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      editor.cleanups.push(() => ncat.stop({ graceMs: 1000 }));
      let said = '';
      ncat.stderr.setEncoding('utf8').on('data', (chunk) => (said += chunk));
      await waitFor(() => said.includes('Listening'), { timeoutMs: 15_000, what: `ncat listening:\n${said}` });

      await connectByTyping(plainPort);
      await panel.locator('[data-testid=header]', { hasText: String(plainPort) }).waitFor({ timeout: 30_000 });
      const badge = panel.locator('[data-testid=encryption].not-encrypted');
      await badge.waitFor({ timeout: 30_000 });
      assert.equal(await badge.getAttribute('data-encrypted'), 'false');
      assert.match(await badge.innerText(), /not encrypted/);
      await page.locator('.statusbar .statusbar-item', { hasText: 'not encrypted' }).waitFor({ timeout: 30_000 });
      assert.equal(await dialog().count(), 0, 'no Trust question for a room without a certificate');
    },
  );

  it('the trusted room comes back with another certificate: refused, naming both fingerprints', STEP, async () => {
    await disconnect();
    await first.room.stop();
    const { fingerprint: changed } = await serveRoom(port, 'tls-second'); // same port, a new certificate
    assert.notEqual(changed, first.fingerprint);

    await connectByTyping(port);
    const refusal = rows({ hasText: 'changed' }).and(panel.locator('[data-kind=error]')).last();
    await refusal.waitFor({ timeout: 30_000 });
    const text = await refusal.innerText();
    assert.ok(text.includes(`expected ${first.fingerprint}`), `the trusted fingerprint is named: ${text}`);
    assert.ok(text.includes(`got ${changed}`), `the presented fingerprint is named: ${text}`);
    assert.equal(await dialog().count(), 0, 'a changed certificate is refused, not asked about');
  });
});
