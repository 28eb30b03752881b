// Abuse: peers that mean harm — slowloris, floods, too many connections, hostile names and text, images that
// lie, path-like names, password guessing. Each is refused clearly and the room carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { ChatClient } from '../../../src/chat/client/chatClient';
import { ChatError } from '../../../src/chat/core/errors';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { encodeFrame } from '../../../src/chat/wire/codec';
import { FrameType } from '../../../src/chat/wire/frames';
import { CLIENT_PREAMBLE } from '../../../src/chat/wire/handshake';
import { bigPng, PNG_1X1 } from '../support/clientHelpers';
import { RawNativeClient, RawPlainClient, delay, startServer, waitFor } from '../support/helpers';
import { honestClient, listTree, tempDir, textsFrom } from '../support/adversarial';

/** Raw socket that records whether the server closed it. */
async function rawSocket(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const state = { closed: false, text: '' };
  socket.on('data', (d) => (state.text += d.toString('latin1')));
  socket.on('close', () => (state.closed = true));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, state };
}

test(
  'abuse: slowloris — silent sockets and 1-byte-per-second dribblers are dropped after the handshake timeout',
  { timeout: 30_000 },
  async (t) => {
    const { server, port, events } = await startServer({ name: 'Host', handshakeTimeoutMs: 500 });
    t.after(() => server.close());
    const honest = await honestClient(port, 'honest');
    t.after(() => honest.client.close());

    const silent = await rawSocket(port);
    const preambleDribbler = await rawSocket(port); // a byte of "TCPCHAT/1\n" per second
    const helloDribbler = await rawSocket(port); // full preamble, then the Hello a byte per second
    await waitFor(() => helloDribbler.state.text.includes('\n'), 'the greeting');
    helloDribbler.socket.write(CLIENT_PREAMBLE);
    const hello = encodeFrame({ type: FrameType.Hello, body: { v: 1, name: 'slow' } });
    let stop = false;
    const dribble = (async () => {
      for (let i = 0; i < 20 && !stop; i++) {
        if (!preambleDribbler.state.closed)
          preambleDribbler.socket.write(
            CLIENT_PREAMBLE.subarray(i % CLIENT_PREAMBLE.length, (i % CLIENT_PREAMBLE.length) + 1),
          );
        if (!helloDribbler.state.closed) helloDribbler.socket.write(hello.subarray(i, i + 1));
        await delay(1000);
      }
    })();
    t.after(() => {
      stop = true;
      return dribble;
    });

    for (const [what, peer] of [
      ['silent', silent],
      ['preamble dribbler', preambleDribbler],
      ['hello dribbler', helloDribbler],
    ] as const) {
      await waitFor(() => peer.state.closed, `the ${what} to be dropped`, 5000);
    }
    stop = true;
    assert.ok(events.notices.filter((n) => n.code === 'handshake-timeout').length >= 3, 'each drop is in the host log');
    assert.match(silent.state.text, /No name received within|goodbye/i, 'a silent nc user is told why');
    assert.deepEqual(
      server.roster.active.map((p) => p.name),
      ['Host', 'honest'],
      'none of them got into the room',
    );
    await waitFor(() => server.roster.connections === 1, 'only the honest connection left');
    // The honest member never noticed.
    const late = await honestClient(port, 'late');
    await late.client.send({ text: 'hi' });
    await honest.seen.message((m) => m.text === 'hi', 'a message after the slowloris');
    await late.client.close();
  },
);

test('abuse: a flood from one client is rate-limited with a notice while the others keep chatting', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', rateLimit: { burst: 10, perSecond: 5 } });
  t.after(() => server.close());
  const alice = await honestClient(port, 'alice');
  const bob = await honestClient(port, 'bob');
  t.after(() => Promise.all([alice.client.close(), bob.client.close()]));
  const flooder = await RawNativeClient.join(port, 'flooder');
  const plainFlooder = await RawPlainClient.join(port, 'plainflood');

  for (let i = 0; i < 300; i++) flooder.say(`spam ${i}`);
  plainFlooder.write(Array.from({ length: 300 }, (_, i) => `junk ${i}\n`).join(''));
  await flooder.waitNotice(/Slow down/);
  await plainFlooder.waitText(/Slow down/);
  assert.equal(flooder.of(FrameType.Notice).find((f) => /Slow down/.test(f.body.text))?.body.code, 'rate-limited');
  assert.ok(
    events.notices.some((n) => n.code === 'rate-limited' && /flooder/.test(n.text)),
    'the host log says who was limited',
  );

  // Meanwhile, the honest pair talks normally.
  const said: string[] = [];
  for (let i = 0; i < 5; i++) {
    said.push(`honest ${i}`);
    await alice.client.send({ text: `honest ${i}` });
  }
  await waitFor(() => textsFrom(bob.seen, 'alice').length === said.length, 'all honest messages');
  assert.deepEqual(textsFrom(bob.seen, 'alice'), said);
  // Of 300 spam lines each, only about the burst got through (plus what the bucket refilled meanwhile).
  const spam = textsFrom(bob.seen, 'flooder').length;
  const junk = textsFrom(bob.seen, 'plainflood').length;
  assert.ok(spam >= 10 && spam < 30, `flooder got ${spam} of 300 through`);
  assert.ok(junk >= 10 && junk < 30, `plain flooder got ${junk} of 300 through`);
  assert.equal(server.state, 'listening');
  flooder.close();
  plainFlooder.close();
});

