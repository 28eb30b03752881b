// tcpChat.server.* settings → the server's options: valid values set their option (from the same table as the
// serve flags), wrong ones are refused with one sentence naming the setting, and package.json's defaults are the
// engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOM_LIMITS } from '../../../src/chat/server/limits/roomLimits';
import { SERVER_DEFAULTS } from '../../../src/chat/server/options';
import { ChatServer } from '../../../src/chat/server/chatServer';
import { parseServerSettings } from '../../../src/vscode/settings/serverSettings';

const parse = (values: Record<string, unknown>) => parseServerSettings((key) => values[key]);

function refused(values: Record<string, unknown>, message: string): void {
  assert.throws(() => parse(values), {
    code: 'bad-option',
    message: `Fix the settings to start the server: ${message}`,
  });
}

test('server settings: valid values set their server options; unset ones (and empty lists, an empty topic) set nothing', () => {
  assert.deepEqual(parse({}), {});
  assert.deepEqual(parse({ allow: [], deny: [], topic: '  ' }), {});
  assert.deepEqual(parse({ rateLimit: 5 }), { rateLimit: { perSecond: 5, burst: 10 } });
  assert.deepEqual(parse({ rateLimit: 0 }), { rateLimit: false });
  assert.deepEqual(parse({ maxConnections: 40, maxPerAddress: 2 }), { maxConnections: 40, connectionsPerAddress: 2 });
  assert.deepEqual(parse({ maxImagePixels: 12 }), { maxImagePixels: 12_000_000 });
  assert.deepEqual(parse({ maxImagePixels: 0.5 }), { maxImagePixels: 500_000 });
  assert.deepEqual(parse({ allow: ['192.168.1.0/24', ' 10.0.0.7 '], deny: ['fd00::/8'] }), {
    allow: ['192.168.1.0/24', '10.0.0.7'],
    deny: ['fd00::/8'],
  });
  assert.deepEqual(parse({ topic: 'Fractions' }), { topic: 'Fractions' });
  const server = new ChatServer(parse({ rateLimit: 3, maxPerAddress: 4, topic: 'Lab', allow: ['127.0.0.1'] }));
  assert.deepEqual(server.options.rateLimit, { perSecond: 3, burst: 6 });
  assert.equal(server.options.connectionsPerAddress, 4);
  assert.equal(server.topic, 'Lab');
  assert.deepEqual(server.options.allow, ['127.0.0.1']);
});

test('server settings: wrong values are refused with one sentence naming each setting', () => {
  refused({ rateLimit: -1 }, 'tcpChat.server.rateLimit must be from 0 to 10000, not -1.');
  refused({ rateLimit: 2.5 }, 'tcpChat.server.rateLimit must be a whole number from 0 to 10000, not "2.5".');
  refused({ maxConnections: 0 }, 'tcpChat.server.maxConnections must be from 1 to 10000, not 0.');
  refused(
    { maxPerAddress: 'lots' },
    'tcpChat.server.maxPerAddress must be a whole number from 1 to 10000, not "lots".',
  );
  refused({ maxImagePixels: 0 }, 'tcpChat.server.maxImagePixels must be a number above 0 and at most 10000, not "0".');
  refused({ maxConnections: [3] }, 'tcpChat.server.maxConnections must be a number, not [3].');
  refused({ topic: 7 }, 'tcpChat.server.topic must be text, not 7.');
  refused(
    { allow: ['192.168.1.0/24', 'lab', '10.0.0.0/33'], deny: '10.0.0.0/8' },
    'tcpChat.server.allow: "lab" is not an IP address range (e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8). tcpChat.server.allow: "10.0.0.0/33": the part after / must be a whole number from 0 to 32. tcpChat.server.deny must be a list of address ranges such as ["192.168.1.0/24"], not "10.0.0.0/8".',
  );
});

test('package.json: every limit setting exists with the engine default; allow, deny and topic too', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
  const settings = ROOM_LIMITS.filter((l) => l.setting);
  assert.deepEqual(
    settings.map((l) => l.setting),
    ['rateLimit', 'maxConnections', 'maxPerAddress', 'maxImagePixels', 'maxFileMb', 'history', 'resumeGraceSeconds'],
  );
  for (const limit of settings) {
    assert.equal(
      properties[`tcpChat.server.${limit.setting}`]?.default,
      limit.default,
      `tcpChat.server.${limit.setting}`,
    );
    assert.deepEqual(
      parse({ [limit.setting as string]: limit.default }),
      limit.default === null ? {} : limit.set(limit.default),
      'the default reads back (null: the engine decides)',
    );
  }
  assert.equal(
    Math.round((properties['tcpChat.server.maxImagePixels'].default as number) * 1e6),
    SERVER_DEFAULTS.maxImagePixels,
  );
  assert.deepEqual(properties['tcpChat.server.allow'].default, []);
  assert.deepEqual(properties['tcpChat.server.deny'].default, []);
  assert.equal(properties['tcpChat.server.topic'].default, '');
  const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(commands.includes('tcpChat.ban'), 'the Ban command is declared');
});
