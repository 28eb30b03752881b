import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChatError,
  ERROR_FRAME_CODES,
  errorCodeFromWire,
  errorMessage,
  isSystemErrorCode,
  LOCAL_ERROR_CODES,
  NOTICE_FRAME_CODES,
} from '../../../../src/chat/core/errors';

test('every code is listed once: Error frame, Notice frame and local codes do not overlap', () => {
  const all = [...ERROR_FRAME_CODES, ...NOTICE_FRAME_CODES, ...LOCAL_ERROR_CODES];
  assert.deepEqual(
    all.filter((code, i) => all.indexOf(code) !== i),
    [],
  );
  for (const code of all) assert.match(code, /^[a-z]+(-[a-z]+)*$/, 'codes are lower-case words joined by -');
  for (const code of all) assert.ok(code.length <= 64, `${code} fits the wire's 64 characters`);
});

test('errorCodeFromWire keeps every known code and Node error codes, and maps any other to unknown-code', () => {
  for (const code of [...ERROR_FRAME_CODES, ...NOTICE_FRAME_CODES, ...LOCAL_ERROR_CODES])
    assert.equal(errorCodeFromWire(code), code);
  for (const code of ['ECONNREFUSED', 'EADDRINUSE', 'ERR_SOCKET_BAD_PORT', 'EAI_AGAIN'])
    assert.equal(errorCodeFromWire(code), code);
  for (const code of ['x', '', 'Bad-Password', 'bad-password ', 'E', 'Econnrefused', 'from-a-newer-server'])
    assert.equal(errorCodeFromWire(code), 'unknown-code', JSON.stringify(code));
  assert.equal(errorCodeFromWire(undefined), undefined);
});

test('isSystemErrorCode: E then capitals, digits and _', () => {
  for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'ERR_SOCKET_BAD_PORT', 'E2BIG'])
    assert.equal(isSystemErrorCode(code), true);
  for (const code of [undefined, '', 'E', 'econnrefused', 'bad-port', 'EADDR-INUSE'])
    assert.equal(isSystemErrorCode(code), false);
});

test('ChatError keeps its code and sentence; errorMessage reads anything thrown', () => {
  const error = new ChatError('bad-port', 'Port 0 is not a valid TCP port (1–65535).');
  assert.equal(error.name, 'ChatError');
  assert.equal(error.code, 'bad-port');
  assert.equal(errorMessage(error), 'Port 0 is not a valid TCP port (1–65535).');
  assert.equal(errorMessage('plain text'), 'plain text');
  assert.equal(errorMessage(42), '42');
});
