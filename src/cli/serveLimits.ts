// The room's limits as `tcp-chat serve` flags come from the engine's one table (ROOM_LIMITS, shared with the
// extension's settings); this file adds the chat log's cap, which applies to `connect` too, and the help block.
import { DEFAULT_MAX_LOG_BYTES, decimalLimit, mebibytes, ROOM_LIMITS, type RoomLimits } from '../chat';

const MIB = 1024 * 1024;

/** The ServerOptions a serve command sets from its limit flags (only the flags given). */
export type ServeLimits = RoomLimits;

export const LIMIT_FLAGS = ROOM_LIMITS;

/** The log's cap applies to `connect` too, so it is not a ServerOptions setting. */
export const MAX_LOG_FLAG = 'max-log-mb';
const MAX_LOG_HELP = `largest chat log, in MiB; then one line says it stopped (default ${mebibytes(DEFAULT_MAX_LOG_BYTES)})`;
/** Transcript needs at least 1 KiB (room for the line saying the log stopped); 0.001 MiB is just above. */
const readLogMebibytes = decimalLimit(0.001, 1024 * 1024, true);

/** `--max-log-mb N` → bytes. */
export function parseMaxLogBytes(text: string): number | { error: string } {
  const value = readLogMebibytes(`--${MAX_LOG_FLAG}`, text);
  return typeof value === 'number' ? Math.round(value * MIB) : value;
}

/** The limit flags' help block: one flag a line, names aligned. */
export function limitsHelp(): string {
  const rows: [string, string][] = [
    ...LIMIT_FLAGS.map((f): [string, string] => [`--${f.flag} ${f.arg ?? 'N'}`, f.help]),
    [`--${MAX_LOG_FLAG} N`, MAX_LOG_HELP],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, help]) => `  ${name.padEnd(width)}${help}`).join('\n');
}
