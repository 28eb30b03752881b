// The host's /admit, /kick and /ban lines (typed in `tcp-chat serve` or the panel's composer): people found by
// name in the roster (any case, names with spaces, quoted names), the reason after the name, mistakes as sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostCommand } from '../../../../src/chat/session/hostCommands';
import type { Peer } from '../../../../src/chat/core/events';

test('parseHostCommand: /admit and /kick find people by name (case-insensitive, names with spaces too)', () => {
  const peer = (id: number, name: string): Peer => ({ id, name, address: `127.0.0.1:${40000 + id}`, kind: 'native' });
  const host: Peer = { id: 0, name: 'Server', address: 'host', kind: 'host' };
  const roster = {
    seats: 1,
    active: [host, peer(1, 'ann')],
    waiting: [peer(2, 'bob'), peer(3, 'ann 2')],
    connections: 3,
  };
  assert.equal(parseHostCommand('hello', roster), undefined);
  assert.equal(parseHostCommand('/msg ann hi', roster), undefined);
  assert.deepEqual(parseHostCommand('/admit', roster), { kind: 'admit' });
  assert.deepEqual(parseHostCommand('/ADMIT Bob', roster), { kind: 'admit', peer: roster.waiting[0] });
  assert.deepEqual(parseHostCommand('/admit ann', roster), {
    kind: 'error',
    message: 'Nobody called "ann" is waiting in line.',
  });
  assert.deepEqual(parseHostCommand('/kick ann 2', roster), { kind: 'kick', peer: roster.waiting[1] });
  assert.deepEqual(parseHostCommand('/admit "ann 2"', roster), { kind: 'admit', peer: roster.waiting[1] });
  assert.deepEqual(parseHostCommand('/kick "ann 2" spamming', roster), {
    kind: 'kick',
    peer: roster.waiting[1],
    reason: 'spamming',
  });
  assert.deepEqual(parseHostCommand('/kick "ann 2 spamming', roster), {
    kind: 'error',
    message: 'The name needs its closing quote: /kick "NAME WITH SPACES" [reason]',
  });
  assert.deepEqual(parseHostCommand('/kick ann spamming links', roster), {
    kind: 'kick',
    peer: roster.active[1],
    reason: 'spamming links',
  });
  assert.deepEqual(parseHostCommand('/kick Server', roster), {
    kind: 'error',
    message: 'Nobody called "Server" is in the room.',
  });
  assert.deepEqual(parseHostCommand('/kick', roster), {
    kind: 'error',
    message: '/kick needs a name: /kick NAME [reason]',
  });
});

test('parseHostCommand: /ban NAME [reason] finds people like /kick', () => {
  const peer = (id: number, name: string): Peer => ({ id, name, address: `127.0.0.1:${40000 + id}`, kind: 'native' });
  const roster = { seats: 0, active: [peer(1, 'ann'), peer(2, 'Ann Lee')], waiting: [], connections: 2 };
  assert.deepEqual(parseHostCommand('/ban ann flooding', roster), {
    kind: 'ban',
    peer: roster.active[0],
    reason: 'flooding',
  });
  assert.deepEqual(parseHostCommand('/BAN ann lee', roster), { kind: 'ban', peer: roster.active[1] });
  assert.deepEqual(parseHostCommand('/ban', roster), {
    kind: 'error',
    message: '/ban needs a name: /ban NAME [reason]',
  });
  assert.deepEqual(parseHostCommand('/ban bob', roster), {
    kind: 'error',
    message: 'Nobody called "bob" is in the room.',
  });
  assert.deepEqual(parseHostCommand('/ban "ann', roster), {
    kind: 'error',
    message: 'The name needs its closing quote: /ban "NAME WITH SPACES" [reason]',
  });
});
