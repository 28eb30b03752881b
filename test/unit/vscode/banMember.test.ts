// The host's Ban (tcpChat.ban in the palette and the panel's roster) with a real ChatServer: the confirmation names
// the member's address and says the ban lasts as long as the room runs; yes bans (the member's nc is told and
// closed, the address is refused after), no leaves everything as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, banMember } from '../../../src/vscode/commands/banMember';
import { RawPlainClient, startServer, waitFor } from '../support/helpers';

test('tcpChat.ban: the question names the address and the room lifetime; no keeps the member, yes bans the address', async (t) => {
  const { server, port, events } = await startServer();
  t.after(() => server.close());
  const nc = await RawPlainClient.join(port, 'eve');
  t.after(() => nc.close());
  const eve = await waitFor(() => server.roster.active.find((p) => p.name === 'eve'), 'eve in the roster');
  assert.match(eve.address, /^127\.0\.0\.1:\d+$/);
  assert.equal(addressOf(eve), '127.0.0.1');
  assert.equal(addressOf({ ...eve, address: '[fd00::5]:4000' }), 'fd00::5');

  const questions: string[] = [];
  assert.equal(await banMember(server, eve.id, async (q) => (questions.push(q), false)), false);
  assert.match(
    questions[0],
    /^Ban eve \(127\.0\.0\.1\)\? Every connection from 127\.0\.0\.1 is closed now and refused for as long as this room runs \(until you stop the server\)\./,
  );
  assert.equal(nc.closed, false, 'no: nothing happens');
  assert.ok(server.roster.active.some((p) => p.name === 'eve'));

  assert.equal(await banMember(server, eve.id, async () => true), true);
  await nc.waitText(/You were banned from the room by the host\./);
  await nc.waitClosed();
  await waitFor(() => events.notices.find((n) => n.text === 'eve was banned by the host.'), 'the room is told');
  const back = await RawPlainClient.connect(port);
  t.after(() => back.close());
  back.write('hi\n');
  await back.waitText(/Sorry: You are banned from this room\./);

  await assert.rejects(
    banMember(server, eve.id, async () => true),
    { code: 'unknown-peer' },
  );
  await assert.rejects(
    banMember(server, 0, async () => true),
    { code: 'unknown-peer' },
    'never the host',
  );
});
