// The "TCP Chat" log in the Output panel ("TCP Chat: Show Log"): what someone filing a bug report attaches. It
// carries the engine's diagnostic lines (connections, handshakes, refused frames, limits), every error the
// extension shows, and when sessions start and end. Never chat messages. Pure (no 'vscode' import): the
// extension passes in its LogOutputChannel, unit tests a fake.
import { formatNotice, setDiagnosticSink, type Notice } from '../chat';

/** The part of vscode.LogOutputChannel used here. */
export interface LogOutput {
  info(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
  dispose(): void;
}

/** How many lines `recent` keeps (the channel itself cannot be read back, so tests read these). */
export const RECENT_LOG_LINES = 500;

export class LogChannel {
  private readonly lines: string[] = [];
  private disposed = false;

  /** Becomes the engine's one diagnostic sink until disposed. */
  constructor(private readonly output: LogOutput) {
    setDiagnosticSink((area, line) => this.info(`[${area}] ${line}`));
  }

  info(line: string): void {
    this.write('info', line);
  }

  error(line: string): void {
    this.write('error', line);
  }

  /** A notice (the session's or the extension's own), with peer text escaped as everywhere else. The channel
   *  stamps the time and level itself, so formatNotice's `[HH:MM:SS] ! ` goes. */
  notice(notice: Notice): void {
    const text = formatNotice(notice).replace(/^\[[^\]]*\] [!*] /, '');
    if (notice.level === 'error') this.error(text);
    else this.info(text);
  }

  /** The newest lines, oldest first, each `level text`. */
  get recent(): readonly string[] {
    return [...this.lines];
  }

  show(): void {
    this.output.show();
  }

  /** Stops being the diagnostic sink; later lines are dropped. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    setDiagnosticSink(undefined);
    this.output.dispose();
  }

  private write(level: 'info' | 'error', line: string): void {
    if (this.disposed) return;
    this.lines.push(`${level} ${line}`);
    if (this.lines.length > RECENT_LOG_LINES) this.lines.splice(0, this.lines.length - RECENT_LOG_LINES);
    this.output[level](line);
  }
}