test('abuse: the connection limit refuses newcomers clearly, in their own language', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', maxConnections: 3 });
  t.after(() => server.close());
  const members = await Promise.all(['a', 'b', 'c'].map((n) => honestClient(port, n)));
  t.after(() => Promise.all(members.map((m) => m.client.close())));

  const extra = new ChatClient({ host: '127.0.0.1', port, name: 'd' });
  await assert.rejects(extra.connect(), (error: unknown) => {
    assert.ok(error instanceof ChatError);
    assert.match(error.message, /full \(3 connections\)/);
    return true;
  });
  await extra.close();
  const nc = await rawSocket(port);
  nc.socket.write('mallory\n');
  await waitFor(() => nc.state.closed, 'the plain newcomer closed');
  assert.match(nc.state.text, /Sorry: The server is full \(3 connections\); try again later\./);
  assert.ok(events.notices.filter((n) => n.code === 'connection-limit').length >= 2);
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host', 'a', 'b', 'c'],
  );

  // A storm of 200 connects at the limit: all refused or dropped, the server stays up, members unaffected.
  const storm = await Promise.all(Array.from({ length: 200 }, () => rawSocket(port)));
  await waitFor(() => storm.every((s) => s.state.closed), 'the storm refused', 10_000);
  await members[0].client.send({ text: 'still fine' });
  await members[1].seen.message((m) => m.text === 'still fine', 'a message after the storm');
  assert.equal(server.roster.connections, 3);
});

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
      assert.match(nc.text, /Welcome to Host, 31mbN{28}/);
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

test('abuse: image bytes that lie about their type are refused and reach nobody', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const bob = await honestClient(port, 'bob');
  t.after(() => bob.client.close());
  const liar = await RawNativeClient.join(port, 'liar');

  // Says PNG, is a GIF; says JPEG, is an HTML page; says PNG, is an ELF executable.
  const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 1)]);
  const html = Buffer.from('<html><script>alert(1)</script></html>'.padEnd(200, ' '));
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(300, 2)]);
  liar.sendImage(gif, { ref: 1, mime: 'image/png', text: 'a png' });
  liar.sendImage(html, { ref: 2, mime: 'image/jpeg', text: 'a jpeg' });
  liar.sendImage(elf, { ref: 3, mime: 'image/png', text: 'another png' });
  await waitFor(
    () => liar.of(FrameType.Notice).filter((f) => f.body.code === 'image-type').length === 3,
    'three image-type refusals',
  );
  assert.match(liar.noticeTexts().join('\n'), /says PNG but its bytes are GIF/);
  assert.ok(events.notices.filter((n) => n.code === 'image-type').length === 3, 'each refusal in the host log');

  // The ChatClient refuses a non-image before anything is sent.
  await assert.rejects(
    bob.client.send({ image: html }),
    (e: unknown) => e instanceof ChatError && e.code === 'image-type',
  );
  // A real image still goes through afterwards, and it is the only image anyone got.
  liar.sendImage(bigPng(5000), { ref: 4, mime: 'image/png', text: 'real' });
  await bob.seen.message((m) => m.text === 'real', 'the honest image');
  assert.deepEqual(
    bob.seen.messages.filter((m) => m.image).map((m) => m.text),
    ['real'],
  );
  assert.equal(
    bob.seen.messages.some((m) => /png|jpeg/.test(m.text)),
    false,
    'no header of a refused image reached anyone',
  );
  liar.close();
});

test('abuse: a path-like name (../../x.png) never makes anything be written outside the log folder', async (t) => {
  const root = tempDir(t, 'paths');
  const hostLogs = path.join(root, 'a', 'b', 'host_logs');
  const clientLogs = path.join(root, 'a', 'b', 'client_logs');
  const { server, port } = await startServer({ name: 'Host' });
  const hostSession = new ChatSession(server, { transcript: Transcript.open(hostLogs) });
  t.after(() => hostSession.close());
  const receiver = await honestClient(port, 'receiver');
  const receiverSession = new ChatSession(receiver.client, { transcript: Transcript.open(clientLogs) });
  t.after(() => receiverSession.close());

  for (const name of ['../../x.png', '..\\..\\x.png', '/etc/x.png', 'C:\\x.png', '.', '..']) {
    const raw = await RawNativeClient.join(port, name);
    raw.sendImage(PNG_1X1, { ref: 1, text: name });
    raw.send({ type: FrameType.Rename, body: { name: '../../../y.png' } });
    await waitFor(
      () => receiver.seen.messages.some((m) => m.text === name && m.image),
      `the image from ${JSON.stringify(name)}`,
    );
    raw.close();
  }
  await waitFor(
    () => receiverSession.history.filter((e) => e.kind === 'message' && e.message.image).length === 6,
    'six images recorded',
  );
  const files = listTree(root);
  const outside = files.filter(
    (f) =>
      !f.startsWith(path.join('a', 'b', 'host_logs') + path.sep) &&
      !f.startsWith(path.join('a', 'b', 'client_logs') + path.sep),
  );
  assert.deepEqual(outside, [], 'nothing written outside the log folders');
  const images = files.filter((f) => /\.(png|bin)$/.test(f));
  assert.equal(images.length, 12, 'six images saved on each side');
  for (const f of images)
    assert.match(path.basename(f), /^img_\d{6}_\d+_[\p{L}\p{N}_-]+\.png$/u, `engine-made name: ${f}`);
});

