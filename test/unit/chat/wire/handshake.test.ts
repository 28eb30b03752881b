import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authProof, greetingLine, newNonce, parseGreeting, verifyProof } from '../../../../src/chat/wire/handshake';

// ------------------------------------------------------------------------------------------- greeting + auth

test('greetingLine parses back to its version and room; it tells nc users what to do', () => {
  for (const room of ['Lobby', 'Team chat 2', 'Zoë’s Ünïcødé 你好 👋', 'a-b_c.d']) {
    const line = greetingLine(room);
    assert.match(
      line,
      /^TCPCHAT\/1 .* type to chat \(as guest-N; \/name NAME or \/nick NAME picks a name\), or just listen\.\r\n$/,
    );
    assert.deepEqual(parseGreeting(line), { version: 1, room });
    assert.deepEqual(
      parseGreeting(line.replace(/\r\n$/, '')),
      { version: 1, room },
      'line without its CRLF (readline)',
    );
  }
  assert.deepEqual(parseGreeting('TCPCHAT/2 Future room — something new\r\n'), { version: 2, room: 'Future room' });
});

test('greetingLine of a password room says so up front (no "type your name") and still parses', () => {
  for (const room of ['Lobby', 'Zoë’s Ünïcødé 你好 👋']) {
    const line = greetingLine(room, true);
    assert.equal(
      line,
      `TCPCHAT/1 ${room} — this room needs a password: join with the TCP Chat extension or \`tcp-chat connect --password\`; plain-text clients such as nc cannot join.\r\n`,
    );
    assert.deepEqual(parseGreeting(line), { version: 1, room });
  }
});

test('a first line that is not our greeting parses as undefined (plain-text server)', () => {
  const lines = [
    '<announce> 127.0.0.1 is connected as <user4>.\n', // what `ncat --chat` really sends first
    '<announce> already connected: nobody.\n',
    'Welcome to the chat server!\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    '220 mail.example.com ESMTP ready\r\n',
    'tcpchat/1 Lobby\r\n',
    'TCPCHAT/ Lobby\r\n',
    'TCPCHAT/x Lobby\r\n',
    ' TCPCHAT/1 Lobby\r\n',
    '',
    '\x00\xff\u001b[2J',
  ];
  for (const line of lines) assert.equal(parseGreeting(line), undefined, JSON.stringify(line));
});

test('authProof is the HMAC-SHA256 of the context string and nonce; verifyProof accepts exactly it', () => {
  const nonce = newNonce();
  assert.match(nonce, /^[0-9a-f]{32}$/);
  assert.notEqual(newNonce(), nonce);
  const proof = authProof('secret', nonce);
  assert.match(proof, /^[0-9a-f]{64}$/);
  assert.ok(!proof.includes(Buffer.from('secret').toString('hex')));
  assert.equal(verifyProof('secret', nonce, proof), true);
  assert.equal(verifyProof('Secret', nonce, proof), false, 'wrong password');
  assert.equal(verifyProof('secret', newNonce(), proof), false, 'proof replayed against a new nonce');
  assert.equal(verifyProof('secret', nonce, authProof('secret2', nonce)), false);
});

test('verifyProof returns false without throwing for a missing or malformed proof', () => {
  const nonce = '00112233445566778899aabbccddeeff';
  const proof = authProof('secret', nonce);
  const malformed: unknown[] = [
    undefined,
    '',
    'zz',
    'not hex at all',
    'x'.repeat(64),
    proof.slice(0, 62),
    proof + '00',
    proof.slice(0, 63) + 'g',
    ' ' + proof,
    42,
    null,
    { length: 64 },
  ];
  for (const bad of malformed) {
    assert.equal(verifyProof('secret', nonce, bad as string), false, JSON.stringify(bad));
  }
});

test('verifyProof rejects the right proof with trailing garbage (only exactly 64 hex digits are a proof)', () => {
  const nonce = '00112233445566778899aabbccddeeff';
  const proof = authProof('secret', nonce);
  // Buffer.from(hex) stops at the first non-hex pair and drops an odd last digit, so these decode to the right 32 bytes.
  for (const bad of [proof + 'zz', proof + '0', proof + '!', `${proof}\n`]) {
    assert.equal(verifyProof('secret', nonce, bad), false, JSON.stringify(bad));
  }
});
