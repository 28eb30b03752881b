import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusableSkeleton, NameBook, sanitizeName } from '../../../../src/chat/core/names';

test('sanitizeName keeps letters of any script, digits, spaces and -_. only', () => {
  assert.equal(sanitizeName('  Ann   Lee  '), 'Ann Lee');
  assert.equal(sanitizeName('小明'), '小明');
  assert.equal(sanitizeName('José-María_2.0'), 'José-María_2.0');
  assert.equal(sanitizeName('<script>alert(1)</script>'), 'scriptalert1script');
  assert.equal(sanitizeName('evil\x1b[31m\nname'), 'evil31m name');
  assert.equal(sanitizeName('tab\tname'), 'tab name');
});

test('sanitizeName limits the length by characters and returns undefined when nothing is left', () => {
  assert.equal(sanitizeName('x'.repeat(100)), 'x'.repeat(32));
  assert.equal(sanitizeName('名'.repeat(40), 5), '名名名名名');
  assert.equal(sanitizeName('abc def', 4), 'abc', 'no trailing space after cutting');
  assert.equal(sanitizeName(''), undefined);
  assert.equal(sanitizeName('   '), undefined);
  assert.equal(sanitizeName('\x1b\x00!!'), undefined);
});

test('sanitizeName drops invisible characters: variation selectors, joiners, format characters, Hangul fillers', () => {
  assert.equal(sanitizeName('Host\uFE0F'), 'Host');
  assert.equal(sanitizeName('Host\u034F'), 'Host', 'combining grapheme joiner');
  assert.equal(
    sanitizeName('Ho\u200Bs\u200Dt\u2060\u00AD'),
    'Host',
    'zero-width space and joiner, word joiner, soft hyphen',
  );
  assert.equal(sanitizeName('Ho\u{E0041}st\u{E007F}'), 'Host', 'tag characters');
  assert.equal(sanitizeName('Ho\u180Est\u17B4'), 'Host', 'Mongolian vowel separator, Khmer inherent vowel');
  assert.equal(sanitizeName('\u3164'), undefined);
  assert.equal(sanitizeName('\u115F\u1160\uFFA0'), undefined);
  assert.equal(sanitizeName('\u3164 \u3164'), undefined);
  assert.equal(sanitizeName('\u0301\u0302'), undefined, 'marks with no letter to sit on');
  assert.equal(sanitizeName('\uFE0F\u200B\u2800'), undefined);
  assert.equal(sanitizeName('José'), 'José', 'accents on letters stay');
  assert.equal(sanitizeName('नमस्ते'), 'नमस्ते', 'marks of other scripts stay');
});

test('confusableSkeleton is the UTS #39 skeleton: look-alikes of other scripts share it', () => {
  assert.equal(confusableSkeleton('\u041Dost'), 'Host', 'Cyrillic Н');
  assert.equal(confusableSkeleton('H\u03BFst'), 'Host', 'Greek ο');
  assert.equal(confusableSkeleton('paypa1'), confusableSkeleton('paypal'));
  assert.equal(confusableSkeleton('rn'), confusableSkeleton('m'));
  assert.equal(confusableSkeleton('Ho\u0301st'), confusableSkeleton('Hóst'), 'decomposed and composed accents');
  assert.notEqual(confusableSkeleton('Host'), confusableSkeleton('Hóst'));
});

test('NameBook: names are unique by their skeleton in any case; duplicates get -2, -3; lookups are exact', () => {
  const book = new NameBook<number>();
  book.add('Host', 0);
  assert.equal(book.unique('host'), 'host-2');
  assert.equal(book.unique('\u041Dost'), '\u041Dost-2');
  assert.equal(book.unique('\u043D\u043Est'.toUpperCase()), '\u041D\u041EST-2', 'Cyrillic capitals');
  assert.equal(book.unique('Host', 0), 'Host', 'one’s own name is free for oneself');
  book.add('bob', 1);
  book.add(book.unique('bob'), 2);
  assert.equal(book.find('bob-2'), 2);
  assert.equal(book.find('BOB'), 1);
  assert.equal(book.find(' bob-2 '), 2);
  assert.equal(book.find('bo'), undefined, 'no prefix match');
  assert.equal(book.find('b\u043Eb'), undefined, 'lookups are by the name as shown, not by its look-alikes');
  assert.equal(book.unique('Ian'), 'Ian');
  book.add('Ian', 3);
  assert.equal(book.unique('ian'), 'ian-2', 'I and l look alike, and so do I and i');
  assert.equal(book.unique('lan'), 'lan-2');
  book.remove('bob', 1);
  assert.equal(book.find('bob'), undefined);
  assert.equal(book.unique('bob'), 'bob');
  book.remove('bob-2', 1);
  assert.equal(book.find('bob-2'), 2, 'only its owner removes a name');
});
