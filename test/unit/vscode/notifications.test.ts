// Peer/server text shown in VS Code notifications must not become a clickable command/file/web link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOTIFICATION_CHARS, plainNotificationText } from '../../../src/vscode/alerts/notifications';

// The workbench's link detector for notification messages (code-server / VS Code notificationsViewer).
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)/gi;

const HOSTILE = [
  'mallory: [click me](command:workbench.action.terminal.new)',
  'Server error: [Update now](https://evil.example/x)',
  'room [open](file:///etc/passwd)',
  '[a](command:x) and [b](command:y?%5B%22z%22%5D)',
  'see [x] then [y](command:x)',
];

test('the hostile texts are links to the notification renderer (the check can fail)', () => {
  for (const text of HOSTILE) assert.ok(new RegExp(LINK.source, 'gi').test(text), text);
});

test('plainNotificationText leaves no link the notification renderer would make', () => {
  for (const text of HOSTILE) {
    const shown = plainNotificationText(text);
    assert.equal(new RegExp(LINK.source, 'gi').test(shown), false, `${text} → ${shown}`);
    assert.ok(
      shown.includes('command:') || shown.includes('http') || shown.includes('file:'),
      'the text itself is still readable',
    );
  }
});

test('ordinary text is unchanged; brackets still read as brackets', () => {
  assert.equal(plainNotificationText('alice: see line 3 (foo.ts)'), 'alice: see line 3 (foo.ts)');
  assert.equal(plainNotificationText('x[1]'), 'x［1］');
});

test('long text is cut to the notification length with an ellipsis', () => {
  const shown = plainNotificationText('a'.repeat(5000));
  assert.equal([...shown].length, NOTIFICATION_CHARS);
  assert.ok(shown.endsWith('…'));
  assert.equal(plainNotificationText('a'.repeat(NOTIFICATION_CHARS)), 'a'.repeat(NOTIFICATION_CHARS));
});
