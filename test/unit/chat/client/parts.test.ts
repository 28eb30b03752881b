// The client's pure pieces: telling a native greeting from a plain-text server's first bytes, reading a
// plain-text server's lines, wording connect errors, reassembling images, and option checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveClientOptions } from '../../../../src/chat/client/options';
import { describeConnectError } from '../../../../src/chat/client/connection/connectErrors';
import { hostPort } from '../../../../src/chat/core/address';
import { ImageAssembler } from '../../../../src/chat/client/imageAssembler';
import { parsePlainServerLine } from '../../../../src/chat/client/connection/plainServerLink';
import { greetingLine } from '../../../../src/chat/wire/handshake';
import { classifyGreeting, MAX_GREETING_BYTES } from '../../../../src/chat/client/connection/handshake';
import { bigPng, PNG_1X1 } from '../../support/clientHelpers';

test('classifyGreeting: our greeting (whole or split) is native; anything else is plain as soon as it differs', () => {
  const greeting = Buffer.from(greetingLine('Lab room'));
  const frames = Buffer.from([0, 0, 0, 1, 0x31]);
  const verdict = classifyGreeting(Buffer.concat([greeting, frames]));
  assert.equal(verdict.kind, 'native');
  assert.ok(verdict.kind === 'native');
  assert.equal(verdict.version, 1);
  assert.equal(verdict.room, 'Lab room');
  assert.ok(verdict.rest.equals(frames), 'bytes after the greeting are the start of the frame stream');
  for (let cut = 1; cut < greeting.length; cut++) {
    assert.equal(
      classifyGreeting(greeting.subarray(0, cut)).kind,
      'undecided',
      `a greeting cut at ${cut} bytes waits for more`,
    );
  }
  assert.equal(classifyGreeting(Buffer.from('<announce> 127.0.0.1 is connected as <user5>.\n')).kind, 'plain');
  assert.equal(
    classifyGreeting(Buffer.from('[SERVER] hi')).kind,
    'plain',
    'the broadcast room sends no newline: decided at the first byte',
  );
  assert.equal(classifyGreeting(Buffer.from('TCPX')).kind, 'plain');
  assert.equal(
    classifyGreeting(Buffer.from('TCPCHAT/one two\n')).kind,
    'plain',
    'a line that starts like ours but is not a greeting',
  );
  assert.equal(classifyGreeting(Buffer.alloc(0)).kind, 'undecided');
  assert.equal(
    classifyGreeting(Buffer.from(`TCPCHAT/1 ${'x'.repeat(MAX_GREETING_BYTES)}`)).kind,
    'plain',
    'an endless first line is not a greeting',
  );
});

test('parsePlainServerLine: ncat --chat and broadcast-room dialects; everything else is the server speaking', () => {
  assert.deepEqual(parsePlainServerLine('<user3> hi there'), { kind: 'message', from: 'user3', text: 'hi there' });
  assert.deepEqual(parsePlainServerLine('<user3>  two spaces kept'), {
    kind: 'message',
    from: 'user3',
    text: ' two spaces kept',
  });
  assert.deepEqual(parsePlainServerLine('<announce> 127.0.0.1 is connected as <user5>.'), {
    kind: 'announce',
    text: '127.0.0.1 is connected as <user5>.',
  });
  assert.deepEqual(parsePlainServerLine('[127.0.0.1:5555] hi\r'), {
    kind: 'message',
    from: '127.0.0.1:5555',
    text: 'hi',
  });
  assert.deepEqual(parsePlainServerLine("[SERVER] Client ('127.0.0.1', 5555) has joined the chat."), {
    kind: 'message',
    from: 'SERVER',
    text: "Client ('127.0.0.1', 5555) has joined the chat.",
  });
  assert.deepEqual(parsePlainServerLine('[12:30:01] ann: relayed with a timestamp'), {
    kind: 'server',
    text: '[12:30:01] ann: relayed with a timestamp',
  });
  assert.deepEqual(parsePlainServerLine('Welcome to the room!'), { kind: 'server', text: 'Welcome to the room!' });
  assert.deepEqual(parsePlainServerLine('<two words> no'), { kind: 'server', text: '<two words> no' });
});

test('describeConnectError: system errors become sentences with the address', () => {
  const error = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
  assert.equal(
    describeConnectError(error('ECONNREFUSED'), '127.0.0.1', 1, 10_000).message,
    'Nobody is listening on 127.0.0.1:1 (connection refused).',
  );
  assert.equal(
    describeConnectError(error('ETIMEDOUT'), '127.0.0.1', 9, 10_000).message,
    'No answer from 127.0.0.1:9 within 10 s (connection timed out).',
  );
  const dns = describeConnectError(error('EAI_AGAIN'), 'chat.lan', 65432, 10_000);
  assert.equal(dns.code, 'ENOTFOUND');
  assert.equal(dns.message, 'Unknown host chat.lan: the name could not be resolved.');
  assert.equal(
    describeConnectError(error('EHOSTUNREACH'), '::1', 7, 1).message,
    'Cannot reach [::1]:7: no route to that host.',
  );
  assert.equal(
    describeConnectError(error('EWHATEVER'), 'h', 7, 1).message,
    'Could not connect to h:7: connect EWHATEVER.',
  );
  assert.equal(hostPort('fe80::1', 80), '[fe80::1]:80');
});