test('abuse: wrong passwords, repeated, never get in and never crash the server', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', password: 'correct horse' });
  t.after(() => server.close());
  for (let i = 0; i < 15; i++) {
    const guess = new ChatClient({ host: '127.0.0.1', port, name: `guess${i}`, password: `wrong${i}` });
    await assert.rejects(guess.connect(), (e: unknown) => e instanceof ChatError && e.code === 'bad-password');
    await guess.close();
  }
  // Hand-made proofs: missing, empty, not hex, absurdly long, the password itself in clear.
  for (const proof of [undefined, '', 'zz', 'f'.repeat(200), 'correct horse']) {
    const raw = await RawNativeClient.connect(port);
    raw.send({ type: FrameType.Hello, body: { v: 1, name: 'forger', proof } });
    const error = await raw.waitFrame(FrameType.Error);
    assert.equal(error.body.fatal, true);
    await raw.waitClosed();
  }
  // nc cannot answer a challenge: told so and closed.
  const nc = await rawSocket(port);
  nc.socket.write('nc-user\n');
  await waitFor(() => nc.state.closed, 'the plain peer closed');
  assert.match(nc.state.text, /needs a password/);

  assert.equal(server.state, 'listening');
  assert.deepEqual(
    server.roster.active.map((p) => p.name),
    ['Host'],
    'nobody got in',
  );
  // Every failure is accounted for in the host log: a line each, or (throttled) a "…and N more" summary.
  const turnedAway = () =>
    events.notices
      .filter((n) => n.code === 'bad-password')
      .reduce((sum, n) => sum + Number(/^…and (\d+) more/.exec(n.text)?.[1] ?? 1), 0);
  await waitFor(
    () => turnedAway() >= 15,
    () => `15 wrong passwords in the host log (have ${turnedAway()})`,
    3000,
  );
  const member = new ChatClient({ host: '127.0.0.1', port, name: 'member', password: 'correct horse' });
  await member.connect();
  assert.equal(member.state, 'active');
  await member.close();
});

test(
  'abuse: a stream of images to a session without a log keeps its memory bounded',
  { timeout: 60_000 },
  async (t) => {
    // Sessions run without a transcript when the log cannot be opened or with `--no-log`: then no image is ever
    // saved, and a peer sending big images at the rate limit must not grow the history without bound.
    const { server, port } = await startServer({ name: 'Host', rateLimit: false });
    t.after(() => server.close());
    const receiver = new ChatClient({ host: '127.0.0.1', port, name: 'receiver' });
    await receiver.connect();
    const session = new ChatSession(receiver); // no transcript
    t.after(() => session.close());
    const sender = await honestClient(port, 'sender');
    t.after(() => sender.client.close());

    const image = bigPng(4 * 1024 * 1024);
    const count = 24; // 96 MiB in all
    let received = 0;
    session.on('message', (m) => {
      if (m.image) received++;
    });
    for (let i = 0; i < count; i++) {
      await sender.client.send({ image, text: `big ${i}` });
      await sender.client.flushed(20_000);
    }
    await waitFor(
      () => received === count,
      () => `all ${count} images (${received})`,
      30_000,
    );
    const retained = session.history.reduce(
      (sum, e) => sum + (e.kind === 'message' && e.message.image ? e.message.image.bytes.length : 0),
      0,
    );
    t.diagnostic(
      `image bytes retained in history: ${(retained / 2 ** 20).toFixed(0)} MiB of ${(count * image.length) / 2 ** 20} MiB received`,
    );
    assert.ok(
      retained <= 64 * 1024 * 1024,
      `history keeps ${(retained / 2 ** 20).toFixed(0)} MiB of image bytes (bound 64 MiB)`,
    );
    // The history still lists every image (type and size), just not every image's bytes.
    assert.equal(session.history.filter((e) => e.kind === 'message' && e.message.image).length, count);
    assert.ok(
      session.history.every((e) => e.kind !== 'message' || !e.message.image || e.message.image.size === image.length),
    );
  },
);

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
