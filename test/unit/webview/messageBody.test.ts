// What the panel makes of a peer's text: ``` fenced code, web links (and everything that must stay text), the
// highlighting token tree, and the checks the host applies again to what the panel asks it to open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitFences } from '../../../webview/render/body/fences';
import { splitLinks } from '../../../webview/render/body/linkify';
import { highlightLanguage, tokenTree, vscodeLanguage, type TokenNode } from '../../../webview/render/body/highlight';
import { isWebUrl, isWebviewToHost, workspaceRelativePath, BODY_LIMITS } from '../../../src/webviewApi';

const links = (text: string): string[] => splitLinks(text).flatMap((p) => (p.kind === 'link' ? [p.url] : []));

test('fences: a ``` block with a language between two lines of text', () => {
  assert.deepEqual(splitFences('look:\n```ts\nconst a = 1;\nlet b;\n```\nnice'), [
    { kind: 'text', text: 'look:' },
    { kind: 'code', language: 'ts', code: 'const a = 1;\nlet b;' },
    { kind: 'text', text: 'nice' },
  ]);
});

test('fences: no language, a closing fence right after the code, the one-line form, several blocks', () => {
  assert.deepEqual(splitFences('```\nls -la```'), [{ kind: 'code', language: '', code: 'ls -la' }]);
  assert.deepEqual(splitFences('run ```npm test``` now'), [{ kind: 'text', text: 'run ```npm test``` now' }]);
  assert.deepEqual(splitFences('```npm test```'), [{ kind: 'code', language: '', code: 'npm test' }]);
  assert.deepEqual(splitFences('```py\na\n```\n```sh\nb\n```'), [
    { kind: 'code', language: 'py', code: 'a' },
    { kind: 'code', language: 'sh', code: 'b' },
  ]);
});

test('fences: an unclosed fence, an opening with junk after the word, and plain text stay text', () => {
  assert.deepEqual(splitFences('```js\nnever closed'), [{ kind: 'text', text: '```js\nnever closed' }]);
  assert.deepEqual(splitFences('```js <img src=x>\ncode\n```'), [
    { kind: 'text', text: '```js <img src=x>\ncode\n```' },
  ]);
  assert.deepEqual(splitFences('just text'), [{ kind: 'text', text: 'just text' }]);
  assert.deepEqual(splitFences(''), []);
});

test('fences: the code is kept exactly (markup, blank lines, indentation)', () => {
  const code = '  <b>x</b>\n\n\t</script>';
  assert.deepEqual(splitFences('```html\n' + code + '\n```'), [{ kind: 'code', language: 'html', code }]);
});

test('links: http and https addresses, with the sentence punctuation and brackets around them left out', () => {
  assert.deepEqual(links('see https://example.org/a?b=1#c.'), ['https://example.org/a?b=1#c']);
  assert.deepEqual(links('(http://x.org/wiki/A_(b)) and [https://y.org/]!'), [
    'http://x.org/wiki/A_(b)',
    'https://y.org/',
  ]);
  assert.deepEqual(links('"https://q.org/x" <https://a.org/b> `https://c.org`'), [
    'https://q.org/x',
    'https://a.org/b',
    'https://c.org',
  ]);
  assert.deepEqual(links("it's https://e.org/it's, ok?"), ["https://e.org/it's"]);
  const parts = splitLinks('a https://x.org b');
  assert.equal(parts.map((p) => p.text).join(''), 'a https://x.org b', 'no character is lost or added');
});

test('links: every other scheme and every lookalike stays text', () => {
  const hostile = [
    'javascript:alert(1)',
    'command:workbench.action.terminal.new',
    'command:tcpChat.kick?%5B1%5D',
    'file:///etc/passwd',
    'vscode://file/etc/passwd',
    'vscode-resource:/x',
    'data:text/html,<script>alert(1)</script>',
    'http:/one-slash.org',
    'https://',
    'ftp://x.org',
    'xhttps://x.org',
    'JAVASCRIPT:https://x.org',
  ];
  for (const text of hostile) {
    const found = links(text);
    assert.ok(
      found.every((url) => url.startsWith('https://x.org')),
      `${text} → ${JSON.stringify(found)}`,
    );
  }
  assert.deepEqual(links('https://x.org"onmouseover="alert(1)'), ['https://x.org']);
  assert.deepEqual(links(`https://${'a'.repeat(3000)}.org`), [], 'too long for the host: stays text');
});

test('isWebUrl: http and https only, no whitespace or control characters the URL parser would drop', () => {
  assert.ok(isWebUrl('https://example.org/'));
  assert.ok(isWebUrl('HTTP://EXAMPLE.ORG'));
  for (const bad of [
    'command:x',
    'file:///x',
    'javascript:alert(1)',
    'https://x.org/\u0000',
    'https://x\t.org',
    'https://',
    ' https://x.org',
  ])
    assert.equal(isWebUrl(bad), false, bad);
});

