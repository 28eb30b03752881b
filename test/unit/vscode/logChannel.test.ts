// The "TCP Chat" log channel: the engine's diagnostic lines arrive while it lives, notices are escaped and lose
// their clock (the channel stamps its own), and disposing it stops the engine's lines reaching it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../../src/chat/core/diagnostics';
import { LogChannel, RECENT_LOG_LINES, type LogOutput } from '../../../src/vscode/logChannel';

class FakeOutput implements LogOutput {
  readonly lines: string[] = [];
  shown = 0;
  disposed = 0;
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
  show(): void {
    this.shown++;
  }
  dispose(): void {
    this.disposed++;
  }
}

test('engine diagnostics go to the channel as [area] line until it is disposed', () => {
  const output = new FakeOutput();
  const log = new LogChannel(output);
  try {
    diagnose('server', 'listening on 127.0.0.1:65432');
    diagnose('client', 'handshake refused: wrong password');
    assert.deepEqual(output.lines, [
      'info [server] listening on 127.0.0.1:65432',
      'info [client] handshake refused: wrong password',
    ]);
    assert.deepEqual(log.recent, output.lines);
  } finally {
    log.dispose();
  }
  diagnose('server', 'after dispose');
  log.info('after dispose');
  assert.equal(output.lines.length, 2, 'nothing reaches a disposed channel');
  log.dispose();
  assert.equal(output.disposed, 1, 'disposing twice disposes the output once');
});

test('notices: errors as error lines, others as info, escaped and without the [HH:MM:SS] mark', () => {
  const output = new FakeOutput();
  const log = new LogChannel(output);
  try {
    log.notice({ at: Date.now(), level: 'error', text: 'Nobody is listening on 127.0.0.1:9 (connection refused).' });
    log.notice({ at: Date.now(), level: 'system', text: 'the server said: bye\x1b[2J' });
    log.notice({ at: Date.now(), level: 'info', text: 'Connected to "Hub".' });
    assert.deepEqual(output.lines, [
      'error Nobody is listening on 127.0.0.1:9 (connection refused).',
      'info the server said: bye\\x1b[2J',
      'info Connected to "Hub".',
    ]);
    log.show();
    assert.equal(output.shown, 1);
  } finally {
    log.dispose();
  }
});

test(`recent keeps the newest ${RECENT_LOG_LINES} lines`, () => {
  const log = new LogChannel(new FakeOutput());
  try {
    for (let i = 0; i < RECENT_LOG_LINES + 10; i++) log.info(`line ${i}`);
    assert.equal(log.recent.length, RECENT_LOG_LINES);
    assert.equal(log.recent[0], 'info line 10');
    assert.equal(log.recent.at(-1), `info line ${RECENT_LOG_LINES + 9}`);
  } finally {
    log.dispose();
  }
});