test('ImageAssembler: completes in order, refuses over the limit up front, catches senders that overrun', () => {
  const photo = bigPng(150_000);
  const assembler = new ImageAssembler(200_000);
  assert.deepEqual(assembler.start({ ref: 1, text: 'hi', image: { mime: 'image/png', size: photo.length } }), {
    kind: 'pending',
  });
  assert.equal(assembler.chunk(1, photo.subarray(0, 65_536)).kind, 'pending');
  assert.equal(assembler.chunk(99, PNG_1X1).kind, 'pending', 'chunks for unknown refs are ignored');
  assert.equal(assembler.chunk(1, photo.subarray(65_536, 131_072)).kind, 'pending');
  const done = assembler.chunk(1, photo.subarray(131_072));
  assert.ok(
    done.kind === 'complete' && done.bytes.equals(photo) && done.mime === 'image/png' && done.header.text === 'hi',
  );
  assert.equal(assembler.pendingCount, 0);

  const tooBig = assembler.start({ ref: 2, text: '', image: { mime: 'image/png', size: 300_000 } });
  assert.ok(tooBig.kind === 'failed');
  assert.equal(tooBig.reason, 'an image of 293 KB was refused; the limit is 195.3 KB');
  assert.equal(assembler.pendingCount, 0, 'nothing is buffered for a refused image');

  assembler.start({ ref: 3, text: '', image: { mime: 'image/png', size: 10 } });
  const overrun = assembler.chunk(3, photo.subarray(0, 11));
  assert.ok(overrun.kind === 'failed' && /sent more than the 10 B it announced/.test(overrun.reason));

  assembler.start({ ref: 4, text: 'x', image: { mime: 'image/gif', size: PNG_1X1.length } });
  const relabelled = assembler.chunk(4, PNG_1X1);
  assert.ok(
    relabelled.kind === 'complete' && relabelled.mime === 'image/png',
    'the type comes from the bytes, not the claim',
  );

  assembler.start({ ref: 5, text: 'gone', image: { mime: 'image/png', size: 100 } });
  assert.equal(assembler.abort(5)?.text, 'gone');
  assert.equal(assembler.abort(5), undefined);
});

test('ImageAssembler: all images arriving at once are capped; finished or aborted ones free their share', () => {
  const assembler = new ImageAssembler(1000, 2500);
  const header = (ref: number, size = 1000) => ({ ref, text: '', image: { mime: 'image/png' as const, size } });
  assert.equal(assembler.start(header(1)).kind, 'pending');
  assert.equal(assembler.start(header(2)).kind, 'pending');
  const third = assembler.start(header(3));
  assert.ok(third.kind === 'failed' && third.reason === 'too many images at once (2 KB still arriving)');
  assembler.abort(1);
  assert.equal(assembler.start(header(3)).kind, 'pending', 'the aborted image freed its share');
  assert.equal(
    assembler.start(header(3)).kind,
    'pending',
    'a reused ref replaces its unfinished image instead of counting twice',
  );
  assembler.clear();
  assert.equal(assembler.pendingCount, 0);
  assert.equal(assembler.start(header(4, 1000)).kind, 'pending');
});

test('resolveClientOptions: defaults and clear refusals', () => {
  const options = resolveClientOptions({ host: '127.0.0.1', port: 65432, name: 'ann' });
  assert.equal(options.connectTimeoutMs, 10_000);
  assert.equal(options.greetingTimeoutMs, 1500);
  assert.equal(options.maxImageBytes, 25 * 1024 * 1024);
  assert.equal(options.heartbeatIntervalMs, 15_000);
  assert.equal(options.reconnect, undefined);
  assert.deepEqual(resolveClientOptions({ host: 'h', port: 1, name: 'a', reconnect: {} }).reconnect, {
    initialDelayMs: 1000,
    maxDelayMs: 30_000,
    maxAttempts: Infinity,
  });
  assert.throws(
    () => resolveClientOptions({ host: 'h', port: 0, name: 'a' }),
    /Port must be a whole number from 1 to 65535, not 0/,
  );
  assert.throws(() => resolveClientOptions({ host: ' ', port: 1, name: 'a' }), /Host must not be empty/);
  assert.throws(
    () => resolveClientOptions({ host: 'h', port: 1, name: 'a', heartbeatIntervalMs: 0 }),
    /heartbeatIntervalMs must be a positive number/,
  );
});
