// Fuzz the host's guard for messages from the webview panel (isWebviewToHost): random values and mutated
// well-formed messages. It must never throw, and whatever it lets in has the declared shape. FUZZ_SEED=<n>
// replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_LIMITS, isWebUrl, isWebviewToHost, WEBVIEW_LIMITS, workspaceRelativePath } from '../../../src/webviewApi';
import { seededRandom } from '../support/adversarial';

/** The file cards' requests, which carry an id only, and the file dropped from outside VS Code. */
const FILE_ID_TYPES = ['acceptFile', 'saveFileAs', 'declineFile', 'openSavedFile', 'revealSavedFile', 'cancelTransfer'];
const FILE_TYPES = [...FILE_ID_TYPES, 'offerDroppedFile'];
import { NASTY_TEXT } from '../support/fuzzFrames';

test('fuzz: the host’s guard for webview messages (isWebviewToHost) never throws and lets only well-formed messages in', (t) => {
  const r = seededRandom(t, 'adversarial-fuzz webview guard');
  /** The message types the webview may send (a 'snapshot' goes the other way, host → webview). */
  const ACCEPTED_TYPES = [
    'ready',
    'send',
    'pickImage',
    'attachUri',
    'run',
    'openImage',
    'openLogs',
    'stop',
    'admit',
    'kick',
    'error',
    'openCode',
    'openLink',
    'openFile',
    ...FILE_TYPES,
  ];
  const TYPES = [...ACCEPTED_TYPES, 'snapshot', '__proto__', 'constructor', ''];
  const anyValue = (depth: number): unknown => {
    switch (r.int(depth > 2 ? 8 : 11)) {
      case 0:
        return r.pick(NASTY_TEXT);
      case 1:
        return r.pick([0, -1, 1.5, NaN, Infinity, 2 ** 53, 42, 7]);
      case 2:
        return r.pick([true, false, null, undefined]);
      case 3:
        return 'A'.repeat(r.pick([0, 3, 4, 1000]));
      case 4:
        return r.pick(['iVBORw0KGgo=', 'not base64!', '====', 'QUJD']);
      case 5:
        return r.pick([
          'file:///etc/passwd',
          'vscode-resource:/x',
          '',
          'x'.repeat(5000),
          'https://example.org/a',
          'command:workbench.action.terminal.new',
          'javascript:alert(1)',
          'src/a.ts',
          '../../etc/passwd',
          'C:\\x',
        ]);
      case 6:
        return r.pick(['startServer', 'connect', 'rm -rf /']);
      case 7:
        return BigInt(r.int(10)) as unknown;
      case 8:
        return Array.from({ length: r.int(4) }, () => anyValue(depth + 1));
      default: {
        const obj: Record<string, unknown> = Object.create(r.chance(0.1) ? null : Object.prototype);
        for (let n = r.int(5); n > 0; n--)
          obj[
            r.pick([
              'type',
              'text',
              'image',
              'name',
              'mime',
              'base64',
              'uri',
              'command',
              'id',
              'peerId',
              'url',
              'path',
              'line',
              'language',
              'content',
              '__proto__',
              'toString',
            ])
          ] = anyValue(depth + 1);
        return obj;
      }
    }
  };
  const accepted = { all: 0, sends: 0, body: 0, files: 0 };
  for (let round = 0; round < 20_000; round++) {
    const message: Record<string, unknown> = { type: r.pick(TYPES) };
    // Half the time start from a well-formed send, so the random keys below mutate something the guard admits.
    if (r.chance(0.5))
      Object.assign(message, { type: 'send', ref: r.int(1000), text: r.pick(['hello', ...NASTY_TEXT]) });
    // A quarter of the time a well-formed body request (a link, a file label, a code block) to mutate.
    if (r.chance(0.25))
      Object.assign(
        message,
        r.pick([
          { type: 'openLink', url: 'https://example.org/' },
          { type: 'openFile', path: 'src/a.ts', line: 3 },
          { type: 'openCode', language: 'typescript', content: 'let a;' },
        ]),
      );
    // And a quarter of the time a well-formed file request (a card's button, a dropped file).
    if (r.chance(0.25))
      Object.assign(
        message,
        r.pick([
          { type: r.pick(FILE_ID_TYPES), id: r.pick(['c4', 't1']) },
          { type: 'offerDroppedFile', name: 'notes.txt', mime: 'text/plain', base64: 'QUJD' },
        ]),
      );
    for (let n = r.int(5); n > 0; n--)
      message[
        r.pick([
          'text',
          'image',
          'uri',
          'command',
          'id',
          'peerId',
          'ref',
          'url',
          'path',
          'line',
          'language',
          'content',
          'name',
          'mime',
          'base64',
        ])
      ] = anyValue(0);
    const candidate = r.chance(0.05) ? anyValue(0) : message;
    let ok: boolean;
    try {
      ok = isWebviewToHost(candidate);
    } catch (error) {
      assert.fail(`seed ${r.seed} round ${round}: the guard threw ${String(error)}`);
    }
    assert.equal(typeof ok, 'boolean');
    if (!ok) continue;
    accepted.all++;
    // Whatever got in has the declared shape.
    const m = candidate as Record<string, unknown>;
    assert.ok(ACCEPTED_TYPES.includes(m.type as string));
    if (m.type === 'send') {
      accepted.sends++;
      assert.equal(typeof m.text, 'string');
      assert.ok(Number.isSafeInteger(m.ref) && (m.ref as number) >= 0, 'a send carries its reference for the reply');
      assert.ok((m.text as string).length <= WEBVIEW_LIMITS.textChars);
      if (m.image !== undefined) assert.match((m.image as { base64: string }).base64, /^[A-Za-z0-9+/]*={0,2}$/);
    }
    if (m.type === 'kick') assert.ok(Number.isSafeInteger(m.peerId) && (m.peerId as number) >= 0);
    if (m.type === 'run') assert.ok(m.command === 'startServer' || m.command === 'connect');
    if (m.type === 'openLink') {
      accepted.body++;
      assert.ok(typeof m.url === 'string' && isWebUrl(m.url), `only http(s) links get in: ${String(m.url)}`);
    }
    if (m.type === 'openFile') {
      accepted.body++;
      assert.equal(workspaceRelativePath(m.path as string), m.path, 'only workspace-relative paths get in');
      assert.ok(m.line === undefined || (Number.isSafeInteger(m.line) && (m.line as number) >= 0));
    }
    if (FILE_ID_TYPES.includes(m.type as string)) {
      accepted.files++;
      assert.ok(typeof m.id === 'string' && m.id !== '' && m.id.length <= WEBVIEW_LIMITS.idChars);
    }
    if (m.type === 'offerDroppedFile') {
      accepted.files++;
      assert.ok(typeof m.name === 'string' && m.name !== '' && m.name.length <= WEBVIEW_LIMITS.nameChars);
      assert.ok(typeof m.mime === 'string' && m.mime.length <= 100);
      assert.match(m.base64 as string, /^[A-Za-z0-9+/]*={0,2}$/);
      assert.equal((m.base64 as string).length % 4, 0);
    }
    if (m.type === 'openCode') {
      accepted.body++;
      assert.ok(typeof m.language === 'string' && m.language.length <= BODY_LIMITS.languageChars);
      assert.ok(typeof m.content === 'string' && m.content.length <= BODY_LIMITS.codeChars);
    }
  }
  t.diagnostic(`${accepted.all} of 20,000 random messages accepted (${accepted.sends} sends)`);
  assert.ok(accepted.all > 100, 'valid shapes were generated too');
  assert.ok(accepted.sends > 10, 'well-formed sends were generated too, so their checks ran');
  assert.ok(accepted.body > 10, 'well-formed body requests were generated too, so their checks ran');
  assert.ok(accepted.files > 10, 'well-formed file requests were generated too, so their checks ran');
});

