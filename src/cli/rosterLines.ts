// The roster line ("3 chatting, 0 waiting: …") printed when the roster changes, at most once per interval: under
// churn (dozens joining and leaving a second) one line a second stays readable, and the last state is always shown.

export const ROSTER_LINE_INTERVAL_MS = 1000;

/**
 * Returns what to call with each new roster line. A line equal to the last printed one is dropped; a changed one is
 * printed at once when the interval since the last print has passed, else the latest is printed when it ends.
 */
export function throttledRosterLines(
  printLine: (line: string) => void,
  intervalMs = ROSTER_LINE_INTERVAL_MS,
): (line: string) => void {
  let printed = '';
  let printedAt = -Infinity;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending === undefined || pending === printed) return void (pending = undefined);
    printed = pending;
    pending = undefined;
    printedAt = Date.now();
    printLine(printed);
  };
  return (line) => {
    pending = line;
    if (timer) return;
    const wait = printedAt + intervalMs - Date.now();
    if (wait <= 0) return flush();
    // unref: a line still waiting never keeps the process alive after the chat ended.
    timer = setTimeout(flush, wait);
    timer.unref();
  };
}
