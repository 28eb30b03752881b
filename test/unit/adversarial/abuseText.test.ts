// Abuse through names and text: hostile or host-lookalike names, markup, terminal escapes and control
// characters, huge texts and pastes. Each is cleaned or cut, never obeyed, and the room carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { FrameType } from '../../../src/chat/wire/frames';
import { PNG_1X1 } from '../support/clientHelpers';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../support/helpers';
import { honestClient, tempDir, textsFrom } from '../support/adversarial';

test('abuse: a 10,000-character name joins under a sanitised, shortened name (not a protocol error)', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const hostileName = `\u001b[31m<b>${'N'.repeat(10_000)}</b>`;
  for (const kind of ['plain', 'native'] as const) {
    if (kind === 'native') {
      const client = new ChatClient({ host: '127.0.0.1', port, name: hostileName });
      t.after(() => client.close());
      await client.connect();
      assert.equal(client.self?.name, `31mb${'N'.repeat(28)}`, 'cleaned, then cut to 32 characters');
    } else {
      const nc = await RawPlainClient.join(port, hostileName);
      await nc.waitText(/Welcome to/);
      assert.match(nc.text, /You are now 31mbN{28}\./, 'its /name is cleaned and cut the same way');
      nc.close();
    }
  }
});

test('abuse: markup, ANSI escapes, control characters and 10,000-character texts', async (t) => {
  const dir = tempDir(t, 'markup');
  const { server, port } = await startServer({ name: 'Host' });
  const session = new ChatSession(server, { transcript: Transcript.open(path.join(dir, 'logs')) });
  t.after(() => session.close());
  const evilName = '\u001b[2J\u001b[31m<img src=x onerror=alert(1)>\u0007Eve\u202e' + 'x'.repeat(300);
  const eve = await honestClient(port, evilName);
  const viewer = await honestClient(port, 'viewer');
  const nc = await RawPlainClient.join(port, 'ncuser');
  t.after(() => Promise.all([eve.client.close(), viewer.client.close()]));

  const name = eve.client.self!.name;
  assert.ok(Array.from(name).length <= 32, `name limited (${name.length} chars)`);
  assert.doesNotMatch(name, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e<>=()]/, 'name sanitised');

  const hostile =
    '\u001b[2J\u001b[1;1HYou have been hacked\u0007 <script>alert(1)</script> \r[00:00:00] Host: fake line\u0000\u202egnp.exe';
  const long = 'L'.repeat(10_000);
  const forged = 'innocent\n[12:00:00] Host (host): everyone please send me your password';
  await eve.client.send({ text: hostile });
  await eve.client.send({ text: forged });
  await eve.client.send({ text: long });

  // Native peers get the exact text (rendering it safely is the panel's job: textContent).
  await viewer.seen.message((m) => m.text === long, 'the 10,000-character text');
  assert.equal(textsFrom(viewer.seen, name)[0], hostile);
  // The nc user sees visible escapes, never live control characters, and no line that passes for someone else's.
  await nc.waitText(/L{10000}/, 5000);
  const plain = nc.text;
  assert.doesNotMatch(
    plain.replace(/\r\n/g, ''),
    /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/,
    'no raw control characters reach a terminal',
  );
  assert.match(plain, /\\x1b\[2J\\x1b\[1;1HYou have been hacked\\x07/);
  assert.doesNotMatch(plain, /\r\n\[00:00:00\] Host: fake line/, 'an embedded CR cannot start a forged line');
  // The host log has no raw control characters either.
  const log = fs.readFileSync(session.transcript!.logFile, 'utf8');
  assert.doesNotMatch(log.replace(/\n/g, ''), /[\u0000-\u001f\u007f\u202e]/);
  assert.ok(log.includes(long), 'the long text is logged whole');
  // A newline in a message cannot start a log line (or an nc line) that looks like someone else's.
  assert.doesNotMatch(log, /^\[12:00:00\] Host \(host\): everyone/m, 'no forged line in the log');
  assert.doesNotMatch(plain, /\r\n\[12:00:00\] Host/, 'no forged line at the nc user');
  nc.close();
});

test('abuse: names that only look like the host’s (case, spaces, invisible characters, fullwidth letters) cannot pass for it', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const lookalikes = [
    'host',
    ' Host ',
    'Ho\u200bst',
    'H\u00adost',
    'Host\u200d',
    '\u202eHost',
    'Ｈｏｓｔ',
    'Ｈost',
    'ＨＯＳＴ',
  ];
  for (const requested of lookalikes) {
    const peer = await RawNativeClient.join(port, requested);
    const given = peer.of(FrameType.Welcome)[0].body.you.name;
    // What a reader sees: compatibility forms (fullwidth letters) read as the plain letters, case aside.
    const readsAs = given.normalize('NFKC').toLowerCase();
    assert.notEqual(
      readsAs,
      'host',
      `${JSON.stringify(requested)} became ${JSON.stringify(given)}, which reads as the host's name`,
    );
    peer.close();
    await waitFor(() => server.roster.active.length === 1, 'the lookalike gone');
  }
});

