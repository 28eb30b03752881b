// The CLI's line for each transfer (files and images, either way), e.g.
//   ↑ report.pdf to bob  42%  12.6 MB of 30.0 MB  8.1 MB/s
// On a terminal it is one line updated in place (Screen's live lines) and printed for good when the transfer ends.
// Elsewhere (a pipe, a log, a script) it is printed at the start, at each quarter and at the end, so a 30 MB file
// makes five lines, not hundreds.
import { escapeControl, formatBytes, type TransferProgress } from '../chat';
import type { Screen } from './screen';

/** Percent steps printed when not on a terminal (besides the start and the end). */
const MILESTONE_PERCENT = 25;

/** The line for one state of a transfer. */
export function progressLine(progress: TransferProgress): string {
  const arrow = progress.direction === 'send' ? '↑' : '↓';
  const what = progress.kind === 'file' ? (progress.name ?? 'a file') : 'image';
  const who = progress.peer
    ? `${progress.direction === 'send' ? 'to' : 'from'} ${progress.peer.name}`
    : progress.direction === 'send'
      ? 'to the room'
      : '';
  const head = escapeControl([arrow, what, who].filter((part) => part !== '').join(' '));
  const amounts = `${percent(progress)}%  ${formatBytes(progress.bytes)} of ${formatBytes(progress.total)}`;
  switch (progress.state) {
    case 'offered':
      return `${head}  offered  ${formatBytes(progress.total)}`;
    case 'running':
      return `${head}  ${amounts}${progress.bytesPerSecond > 0 ? `  ${formatBytes(progress.bytesPerSecond)}/s` : ''}`;
    case 'declined':
      return `${head}  declined${progress.reason && progress.reason !== 'declined' ? `: ${escapeControl(progress.reason)}` : ''}`;
    case 'done': {
      const saved = progress.savedPath ? `  saved to ${escapeControl(progress.savedPath)}` : '';
      return `${head}  ${amounts}  done${saved}`;
    }
    default: {
      const reason = progress.reason ? `: ${escapeControl(progress.reason)}` : '';
      return `${head}  ${progress.state} at ${percent(progress)}%${reason}`;
    }
  }
}

function percent(progress: TransferProgress): number {
  if (progress.total <= 0) return progress.state === 'done' ? 100 : 0;
  return Math.floor((100 * Math.min(progress.bytes, progress.total)) / progress.total);
}

/** Follows every 'transfer' event and shows its line the way the screen calls for. */
export function progressPrinter(screen: Screen, print: (line: string) => void): (progress: TransferProgress) => void {
  /** Not on a terminal: the last quarter printed per transfer. */
  const printedStep = new Map<string, number>();
  return (progress) => {
    const line = progressLine(progress);
    const over = progress.state !== 'running' && progress.state !== 'offered';
    if (screen.terminal) {
      if (!over) return screen.setLive(progress.id, line);
      screen.removeLive(progress.id);
      return print(line);
    }
    const step = Math.floor(percent(progress) / MILESTONE_PERCENT);
    const last = printedStep.get(progress.id);
    if (over) printedStep.delete(progress.id);
    else if (last !== undefined && step <= last) return;
    else printedStep.set(progress.id, step);
    print(line);
  };
}
