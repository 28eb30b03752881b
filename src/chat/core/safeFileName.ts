// The name a received file gets on disk, derived from the name its sender gave (which is only ever shown as
// text): one plain file name that cannot leave the folder it is saved in, mean something special to Windows, hide
// itself, or disguise its type with invisible characters. Pure: the folder, the temporary name and deduplication
// are the receiver's (files/fileDownload.ts).

/** Most UTF-8 bytes of a derived name (well under every common file system's 255). */
export const MAX_SAFE_NAME_BYTES = 120;
/** Longest extension kept when a long name is cut (".tar.gz" style endings are cut like the rest). */
const MAX_EXTENSION_BYTES = 16;

/** Control characters, and the bidirectional overrides and marks that can make "txt.exe" read as "exe.txt". */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Characters Windows refuses in a name (and path separators everywhere). */
const RESERVED_CHARS = /[<>:"/\\|?*]/g;
/** Names Windows gives to devices, with any extension: CON, con.txt, LPT1.tar.gz. */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** A safe base name for `name` (never empty, never a path, at most MAX_SAFE_NAME_BYTES of UTF-8). */
export function safeFileName(name: string): string {
  // Only the last path component counts, whichever separator the sender's system uses.
  const base = name.split(/[/\\]/).pop() ?? '';
  let safe = base.normalize('NFC').replace(UNSAFE_CHARS, '').replace(RESERVED_CHARS, '_').trim();
  safe = safe.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (DEVICE_NAME.test(safe)) safe = `_${safe}`;
  safe = limitBytes(safe, MAX_SAFE_NAME_BYTES).replace(/[.\s]+$/, '');
  return safe === '' ? 'file' : safe;
}

/** `name` split into its stem and extension ("report.pdf" → "report", ".pdf"; no dot: the whole name). */
export function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || Buffer.byteLength(name.slice(dot), 'utf8') > MAX_EXTENSION_BYTES)
    return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** The `n`th candidate for a name already taken in the folder: "report (2).pdf" (n ≥ 2), within the byte limit. */
export function numberedName(name: string, n: number): string {
  const { stem, extension } = splitExtension(name);
  const suffix = ` (${n})${extension}`;
  return `${limitBytes(stem, MAX_SAFE_NAME_BYTES - Buffer.byteLength(suffix, 'utf8'))}${suffix}`;
}

/** Cuts `name` to `max` UTF-8 bytes, keeping its extension and never splitting a character. */
function limitBytes(name: string, max: number): string {
  if (Buffer.byteLength(name, 'utf8') <= max) return name;
  const { stem, extension } = splitExtension(name);
  const room = max - Buffer.byteLength(extension, 'utf8');
  let out = '';
  let used = 0;
  for (const char of stem) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > room) break;
    out += char;
    used += size;
  }
  return out + extension;
}
