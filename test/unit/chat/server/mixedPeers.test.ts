// The product's own ChatClient and an nc-style peer in one room with a queue: what each of them sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../../src/chat/client/chatClient';
import { EventRecorder } from '../../support/clientHelpers';
import { RawPlainClient, startServer, waitFor } from '../../support/helpers';

async function joinClient(port: number, name: string) {
  const client = new ChatClient({ host: '127.0.0.1', port, name, reconnect: false });
  const events = new EventRecorder(client);
  await client.connect();
  return { client, events };
}

test('ChatClient + nc peer, seats = 2: queue live at the client, kick seen as a clear notice, admit moves the line', async (t) => {
  const { server, port, events: host } = await startServer({ name: 'Host', seats: 2 });
  t.after(() => server.close());
  const ann = await joinClient(port, 'ann');
  t.after(() => ann.client.close());
  const nina = await RawPlainClient.join(port, 'nina');
  const cal = await joinClient(port, 'cal');
  t.after(() => cal.client.close());
  assert.equal(cal.client.state, 'waiting');
  await cal.events.position(1);

  // Text between a native client and an nc peer, both ways, labelled by the server.
  await ann.client.send({ text: 'hello nina' });
  await nina.waitText(/\[\d\d:\d\d:\d\d\] ann: hello nina\r\n/);
  nina.write('hi ann\n');
  const atAnn = await ann.events.message((m) => m.text === 'hi ann', 'nina’s line at ann');
  assert.equal(atAnn.from.name, 'nina');
  assert.equal(atAnn.from.kind, 'plain');
  await waitFor(() => ann.client.roster.waiting.map((p) => p.name).join() === 'cal', 'cal waiting in ann’s roster');

  // The host kicks the nc peer: the seat frees and cal is admitted automatically.
  const ninaId = server.roster.active.find((p) => p.name === 'nina')?.id as number;
  server.kick(ninaId, 'test over');
  await nina.waitText(/! You were removed from the room by the host: test over\r\n/);
  await nina.waitClosed();
  await cal.events.position(null);
  await cal.events.state('active');
  await ann.events.notice((n) => n.text === 'cal was admitted.', 'admit notice at ann');
  await waitFor(() => host.notices.find((n) => n.text === 'cal was admitted.'), 'admit notice at the host');
  await cal.client.send({ text: 'I am in' });
  await ann.events.message((m) => m.text === 'I am in' && m.from.name === 'cal', 'cal speaks');
});
