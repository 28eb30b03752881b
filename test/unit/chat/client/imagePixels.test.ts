// Images judged by the pixels they declare, on the client's side: a small file declaring a gigantic picture (a
// decompression bomb) is refused before it is sent, and dropped with a notice when a server delivers one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { ChatClient, type ChatClientOptions } from '../../../../src/chat/client/chatClient';
import type { Peer } from '../../../../src/chat/core/events';
import { ChatError } from '../../../../src/chat/core/errors';
import { ChatSession } from '../../../../src/chat/session/chatSession';
import { encodeFrame } from '../../../../src/chat/wire/codec';
import { FrameType } from '../../../../src/chat/wire/frames';
import { EventRecorder, startScriptedServer, within } from '../../support/clientHelpers';
import { pngDeclaring, RawNativeClient, startServer } from '../../support/helpers';

type Cleanup = { after(fn: () => unknown): void };
const bob: Peer = { id: 2, name: 'bob', address: '127.0.0.1:40002', kind: 'native' };
const TOO_MANY = /^Image is 12000 × 12000 pixels \(144 megapixels\); the limit is 89\.5 megapixels\.$/;

async function client(t: Cleanup, port: number, options: Partial<ChatClientOptions> = {}) {
  const chat = new ChatClient({ host: '127.0.0.1', port, name: 'ann', connectTimeoutMs: 5000, ...options });
  const events = new EventRecorder(chat);
  t.after(() => chat.close());
  await within(chat.connect(), 5000, 'ann to join');
  return { chat, events };
}

/** The scripted server relays a PNG from bob: its header, then its bytes in one chunk. */
function deliver(socket: Socket, ref: number, text: string, png: Buffer): void {
  const image = { mime: 'image/png' as const, size: png.length };
  socket.write(encodeFrame({ type: FrameType.Message, body: { ref, text, from: bob, image } }));
  socket.write(encodeFrame({ type: FrameType.ImageChunk, ref, bytes: png }));
}

test('sending a 12000 × 12000 PNG is refused before a byte goes out; the session shows why', async (t) => {
  const { server, port } = await startServer();
  t.after(() => server.close());
  const watcher = await RawNativeClient.join(port, 'Watcher');
  t.after(() => watcher.close());
  const { chat } = await client(t, port);
  const session = new ChatSession(chat);
  const errors: string[] = [];
  session.on('notice', (n) => void (n.level === 'error' && errors.push(`${n.code}: ${n.text}`)));
  await assert.rejects(
    session.send({ text: 'a bomb', image: pngDeclaring(12000, 12000) }),
    (e: unknown) => e instanceof ChatError && e.code === 'image-too-many-pixels' && TOO_MANY.test(e.message),
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^image-too-many-pixels: Image is 12000 × 12000 pixels/);
  await session.send({ text: 'after the refusal' });
  await watcher.waitFrame(FrameType.Message, (f) => f.body.text === 'after the refusal');
  assert.equal(watcher.messages().filter((m) => m.image).length, 0, 'no image header reached anyone');
});

test('a server delivering a 12000 × 12000 PNG: the image is dropped with a notice, its text still shown', async (t) => {
  const server = await startScriptedServer();
  t.after(() => server.close());
  const { events } = await client(t, server.port);
  const { socket } = await within(server.accepted, 5000, 'the scripted server to accept');
  deliver(socket, 3, 'open me', pngDeclaring(12000, 12000));
  const dropped = await events.notice((n) => n.code === 'image-dropped', 'the dropped-image notice');
  assert.match(
    dropped.text,
    /^bob's image was not received: image is 12000 × 12000 pixels \(144 megapixels\); the limit is 89\.5 megapixels\.$/,
  );
  const text = await events.message((m) => m.text === 'open me', 'the text of the dropped image');
  assert.equal(text.image, undefined);
});

test("the client's own maxImagePixels applies to what it sends and receives", async (t) => {
  const server = await startScriptedServer();
  t.after(() => server.close());
  const { chat, events } = await client(t, server.port, { maxImagePixels: 50 * 50 });
  const { socket } = await within(server.accepted, 5000, 'the scripted server to accept');
  await assert.rejects(chat.send({ image: pngDeclaring(60, 50) }), { code: 'image-too-many-pixels' });
  deliver(socket, 4, '', pngDeclaring(60, 50));
  const dropped = await events.notice((n) => n.code === 'image-dropped', 'the dropped-image notice');
  assert.match(dropped.text, /60 × 50 pixels \(3,000 pixels\); the limit is 2,500 pixels/);
  assert.throws(() => new ChatClient({ host: 'h', port: 1, name: 'n', maxImagePixels: 0 }), /maxImagePixels/);
});
