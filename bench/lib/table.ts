// Plain-text tables for the terminal and the same rows as Markdown for docs/BENCHMARKS.md.

export type Cell = string | number | undefined;

export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(digits);
}

function text(cell: Cell): string {
  return cell === undefined ? '–' : typeof cell === 'number' ? fmt(cell) : cell;
}

export function printTable(title: string, header: string[], rows: Cell[][]): string {
  const cells = [header, ...rows.map((row) => row.map(text))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [
    `\n${title}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
  console.log(out);
  return markdownTable(title, header, rows);
}

export function markdownTable(title: string, header: string[], rows: Cell[][]): string {
  const body = rows.map((row) => `| ${row.map(text).join(' | ')} |`);
  return [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...body,
    '',
  ].join('\n');
}
