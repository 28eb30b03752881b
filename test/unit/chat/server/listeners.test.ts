// Plain-text peers that only listen (an nc that reads): seated half a second after the greeting, not at the
// handshake deadline; kept however long they stay silent; told their place in line in a room with seats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_PREAMBLE } from '../../../../src/chat/wire/handshake';
import { delay, RawPlainClient, startServer, waitFor } from '../../support/helpers';

test('a socket that sends nothing is seated within a second and receives what is said', async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const started = Date.now();
  const listener = await RawPlainClient.connect(port);
  t.after(() => listener.close());
  assert.match(listener.text, /or just listen\.\r\n$/, 'the greeting promises no wait');
  await listener.waitText(/Welcome to Host, guest-\d+ \(127\.0\.0\.1:\d+\)!/, 1000);
  assert.ok(Date.now() - started < 1000, `seated after ${Date.now() - started} ms`);
  await waitFor(() => server.roster.active.length === 2, 'the listener in the roster');
  await server.send({ text: 'hello listeners' });
  await listener.waitText(/Host: hello listeners\r\n/);
});

test('a listener that sends nothing for 45 s is still there and receives', { timeout: 60_000 }, async (t) => {
  const { server, port } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const listener = await RawPlainClient.connect(port);
  t.after(() => listener.close());
  await listener.waitText(/Welcome to Host/, 1000);
  await delay(45_000); // past the 30 s handshake deadline and several heartbeats
  assert.equal(listener.closed, false, 'still connected');
  await server.send({ text: 'still with us?' });
  await listener.waitText(/Host: still with us\?\r\n/);
  assert.doesNotMatch(listener.text, /goodbye/i);
});

test('seats 1: a second silent peer is told "#1 in line" with no name step, and admitted when the seat frees', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host', seats: 1 });
  t.after(() => server.close());
  const first = await RawPlainClient.connect(port);
  t.after(() => first.close());
  await first.waitText(/Welcome to Host, guest-\d+/, 1000);
  const second = await RawPlainClient.connect(port);
  t.after(() => second.close());
  await second.waitText(/You are #1 in line\./, 1000);
  assert.doesNotMatch(second.text, /your name|pick a name first/i, 'no name step');
  assert.match(second.text, /Welcome to Host, guest-\d+ \(127\.0\.0\.1:\d+\)! All 1 seat is taken/);
  assert.deepEqual(
    server.roster.waiting.map((p) => p.kind),
    ['plain'],
  );
  first.close();
  await second.waitText(/You have a seat now: you can chat\./);
  second.write('hi, my turn\n');
  await waitFor(() => events.messages.find((m) => m.text === 'hi, my turn'), 'its first line, a message');
  assert.equal(server.roster.waiting.length, 0);
});

test('once seated as a listener, a peer stays plain text: a preamble arriving later is just its first message', async (t) => {
  const { server, port, events } = await startServer({ name: 'Host' });
  t.after(() => server.close());
  const late = await RawPlainClient.connect(port);
  t.after(() => late.close());
  await late.waitText(/Welcome to Host, guest-\d+/, 1000);
  late.write(CLIENT_PREAMBLE);
  const said = await waitFor(() => events.messages.find((m) => m.text === 'TCPCHAT/1'), 'the preamble as a message');
  assert.equal(said.from.kind, 'plain');
  assert.doesNotMatch(late.text, /\x01\{"v":1/, 'no Challenge frame');
});
