// Bytes and durations as people read them, the one formatter for each (engine wordings, CLI, panel via the host).

/** `512 B`, `1.5 KB`, `20 MB`, `1 GB`: binary units, one decimal where it matters. */
export function formatBytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${units[unit]}`;
}

/** `2 s`, `1.5 s`, `0.3 s`: whole seconds as integers, anything else to one decimal. */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms / 100) / 10;
  return Number.isInteger(rounded) ? `${rounded} s` : `${rounded.toFixed(1)} s`;
}

/**
 * `12,345`: a count with thousands separators, as `toLocaleString('en-US')` writes it — without loading the ICU
 * locale data on the first call (tens of milliseconds, paid by the first member to join a big room).
 */
export function formatCount(count: number): string {
  const [whole, fraction] = String(count).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