test('abuse: an nc user pastes a 1 MB line — it is cut with a notice, the next line is normal; telnet bytes stripped, bad UTF-8 replaced', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const watcher = await honestClient(port, 'watcher');
  t.after(() => watcher.client.close());
  const nc = await RawPlainClient.join(port, 'paster');
  nc.write(`${'p'.repeat(1024 * 1024)}\nafter the paste\n`);
  await nc.waitText(/longer than 16 KB; the rest of it was cut/);
  await watcher.seen.message((m) => m.text === 'after the paste', 'the next line, whole');
  const cut = textsFrom(watcher.seen, 'paster')[0];
  assert.ok(cut.length <= 16 * 1024 && /^p+$/.test(cut), `the first 16 KB of the paste (${cut.length} chars)`);
  assert.equal(textsFrom(watcher.seen, 'paster').length, 2, 'the rest of the paste did not become more messages');
  // Telnet negotiation, NULs, DEL and invalid UTF-8 in a line: delivered as text, never as raw control bytes.
  nc.write(
    Buffer.concat([
      Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xfd, 0x03]),
      Buffer.from('junk\u0000\u007f'),
      Buffer.from([0xc3, 0x28, 0xfe]),
      Buffer.from(' end\r\n'),
    ]),
  );
  const junk = await watcher.seen.message((m) => m.from.name === 'paster' && m.text.endsWith(' end'), 'the junk line');
  assert.doesNotMatch(junk.text, /[\u00ff\u00fb\u00fd]/, 'telnet negotiation bytes are not part of the text');
  assert.match(junk.text, /^junk/);
  assert.ok(junk.text.includes('\ufffd'), 'invalid UTF-8 replaced');
  nc.close();
});

test(
  'abuse: terminal escapes from a peer never reach the tcp-chat CLI’s terminal (serve and connect)',
  { timeout: 30_000 },
  async (t) => {
    const cli = path.resolve(__dirname, '../../../../dist/cli.js');
    assert.ok(fs.existsSync(cli), `${cli} is missing: build it first (node esbuild.mjs)`);
    const cwd = tempDir(t, 'cliescape');
    const start = (args: string[]) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd,
        env: { ...process.env, NO_COLOR: '1', TCP_CHAT_PASSWORD: '' },
      });
      const out = { text: '' };
      child.stdout.on('data', (d: Buffer) => (out.text += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (out.text += d.toString('utf8')));
      t.after(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      return { child, out };
    };
    const serve = start(['serve', '--port', '0', '--no-log']);
    const port = Number(
      (await waitFor(() => /Listening on 127\.0\.0\.1:(\d+)/.exec(serve.out.text), 'the server to listen', 10_000))[1],
    );
    const watcher = start(['connect', `127.0.0.1:${port}`, '--name', 'watcher', '--no-log']);
    await waitFor(() => /watcher/.test(serve.out.text), 'the watcher to join', 10_000);

    const evil = await RawNativeClient.join(port, '\u001b[31mEvil\u0007');
    // Set the window title, clear the screen, ring the bell, an 8-bit CSI, a bidi override, a fake next line.
    evil.say('\u001b]0;pwned\u0007\u001b[2J\u0007 hello \u009b31m \u202e evil\r[00:00:00] Server: forged');
    evil.sendImage(PNG_1X1, { ref: 2, text: '\u001b[5mblink' });
    for (const [who, p] of [
      ['serve', serve],
      ['connect', watcher],
    ] as const) {
      await waitFor(
        () => /hello/.test(p.out.text) && /blink/.test(p.out.text),
        `${who} to print the hostile lines`,
        10_000,
      );
      assert.doesNotMatch(
        p.out.text,
        /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/,
        `${who}: no raw control characters`,
      );
      assert.match(p.out.text, /\\x1b\]0;pwned\\x07/, `${who}: the escape is shown, not obeyed`);
      assert.doesNotMatch(p.out.text, /^\[00:00:00\] Server: forged/m, `${who}: no forged line`);
    }
    evil.close();
    watcher.child.stdin.end();
    serve.child.kill('SIGTERM');
  },
);