test('workspace paths: a relative path is kept (a Windows one gets / separators); anything that could leave the workspace is refused', () => {
  assert.equal(workspaceRelativePath('src/a.ts'), 'src/a.ts');
  assert.equal(workspaceRelativePath('src\\vscode\\b.ts'), 'src/vscode/b.ts');
  assert.equal(workspaceRelativePath('README.md'), 'README.md');
  const refused = [
    '',
    '/etc/passwd',
    '../secret',
    'src/../../x',
    './a',
    'C:\\Windows\\win.ini',
    'c:x',
    '\\\\server\\share\\x',
    '~/.ssh/id_rsa',
    'file:///etc/passwd',
    'src/**/*.ts',
    'a{b,c}',
    'a[0]',
    'a\u0000b',
    'a//b',
    'x'.repeat(BODY_LIMITS.pathChars + 1),
  ];
  for (const path of refused) assert.equal(workspaceRelativePath(path), undefined, path);
});

test('the host accepts well-formed body requests and refuses the rest', () => {
  const ok = [
    { type: 'openCode', language: 'typescript', content: 'let a = 1;' },
    { type: 'openLink', url: 'https://example.org/x' },
    { type: 'openFile', path: 'src/a.ts', line: 12 },
    { type: 'openFile', path: 'src/a.ts' },
  ];
  for (const message of ok) assert.ok(isWebviewToHost(message), JSON.stringify(message));
  const bad = [
    { type: 'openCode', language: 'x'.repeat(65), content: '' },
    { type: 'openCode', language: 'ts', content: 'x'.repeat(BODY_LIMITS.codeChars + 1) },
    { type: 'openCode', language: 'ts' },
    { type: 'openLink', url: 'command:workbench.action.terminal.new' },
    { type: 'openLink', url: 'javascript:alert(1)' },
    { type: 'openLink', url: 'file:///etc/passwd' },
    { type: 'openLink', url: 'https://x.org/' + 'a'.repeat(5000) },
    { type: 'openLink', url: 42 },
    { type: 'openFile', path: '/etc/passwd' },
    { type: 'openFile', path: '../x' },
    { type: 'openFile', path: 'src\\a.ts' }, // the panel sends the normalised form
    { type: 'openFile', path: 'a.ts', line: -1 },
    { type: 'openFile', path: 'a.ts', line: 1.5 },
  ];
  for (const message of bad) assert.equal(isWebviewToHost(message), false, JSON.stringify(message).slice(0, 80));
});

/** The token tree's text, joined: exactly the code. */
const textOf = (node: TokenNode | string): string =>
  typeof node === 'string' ? node : node.children.map(textOf).join('');
const scopes = (node: TokenNode | string): string[] =>
  typeof node === 'string' ? [] : [...(node.scope ? [node.scope] : []), ...node.children.flatMap(scopes)];

test('highlighting: the token tree holds the code exactly, as text, with scopes for keywords and strings', () => {
  const code = 'const s = "<img src=x onerror=alert(1)>"; // </code>';
  const tree = tokenTree(code, 'typescript');
  assert.ok(tree);
  assert.equal(textOf(tree), code, 'every character of the code, no entity, no markup');
  assert.ok(scopes(tree).includes('keyword'));
  assert.ok(scopes(tree).includes('string'));
  assert.ok(scopes(tree).includes('comment'));
});

test('highlighting: VS Code ids and fence words find the bundled language; unknown ones are shown plain', () => {
  assert.equal(highlightLanguage('typescriptreact'), 'typescript');
  assert.equal(highlightLanguage('ts'), 'typescript');
  assert.equal(highlightLanguage('py'), 'python');
  assert.equal(highlightLanguage('shellscript'), 'bash');
  assert.equal(highlightLanguage('html'), 'xml');
  assert.equal(highlightLanguage('C#'), 'csharp');
  assert.equal(highlightLanguage('cobol'), undefined);
  assert.equal(highlightLanguage(''), undefined);
  assert.equal(tokenTree('IDENTIFICATION DIVISION.', 'cobol'), null);
  assert.equal(tokenTree('x'.repeat(30_000), 'typescript'), null, 'very long code is shown plain');
  assert.equal(vscodeLanguage('ts'), 'typescript');
  assert.equal(vscodeLanguage('sh'), 'shellscript');
  assert.equal(vscodeLanguage('html'), 'html');
  assert.equal(vscodeLanguage('htm'), 'html');
  assert.equal(vscodeLanguage('typescriptreact'), 'typescriptreact');
  assert.equal(vscodeLanguage(''), 'plaintext');
  assert.equal(vscodeLanguage('kotlin'), 'kotlin', 'the host falls back to plain text if VS Code does not know it');
});
