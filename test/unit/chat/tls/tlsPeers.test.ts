// Other programs on the TLS port: `ncat --ssl` chats as a plain-text peer inside TLS with our client, `openssl
// s_client` sees the certificate whose fingerprint the server prints, and a room that requires TLS turns away
// unencrypted peers with a line pointing to `ncat --ssl`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { ChatError } from '../../../../src/chat/core/errors';
import { ncatPath, within } from '../../support/clientHelpers';
import { RawPlainClient } from '../../support/helpers';
import { join, newClient, tlsRoom, type Cleanup } from './support';

/** A child process whose stdout is collected; killed when the test ends. */
function child(t: Cleanup, command: string, args: string[]) {
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', () => undefined);
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  const until = (pattern: RegExp, what: string) =>
    within(
      new Promise<void>((resolve) => {
        const check = () => pattern.test(out) && (proc.stdout.off('data', check), resolve());
        proc.stdout.on('data', check);
        check();
      }),
      8000,
      () => `${what}; output so far: ${JSON.stringify(out.slice(-400))}`,
    );
  return { proc, out: () => out, until };
}

const ncat = ncatPath();

test(
  'ncat --ssl chats as a plain-text peer inside TLS with a native member',
  { skip: !ncat && 'no ncat' },
  async (t) => {
    const { port, server } = await tlsRoom(t);
    const ann = await join(t, port, 'ann');
    const nc = child(t, ncat!, ['--ssl', '127.0.0.1', String(port)]);
    await nc.until(/TCPCHAT\/1 Host — welcome!/, 'the greeting inside TLS');
    assert.doesNotMatch(nc.out(), /\[tls\]/, 'no upgrade marker inside the tunnel');
    nc.proc.stdin.write('/name carol\n');
    nc.proc.stdin.write('hello over ssl\n');
    await ann.events.message((m) => m.text === 'hello over ssl' && m.from.name === 'carol', 'ncat’s line at ann');
    await ann.client.send({ text: 'hi carol' });
    await nc.until(/ann: hi carol/, 'ann’s text at ncat');
    const carol = server.roster.active.find((p) => p.name === 'carol');
    assert.equal(carol?.kind, 'plain');
    assert.equal(carol?.encrypted, true);
  },
);

test('openssl s_client sees the certificate whose fingerprint the server prints', async (t) => {
  const { port, fingerprint, host } = await tlsRoom(t);
  const listening = await host.notice((n) => /^Listening on/.test(n.text), 'the listening line');
  assert.ok(listening.text.includes(fingerprint));
  const openssl = child(t, 'openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts']);
  await openssl.until(/-----END CERTIFICATE-----/, 'the certificate');
  await openssl.until(/TCPCHAT\/1 Host/, 'the greeting inside TLS');
  assert.match(openssl.out(), /TLSv1\.3/);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(openssl.out())![0];
  const printed = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' });
  assert.equal(printed.stdout.trim(), `sha256 Fingerprint=${fingerprint}`);
});

test('--require-tls turns away plain nc with the ncat --ssl hint, and an unencrypted client with tls-required', async (t) => {
  const { port, host } = await tlsRoom(t, { requireTls: true });
  const nc = await RawPlainClient.connect(port);
  t.after(() => nc.close());
  assert.match(nc.text, /accepts only encrypted connections: join with `ncat --ssl HOST PORT`/);
  nc.write('hello?\n');
  await nc.waitText(/Sorry: This room accepts only encrypted connections: use `ncat --ssl HOST PORT`, or TCP Chat\./);
  await nc.waitClosed();
  await host.notice((n) => n.code === 'tls-required', 'the host’s log line');
  const old = newClient(t, port, 'old', { tls: false });
  await assert.rejects(
    within(old.client.connect(), 6000, 'refused'),
    (e: unknown) => e instanceof ChatError && e.code === 'tls-required',
  );
  const ann = await join(t, port, 'ann');
  assert.ok(ann.client.fingerprint, 'our client joins encrypted');
});

test('a failed TLS handshake is one log line, and the room goes on', async (t) => {
  const { port, host } = await tlsRoom(t);
  for (let i = 0; i < 5; i++) {
    const junk = await RawPlainClient.connect(port).catch(() => undefined);
    junk?.close();
  }
  const { connect } = await import('node:net');
  for (let i = 0; i < 5; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
    t.after(() => socket.destroy());
  }
  await host.notice((n) => n.code === 'tls-handshake', 'the TLS failure line');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(host.notices.filter((n) => n.code === 'tls-handshake').length, 1, 'throttled');
  await join(t, port, 'ann');
});
