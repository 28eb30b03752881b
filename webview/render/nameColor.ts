// A stable colour per sender name: the same name gets the same palette slot in every panel and session.
// Pure (no DOM) so it is unit-tested; styles/messages.css maps slot N to a theme colour (--vscode-charts-*, terminal ANSI).

export const NAME_PALETTE_SIZE = 8;

/** FNV-1a over UTF-16 code units: cheap, deterministic, spreads similar names apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Palette slot 0..size-1 for a name. Case-insensitive, since the server treats names that way for /msg. */
export function nameColorIndex(name: string, size: number = NAME_PALETTE_SIZE): number {
  if (size < 1) throw new RangeError('palette size must be ≥ 1');
  return fnv1a(name.trim().toLowerCase()) % size;
}

/** The CSS class styles/messages.css defines for that slot. */
export function nameColorClass(name: string): string {
  return `name-c${nameColorIndex(name)}`;
}
