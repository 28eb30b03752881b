// The one host:port parser (CLI `connect`, the extension's Connect… prompt) and the one formatter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPort, parseAddress, parsePort, parseWholeNumber } from '../../../../src/chat/core/address';

test('parseAddress: host:port, a bare host takes the default port, IPv6 in brackets, spaces ignored', () => {
  assert.deepEqual(parseAddress('192.168.1.10:5000', 65432), { host: '192.168.1.10', port: 5000 });
  assert.deepEqual(parseAddress(' example.lan ', 65432), { host: 'example.lan', port: 65432 });
  assert.deepEqual(parseAddress('example.lan:', 65432), { host: 'example.lan', port: 65432 });
  assert.deepEqual(parseAddress('[::1]:7000', 65432), { host: '::1', port: 7000 });
  assert.deepEqual(parseAddress('[::1]', 65432), { host: '::1', port: 65432 });
});

test('parseAddress: each mistake is one clear sentence', () => {
  const error = (text: string) => {
    const result = parseAddress(text, 65432);
    assert.ok('error' in result, `${text} should be refused`);
    return result.error;
  };
  assert.equal(error('::1:7000'), '"::1:7000": write IPv6 addresses in brackets, e.g. [::1]:65432.');
  assert.equal(error('host:99999'), 'Port must be from 1 to 65535, not 99999.');
  assert.equal(error('host:0'), 'Port must be from 1 to 65535, not 0.');
  assert.equal(error('host:abc'), 'Port must be a whole number from 1 to 65535, not "abc".');
  assert.equal(error(':80'), '":80" has no host: expected HOST:PORT, e.g. 127.0.0.1:65432.');
  assert.equal(error(''), '"" has no host: expected HOST:PORT, e.g. 127.0.0.1:65432.');
  assert.equal(error('my host:80'), '"my host" is not a host name or address.');
});

test('parsePort and parseWholeNumber: ranges and non-numbers', () => {
  assert.equal(parsePort('65535'), 65535);
  assert.deepEqual(parsePort('65536'), { error: 'Port must be from 1 to 65535, not 65536.' });
  assert.deepEqual(parsePort('1.5'), { error: 'Port must be a whole number from 1 to 65535, not "1.5".' });
  assert.equal(parseWholeNumber('--seats', '0', 0, 10), 0);
  assert.deepEqual(parseWholeNumber('--seats', '-1', 0, 10), { error: '--seats must be from 0 to 10, not -1.' });
});

test('hostPort brackets IPv6 literals', () => {
  assert.equal(hostPort('127.0.0.1', 80), '127.0.0.1:80');
  assert.equal(hostPort('fe80::1', 80), '[fe80::1]:80');
});