test('the file requests: an id (never a path) within bounds; a dropped file as bounded, valid base64', () => {
  for (const type of FILE_ID_TYPES) {
    assert.equal(isWebviewToHost({ type, id: 'c4' }), true, type);
    assert.equal(isWebviewToHost({ type, id: '' }), false, `${type} with an empty id`);
    assert.equal(isWebviewToHost({ type, id: 'x'.repeat(WEBVIEW_LIMITS.idChars + 1) }), false, `${type}, long id`);
    assert.equal(isWebviewToHost({ type, id: 7 }), false, `${type} with a number`);
    assert.equal(isWebviewToHost({ type, path: '/etc/passwd' }), false, `${type} with a path instead of an id`);
  }
  const dropped = { type: 'offerDroppedFile', name: 'notes.txt', mime: 'text/plain', base64: 'QUJD' };
  assert.equal(isWebviewToHost(dropped), true);
  assert.equal(isWebviewToHost({ ...dropped, name: '' }), false);
  assert.equal(isWebviewToHost({ ...dropped, name: 'n'.repeat(WEBVIEW_LIMITS.nameChars + 1) }), false);
  assert.equal(isWebviewToHost({ ...dropped, mime: 'm'.repeat(101) }), false);
  assert.equal(isWebviewToHost({ ...dropped, base64: 'QUJ' }), false, 'not a multiple of 4');
  assert.equal(isWebviewToHost({ ...dropped, base64: 'QU!D' }), false, 'not base64');
  assert.equal(isWebviewToHost({ ...dropped, base64: undefined }), false);
  assert.ok(WEBVIEW_LIMITS.fileBase64Chars < 2 ** 29, 'the bound is a string a webview can build');
});
