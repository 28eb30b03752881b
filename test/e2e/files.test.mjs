// Files in the chat panel, in a real browser: a peer (the engine's own ChatClient, run in this test process)
// offers a file in a `tcp-chat serve` room the panel joined; the panel shows its card; Accept shows progress and
// then "Saved", and the file is on disk byte for byte under the workspace's log folder, in files/; Open shows it
// in an editor; a declined offer leaves nothing; the page with cards has no accessibility violations in the four
// themes; a screenshot of a card beside a highlighted code block (`files`); a file dropped from outside VS Code
// is offered under its own name from a temporary copy, which is gone once the session ends.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { connectByTyping, runCommand, webviewDocument } from '../tools/browser.mjs';
import { freePort } from '../tools/offlineEditor.mjs';
import { repoRoot } from '../tools/paths.mjs';
import { waitFor } from '../tools/processes.mjs';
import { audit, describeViolations, THEMES, useTheme } from './axe.mjs';
import { openChatEditor } from './fixture.mjs';

const STEP = { timeout: 120_000 };
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The engine as a CommonJS bundle this test can require (the product's own build has no library output). */
async function loadEngine(dir) {
  const outfile = join(dir, 'engine.cjs');
  await build({
    entryPoints: [join(repoRoot, 'src', 'chat', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return createRequire(import.meta.url)(outfile);
}

describe('files in the chat panel', { timeout: 15 * 60_000 }, () => {
  let editor;
  let page;
  let panel;
  let bob;
  let filesDir;
  const bobTransfers = [];

  before(
    async () => {
      editor = await openChatEditor('files', { bypassCSP: true }); // axe is injected into the webview
      ({ page, panel } = editor);
      filesDir = join(editor.scratch.workspace, 'chat_logs', 'files');
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await bob?.close().catch(() => undefined);
    await editor?.close();
  });

  const card = (name) => panel.locator('[data-testid=file-card]', { hasText: name }).last();

  it('joins a `tcp-chat serve` room with a peer of its own', STEP, async () => {
    const port = await freePort();
    const room = editor.cli([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--no-tls',
      '--no-log',
      '--no-advertise',
    ]);
    await waitFor(() => /listening|serving/i.test(room.stdout), { timeoutMs: 15_000, what: 'tcp-chat serve' });
    await connectByTyping(page, `127.0.0.1:${port}`);
    await panel.locator('[data-testid=header]', { hasText: String(port) }).waitFor({ timeout: 30_000 });

    const { ChatClient } = await loadEngine(editor.scratch.root);
    bob = new ChatClient({ host: '127.0.0.1', port, name: 'bob', connectTimeoutMs: 8000, tls: false });
    bob.on('transfer', (progress) => bobTransfers.push(progress));
    await bob.connect();
    await bob.send({ text: 'here is the build log' });
    await panel.locator('[data-testid=message]', { hasText: 'here is the build log' }).waitFor();
  });

  it(
    'an offered file shows a card; Accept shows progress, then "Saved", the file byte-identical in files/',
    STEP,
    async () => {
      // About 7 MB of text: large enough to be seen moving, small enough to open in an editor.
      const lines = Array.from({ length: 190_000 }, (_, i) => `${i}: ${randomBytes(16).toString('hex')}`);
      const source = join(editor.scratch.root, 'build-log.txt');
      writeFileSync(source, `${lines.join('\n')}\n`);
      const expected = sha256(readFileSync(source));
      await bob.send({ file: { path: source } });

      const offered = card('build-log.txt');
      await offered.waitFor({ timeout: 30_000 });
      assert.match(await offered.innerText(), /build-log\.txt[\s\S]*MB/, 'name and size');
      assert.equal(await offered.getAttribute('data-state'), 'offered');
      assert.ok(!existsSync(filesDir) || readdirSync(filesDir).length === 0, 'nothing is written before Accept');

      // Every progress bar the card shows on its way is noted, however briefly it is up.
      const frame = await webviewDocument(page);
      await frame.evaluate(() => {
        window.seenProgress = [];
        new MutationObserver(() => {
          for (const bar of document.querySelectorAll('[data-testid=file-progress]'))
            window.seenProgress.push(Number(bar.getAttribute('aria-valuenow') ?? bar.value));
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      await offered.locator('[data-testid=file-accept]').click();
      await card('build-log.txt').locator('[data-testid=file-open]').waitFor({ timeout: 60_000 });
      assert.match(await card('build-log.txt').innerText(), /Saved/);
      const seen = await frame.evaluate(() => window.seenProgress);
      assert.ok(seen.length > 0, 'a progress bar was shown while the bytes moved');

      const saved = readdirSync(filesDir);
      assert.equal(saved.length, 1, `one file in files/: ${saved.join(', ')}`);
      assert.equal(sha256(readFileSync(join(filesDir, saved[0]))), expected, 'byte-identical');
      assert.ok(
        bobTransfers.some((t) => t.direction === 'send' && t.state === 'done'),
        'the sender saw it done',
      );

      await card('build-log.txt').locator('[data-testid=file-open]').click();
      await page.locator('.tabs-container .tab.active', { hasText: saved[0] }).waitFor({ timeout: 30_000 });
      await runCommand(page, 'TCP Chat: Show Chat Panel');
      await panel.locator('[data-testid=composer]').waitFor();
    },
  );

  it('Decline: the card says so, nothing is written, no byte of it moved', STEP, async () => {
    const source = join(editor.scratch.root, 'secret-plans.bin');
    writeFileSync(source, randomBytes(256 * 1024));
    await bob.send({ file: { path: source } });
    const offered = card('secret-plans.bin');
    await offered.waitFor({ timeout: 30_000 });
    await offered.locator('[data-testid=file-decline]').click();
    await waitFor(async () => (await card('secret-plans.bin').getAttribute('data-state')) === 'declined', {
      timeoutMs: 15_000,
      what: 'the card to say declined',
    });
    assert.equal(await card('secret-plans.bin').locator('[data-testid=file-accept]').count(), 0, 'no Accept left');
    assert.ok(
      bobTransfers.filter((t) => t.name === 'secret-plans.bin').every((t) => t.bytes === 0),
      'the sender sent nothing of it',
    );
    assert.deepEqual(
      readdirSync(filesDir).filter((name) => name.includes('secret')),
      [],
      'nothing of the declined file on disk',
    );
  });

  it('a page with file cards has no accessibility violations in the four themes', STEP, async () => {
    const reports = [];
    for (const theme of THEMES) {
      await useTheme(editor, theme);
      const violations = await audit(page);
      reports.push({ theme: theme.name, violations });
    }
    const failing = reports.filter((r) => r.violations.length > 0);
    for (const r of reports) console.log(describeViolations(r.theme, r.violations));
    assert.equal(failing.length, 0, failing.map((r) => describeViolations(r.theme, r.violations)).join('\n'));
    await useTheme(editor, THEMES[1]); // Dark Modern for the screenshot
  });

  it('a screenshot: a file card beside a highlighted code block', STEP, async () => {
    await bob.send({
      text: 'and the fix:\n```ts\nexport function retry(times: number): boolean {\n  return times < 3;\n}\n```',
    });
    const block = panel.locator('[data-testid=code-block][data-language=ts]').last();
    await block.locator('.tok-keyword').first().waitFor({ timeout: 15_000 });
    const source = join(editor.scratch.root, 'screenshot.png.zip');
    writeFileSync(source, randomBytes(3 * 1024 * 1024));
    await bob.send({ file: { path: source } });
    await card('screenshot.png.zip').waitFor({ timeout: 30_000 });
    await editor.shoot('files'); // TCP_CHAT_UPDATE_SCREENSHOTS=1 copies it to docs/screenshots/
  });

  it(
    'a file dropped from outside VS Code is offered under its name; its temporary copy goes with the session',
    STEP,
    async () => {
      const offers = [];
      bob.on('message', (message) => message.file && offers.push(message));
      const bytes = randomBytes(300 * 1024).toString('hex'); // text, so the drop is a plain File of known content
      await panel.locator('[data-testid=composer]').evaluate((textarea, content) => {
        const data = new DataTransfer();
        data.items.add(new File([content], 'dropped notes.txt', { type: 'text/plain' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, bytes);
      await waitFor(() => offers.some((m) => m.file.name === 'dropped notes.txt'), {
        timeoutMs: 30_000,
        what: 'the offer at the peer, under the dropped name',
      });
      const mine = card('dropped notes.txt');
      await mine.waitFor();
      assert.match(await mine.innerText(), /Offered to the room/);

      const copies = () => findDroppedCopies(editor.scratch.root);
      assert.equal(copies().length, 1, 'one temporary copy while offered');
      const target = join(editor.scratch.root, 'from-panel.txt');
      bob.acceptFile(offers.find((m) => m.file.name === 'dropped notes.txt').id, { path: target });
      await waitFor(() => bobTransfers.some((t) => t.direction === 'receive' && t.state === 'done'), {
        timeoutMs: 30_000,
        what: 'the peer to receive it',
      });
      assert.equal(readFileSync(target, 'utf8'), bytes, 'the dropped bytes, exactly');
      await mine.locator('.transfer', { hasText: 'bob' }).filter({ hasText: 'Sent' }).waitFor({ timeout: 15_000 });

      await runCommand(page, 'TCP Chat: Disconnect');
      await waitFor(() => copies().length === 0, { timeoutMs: 15_000, what: 'the temporary copy to be removed' });
    },
  );
});

/** Files in any `dropped-files` folder under `dir` (the extension's storage lives in the scratch folder). */
function findDroppedCopies(dir) {
  const found = [];
  const walk = (path, depth) => {
    if (depth > 12) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'dropped-files')
          found.push(...readdirSync(child).filter((n) => statSync(join(child, n)).isFile()));
        else if (entry.name !== 'node_modules') walk(child, depth + 1);
      }
    }
  };
  walk(dir, 0);
  return found;
}
