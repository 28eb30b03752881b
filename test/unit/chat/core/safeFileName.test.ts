// The name a received file gets on disk: one plain, visible, portable file name whatever the sender wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SAFE_NAME_BYTES, numberedName, safeFileName } from '../../../../src/chat/core/safeFileName';

test('hostile names become plain base names', () => {
  const cases: Array<[string, string]> = [
    ['../../x', 'x'],
    ['C:\\x', 'x'],
    ['C:x', 'C_x'],
    ['/etc/passwd', 'passwd'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['LPT9.tar.gz', '_LPT9.tar.gz'],
    ['Com1', '_Com1'],
    ['console.log', 'console.log'],
    ['.bashrc', 'bashrc'],
    ['..', 'file'],
    ['.', 'file'],
    ['', 'file'],
    ['   ', 'file'],
    ['report. ', 'report'],
    ['a\u0000b.txt', 'ab.txt'],
    ['evil\u202Etxt.exe', 'eviltxt.exe'],
    ['tab\there', 'tabhere'],
    ['what?.txt', 'what_.txt'],
    ['report.pdf', 'report.pdf'],
    ['Zoë 你好.md', 'Zoë 你好.md'],
  ];
  for (const [name, safe] of cases) assert.equal(safeFileName(name), safe, JSON.stringify(name));
});

test('long names are cut to the byte limit, keeping the extension and whole characters', () => {
  const long = safeFileName(`${'a'.repeat(10_000)}.pdf`);
  assert.equal(Buffer.byteLength(long), MAX_SAFE_NAME_BYTES);
  assert.ok(long.endsWith('.pdf'));
  const wide = safeFileName(`${'你'.repeat(100)}.txt`);
  assert.ok(Buffer.byteLength(wide) <= MAX_SAFE_NAME_BYTES);
  assert.ok(wide.endsWith('你.txt'), 'no character split');
  const numbered = numberedName(long, 12);
  assert.ok(numbered.endsWith(' (12).pdf'));
  assert.ok(Buffer.byteLength(numbered) <= MAX_SAFE_NAME_BYTES);
  assert.equal(numberedName('report.pdf', 2), 'report (2).pdf');
  assert.equal(numberedName('README', 3), 'README (3)');
});
