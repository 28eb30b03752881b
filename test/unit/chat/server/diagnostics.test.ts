// The server's diagnostic lines (diagnose('server', …)): what someone filing a bug needs to see — connections,
// handshake results, limits hit — with anything the peer chose escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setDiagnosticSink, type DiagnosticArea } from '../../../../src/chat/core/diagnostics';
import { FrameType } from '../../../../src/chat/wire/frames';
import { RawNativeClient, RawPlainClient, startServer, waitFor } from '../../support/helpers';

test('diagnostics: accepted, detected, handshake results, the rate limit and closes reach the sink', async (t) => {
  const lines: Array<[DiagnosticArea, string]> = [];
  setDiagnosticSink((area, line) => lines.push([area, line]));
  t.after(() => setDiagnosticSink(undefined));
  const { server, port } = await startServer({ password: 'right', rateLimit: { burst: 2, perSecond: 1 } });
  t.after(() => server.close());
  const seen = (pattern: RegExp) => lines.find(([area, line]) => area === 'server' && pattern.test(line));

  const guesser = await RawNativeClient.connect(port);
  guesser.hello('Mallory', 'wrong');
  await guesser.waitFrame(FrameType.Error, (f) => f.body.code === 'bad-password');
  await waitFor(() => seen(/^#\d+ 127\.0\.0\.1:\d+ turned away: wrong password$/), 'the wrong-password line');

  const flooder = await RawNativeClient.join(port, 'Flood', 'right');
  for (let i = 0; i < 5; i++) flooder.say(`spam ${i}`);
  await flooder.waitNotice(/^Slow down/);
  await waitFor(() => seen(/ "Flood" rate limit: muted for \d+ s$/), 'the rate-limit line');

  const nc = await RawPlainClient.connect(port);
  nc.write('Nina\n');
  await nc.waitClosed();
  await waitFor(() => seen(/ detected: plain text$/), 'the plain-text detection line');
  assert.ok(seen(/ accepted \(\d+ open\)$/), 'an accepted line');
  assert.ok(seen(/ detected: native client$/), 'a native detection line');
  assert.ok(seen(/ welcome: seated$/), 'a welcome line');
  await waitFor(() => seen(/ closed: password required$/), 'the close line with its reason');
  // What the peer chose (here its Bye reason) is escaped.
  flooder.send({ type: FrameType.Bye, body: { reason: 'bye\u0007now' } });
  await waitFor(() => seen(/ "Flood" closed: said: “bye\\x07now”$/), 'the close line, escaped');
});
