// Diagnostics: what the engine did and why, for someone filing a bug. Lines go to util.debuglog('tcpchat')
// (`NODE_DEBUG=tcpchat tcp-chat serve` prints them on stderr) and to one optional sink, which the extension points
// at its "TCP Chat" log channel. Never peer text without escaping: callers pass escaped strings.
import { debuglog } from 'node:util';

/** Where a diagnostic line came from: which part of the engine. */
export type DiagnosticArea = 'server' | 'client' | 'session' | 'wire' | 'discovery';

export type DiagnosticSink = (area: DiagnosticArea, line: string) => void;

const nodeDebug = debuglog('tcpchat');
let sink: DiagnosticSink | undefined;

/** Sends every later diagnostic line to `next` as well (undefined: stop). One sink per process. */
export function setDiagnosticSink(next: DiagnosticSink | undefined): void {
  sink = next;
}

/** True when someone is listening, so callers can skip building a costly line. */
export function diagnosticsEnabled(): boolean {
  return sink !== undefined || nodeDebug.enabled;
}

/** One diagnostic line: connection state changes, handshake results, refused frames, limits hit. */
export function diagnose(area: DiagnosticArea, line: string): void {
  if (nodeDebug.enabled) nodeDebug('%s: %s', area, line);
  if (sink) {
    try {
      sink(area, line);
    } catch {
      // A broken sink must never break the chat.
    }
  }
}
