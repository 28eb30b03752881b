import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandHelp, parseInput } from '../../../../src/chat/core/chatInput';

test('plain lines are text, sent exactly as typed (a trailing CR/LF is dropped)', () => {
  assert.deepEqual(parseInput('hello there'), { kind: 'text', text: 'hello there' });
  assert.deepEqual(parseInput('  indented  '), { kind: 'text', text: '  indented  ' });
  assert.deepEqual(parseInput('from nc\r'), { kind: 'text', text: 'from nc' });
  assert.deepEqual(parseInput('from telnet\r\n'), { kind: 'text', text: 'from telnet' });
  assert.deepEqual(parseInput('a / b'), { kind: 'text', text: 'a / b' });
});

test('blank lines are empty, not messages', () => {
  assert.deepEqual(parseInput(''), { kind: 'empty' });
  assert.deepEqual(parseInput('   \t'), { kind: 'empty' });
  assert.deepEqual(parseInput('\r\n'), { kind: 'empty' });
});

test('// sends a line starting with / literally', () => {
  assert.deepEqual(parseInput('//msg is a command'), { kind: 'text', text: '/msg is a command' });
  assert.deepEqual(parseInput('//'), { kind: 'text', text: '/' });
});

test('/msg takes the first word as the name and the rest as the message', () => {
  assert.deepEqual(parseInput('/msg bob hi there'), { kind: 'msg', to: 'bob', text: 'hi there' });
  assert.deepEqual(parseInput('/msg   小明   你好  '), { kind: 'msg', to: '小明', text: '你好' });
  assert.deepEqual(
    parseInput('/MSG Bob x'),
    { kind: 'msg', to: 'Bob', text: 'x' },
    'command word is case-insensitive, name is not changed',
  );
  // Unquoted, a name ends at the first space: the second word becomes part of the message.
  assert.deepEqual(parseInput('/msg Ann Lee hello'), { kind: 'msg', to: 'Ann', text: 'Lee hello' });
});

test('/msg "NAME WITH SPACES" text: a quoted name (double or single quotes) is the whole name', () => {
  assert.deepEqual(parseInput('/msg "Ann Lee" hello there'), { kind: 'msg', to: 'Ann Lee', text: 'hello there' });
  assert.deepEqual(parseInput("/msg 'bob 2'   hi "), { kind: 'msg', to: 'bob 2', text: 'hi' });
  assert.deepEqual(parseInput('/msg "bob-2"hi'), { kind: 'msg', to: 'bob-2', text: 'hi' });
  assert.deepEqual(parseInput('/msg bob-2 "quoted" text'), { kind: 'msg', to: 'bob-2', text: '"quoted" text' });
  const unclosed = { kind: 'error', message: '/msg: the name needs its closing quote: /msg "NAME WITH SPACES" text' };
  assert.deepEqual(parseInput('/msg "Ann Lee hello'), unclosed);
  assert.deepEqual(parseInput('/msg "Ann Lee\' hello'), unclosed);
  const syntax = { kind: 'error', message: '/msg needs a name and a message: /msg NAME text' };
  assert.deepEqual(parseInput('/msg "" hello'), syntax);
  assert.deepEqual(parseInput('/msg "Ann Lee"'), syntax);
  assert.deepEqual(parseInput('/msg "Ann Lee"   '), syntax);
});

test('/msg without a name or without a message explains the syntax', () => {
  const error = { kind: 'error', message: '/msg needs a name and a message: /msg NAME text' };
  assert.deepEqual(parseInput('/msg'), error);
  assert.deepEqual(parseInput('/msg bob'), error);
  assert.deepEqual(parseInput('/msg bob    '), error);
});

test('/name takes the rest of the line; without it, an error', () => {
  assert.deepEqual(parseInput('/name  Ann Lee '), { kind: 'name', name: 'Ann Lee' });
  assert.deepEqual(parseInput('/name'), { kind: 'error', message: '/name needs the new name: /name NAME' });
  assert.deepEqual(parseInput('/nick Bob'), { kind: 'name', name: 'Bob' }, '/nick is the IRC word for /name');
  assert.deepEqual(parseInput('/nick'), { kind: 'error', message: '/nick needs the new name: /nick NAME' });
});

test('/image takes a path, quoted or not', () => {
  assert.deepEqual(parseInput('/image ./cat.png'), { kind: 'image', path: './cat.png' });
  assert.deepEqual(parseInput('/image "my pics/cat 1.png"'), { kind: 'image', path: 'my pics/cat 1.png' });
  assert.deepEqual(parseInput("/image 'a b.gif'"), { kind: 'image', path: 'a b.gif' });
  assert.deepEqual(parseInput('/image /tmp/x y.png'), { kind: 'image', path: '/tmp/x y.png' });
  assert.deepEqual(parseInput('/image'), { kind: 'error', message: '/image needs a file: /image PATH' });
});

test('/who, /quit (/exit) and /help (/?)', () => {
  assert.deepEqual(parseInput('/who'), { kind: 'who' });
  assert.deepEqual(parseInput('/quit'), { kind: 'quit' });
  assert.deepEqual(parseInput('/exit'), { kind: 'quit' });
  assert.deepEqual(parseInput('/help'), { kind: 'help' });
  assert.deepEqual(parseInput('/?'), { kind: 'help' });
  assert.deepEqual(parseInput('/WHO\r'), { kind: 'who' });
});

test('/file takes a path; /accept and /decline an optional offer number', () => {
  assert.deepEqual(parseInput('/file "my docs/report 1.pdf"'), { kind: 'file', path: 'my docs/report 1.pdf' });
  assert.deepEqual(parseInput('/file'), { kind: 'error', message: '/file needs a file: /file PATH' });
  assert.deepEqual(parseInput('/accept'), { kind: 'accept' });
  assert.deepEqual(parseInput('/ACCEPT 3'), { kind: 'accept', offer: 3 });
  assert.deepEqual(parseInput('/decline 12'), { kind: 'decline', offer: 12 });
  for (const bad of ['/accept x', '/accept 0', '/decline -1', '/accept 3 4', '/decline 1.5']) {
    const parsed = parseInput(bad);
    assert.equal(parsed.kind, 'error', bad);
    assert.match((parsed as { message: string }).message, /the number shown beside the offer/, bad);
  }
  for (const command of ['/file PATH', '/accept [N]', '/decline [N]']) {
    assert.ok(commandHelp('member').includes(command) && commandHelp('host').includes(command), command);
    assert.ok(!commandHelp('plain').includes(command), `${command} is not for plain-text peers`);
  }
});

test('unknown commands are errors that name the known commands', () => {
  assert.deepEqual(parseInput('/foo bar'), {
    kind: 'error',
    message:
      'Unknown command /foo. Commands: /msg, /me, /name, /who, /away, /back, /image, /file, /accept, /decline, /quit, /help (type // to send a line starting with /).',
  });
  const bare = parseInput('/');
  assert.equal(bare.kind, 'error');
  const huge = parseInput('/' + 'x'.repeat(10000));
  assert.ok(huge.kind === 'error' && huge.message.length < 200, 'a huge command word is cut short in the error');
});

test('the help text lists every command', () => {
  for (const command of ['/msg', '/name', '/who', '/image', '/quit', '/help', '//']) {
    assert.match(commandHelp('member'), new RegExp(`^${command}[ a-z]`, 'm'));
  }
});
