// ChatClient's side of a TCP Chat server once its greeting was read (serverConnection.ts tells it from a plain-text
// one, and starts TLS when offered): bytes in → frames; the handshake (Challenge → Hello with the proof → Welcome,
// its decisions in handshake.ts); then the frame pump: frames for ChatClient, the roster put together, Ping/Pong
// and our heartbeat, the server's Bye and fatal Error remembered for the sentence when the connection ends.
import type { Socket } from 'node:net';
import type { ResolvedClientOptions } from '../options';
import { unreadableData } from './connectErrors';
import { diagnose, diagnosticsEnabled } from '../../core/diagnostics';
import { ChatError, errorCodeFromWire } from '../../core/errors';
import { escapeControl } from '../../core/format';
import type { FrameWriter } from '../../wire/frameWriter';
import { encodeFrame, FrameDecoder, ProtocolError } from '../../wire/codec';
import { FrameType, HARD_MAX_FRAME_BYTES, type ChallengeBody, type Frame, type UnknownFrame } from '../../wire/frames';
import { helloFor, type ResumeTicket } from './handshake';
import { tunnelBinding } from '../../tls/tunnel';
import { ConnectionRoster } from '../rosterState';
import type { ConnectionHooks } from './serverConnection';

/** What the link needs from the ServerConnection it runs on. */
export interface NativeLinkHost {
  readonly where: string;
  readonly options: ResolvedClientOptions;
  /** The name to ask for in Hello. */
  readonly name: string;
  readonly resume: ResumeTicket | undefined;
  readonly hooks: ConnectionHooks;
  socket(): Socket;
  writer(): FrameWriter;
  /** True until the Welcome (or a refusal): the join is still pending. */
  joining(): boolean;
  /** The Welcome came: we are in the room. */
  joined(): void;
  /** We were not let in: the join fails with `error`. */
  refuse(error: ChatError): void;
  /** We end a joined connection ourselves: say why, then close. */
  drop(text: string, code: string): void;
}

export class NativeServerLink {
  private readonly decoder = new FrameDecoder(HARD_MAX_FRAME_BYTES, { keepImageSlices: true });
  /** The roster as this connection's Roster and RosterDelta frames built it. */
  private readonly roster = new ConnectionRoster();
  private serverChallenge: ChallengeBody | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private missedPongs = 0;
  /** The server's Bye reason, once it said goodbye. */
  goodbye: string | undefined;
  /** Why the server will not have us (a fatal Error, or removed by the host): reconnecting would not help. */
  fatal: ChatError | undefined;

  constructor(
    private readonly host: NativeLinkHost,
    /** The room's name from the greeting. */
    private readonly room: string,
  ) {}

  get challenge(): ChallengeBody | undefined {
    return this.serverChallenge;
  }

  /** Bytes from the server. */
  push(chunk: Buffer): void {
    this.missedPongs = 0; // any bytes prove the server is alive
    let frames: Array<Frame | UnknownFrame>;
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const detail = error instanceof ProtocolError ? error.message : String(error);
      const problem = unreadableData(detail);
      diagnose('client', `bad-frame from ${this.host.where}: ${escapeControl(detail)}`);
      if (this.host.joining()) return this.host.refuse(problem);
      return this.host.drop(problem.message, problem.code);
    }
    for (const frame of frames) {
      if (this.host.socket().destroyed) return;
      if (frame.type !== 'unknown') this.onFrame(frame);
      // Unknown types are skipped (forward compatible); a hostile server could send many, so the line is cheap.
      else if (diagnosticsEnabled())
        diagnose('client', `skipped a frame of unknown type ${frame.code} from ${this.host.where}`);
    }
  }

  send(frame: Frame): void {
    this.host.writer().urgent(encodeFrame(frame));
  }

  /** No more heartbeats (we are leaving, or the socket closed). */
  stop(): void {
    clearInterval(this.heartbeat);
  }

  private onFrame(frame: Frame): void {
    const { host } = this;
    switch (frame.type) {
      case FrameType.Challenge:
        return this.answerChallenge(frame.body);
      case FrameType.Welcome:
        if (!host.joining()) return host.hooks.frame(frame);
        diagnose(
          'client',
          `welcome to ${host.where} as ${escapeControl(frame.body.you.name)}${frame.body.position === null ? '' : `, #${frame.body.position} in line`}`,
        );
        host.hooks.joined({ kind: 'native', room: this.room, welcome: frame.body });
        this.heartbeat = setInterval(() => this.beat(), host.options.heartbeatIntervalMs);
        this.heartbeat.unref();
        return host.joined();
      case FrameType.Error:
        if (frame.body.fatal) this.fatal = new ChatError(errorCodeFromWire(frame.body.code), frame.body.message);
        if (this.fatal) diagnose('client', `refused by ${host.where}: ${escapeControl(frame.body.code)}`);
        if (host.joining() && this.fatal) return host.refuse(this.fatal);
        return host.hooks.frame(frame);
      case FrameType.Notice:
        // Removed by the host: the server closes next, and coming straight back would undo the host's decision.
        if (frame.body.code === 'kicked') this.fatal = new ChatError('kicked', frame.body.text);
        return host.hooks.frame(frame);
      case FrameType.Roster:
      case FrameType.RosterDelta: {
        const roster = this.roster.apply(frame);
        if (typeof roster === 'string') return host.drop(unreadableData(roster).message, 'protocol');
        if (!host.joining()) host.hooks.frame({ type: FrameType.Roster, body: roster });
        return;
      }
      case FrameType.Ping:
        return this.send({ type: FrameType.Pong, payload: frame.payload });
      case FrameType.Pong:
        return; // already counted as a sign of life
      case FrameType.Bye:
        this.goodbye = frame.body.reason || 'goodbye';
        return diagnose('client', `${host.where} said goodbye: ${escapeControl(this.goodbye)}`);
      default:
        if (!host.joining()) host.hooks.frame(frame);
    }
  }

  private answerChallenge(challenge: ChallengeBody): void {
    const { host } = this;
    if (this.serverChallenge || !host.joining()) return;
    this.serverChallenge = challenge;
    let hello;
    try {
      hello = helloFor(
        challenge,
        host.name,
        host.options.password,
        host.resume,
        tunnelBinding(host.socket(), challenge.nonce),
      );
    } catch (error) {
      return host.refuse(error as ChatError);
    }
    // A server that acknowledges image bytes gets ours through the ack window, so our text is not stuck behind them.
    if (challenge.acks === true) host.writer().enableAckWindow();
    this.send({ type: FrameType.Hello, body: hello });
  }

  /** 2 intervals of silence after our Pings mean the server (or the path to it) is gone. */
  private beat(): void {
    if (this.missedPongs >= 2) {
      return this.host.drop(
        `${this.host.where} stopped answering (2 heartbeats without a reply); dropping the connection.`,
        'heartbeat',
      );
    }
    this.missedPongs++;
    this.send({ type: FrameType.Ping, payload: Buffer.alloc(0) });
  }
}
