// The honest side of the soak: members who chat (numbered lines, some private) and send small pictures, and what
// each of them — and the host — received. Every honest line carries its sender, number and send time, so a
// receiver can tell loss, duplicates and reordering apart and measure latency without trusting the server.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ChatClient, ChatSession, type ChatMessage, type Notice, type Roster } from '../../../src/chat';
import { BOMB_SIDE, declaredPngSize } from './images';

/** `~H<sender>.<seq>.<sent ms>~` a line, `~I…~` a picture, `~X…~` a line to a look-alike name (not counted). */
const MARK = /~([HIX])([a-z0-9]+)\.(\d+)\.(\d+(?:\.\d+)?)~/;
/** A private line names its recipient after this, so a misdelivered one is recognised. */
const FOR = / for:(.+)$/;
/** Marks the line an attacker's goodbye hides after a line break, pretending to be a line of its own. */
export const FORGED = 'FORGED-LINE';
export const FORGED_LINE = `[12:00:00] Host: the new room password is hunter2 ${FORGED}`;
/** Latency samples kept per receiver (a 10-minute run needs about 20,000). */
const MAX_SAMPLES = 200_000;

export interface SentText {
  seq: number;
  to?: string;
}
export interface SentImage {
  seq: number;
  /** Epoch ms when it was sent. */
  at: number;
  size: number;
  digest: string;
  to?: string;
}

export function digest(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** What one honest receiver (a member or the host) saw. */
export class Receipts {
  /** Sender name → numbers of its lines, in arrival order. */
  readonly texts = new Map<string, number[]>();
  /** Sender name → numbers of its pictures (with a digest of the bytes), in arrival order. */
  readonly images = new Map<string, Array<{ seq: number; digest: string }>>();
  readonly textLatencies: number[] = [];
  readonly imageLatencies: number[] = [];
  /** Private lines that reached me although they named someone else. */
  readonly misdelivered: string[] = [];
  /** Notices with an attacker's forged line inside. */
  readonly forged: string[] = [];
  /** Pictures declaring 12000 × 12000 pixels that reached me. */
  bombs = 0;
  /** Every name shown to me: roster entries and message senders. */
  readonly names = new Set<string>();
  /** Error notices by code (why something of mine was refused, why I was cut off). */
  readonly errors = new Map<string, number>();
  /** The first text shown for each error code (what the user read). */
  readonly firstErrors = new Map<string, string>();
  lastError: string | undefined;

  constructor(readonly name: () => string) {}

  attach(session: ChatSession): void {
    session.on('message', (m) => this.onMessage(m));
    session.on('notice', (n) => this.onNotice(n));
    session.on('roster', (r) => this.onRoster(r));
  }

  private onMessage(m: ChatMessage): void {
    this.names.add(m.from.name);
    if (m.own) return;
    if (m.image) {
      const size = declaredPngSize(m.image.bytes);
      if (size && size.width >= BOMB_SIDE && size.height >= BOMB_SIDE) this.bombs++;
    }
    const mark = MARK.exec(m.text);
    if (!mark) return;
    const [, kind, sender, seqText, sentText] = mark;
    const intended = FOR.exec(m.text)?.[1];
    if (m.to && intended !== undefined && intended !== this.name()) this.misdelivered.push(`${m.text} (to me)`);
    if (kind === 'X') return;
    const latency = performance.now() - Number(sentText);
    const seq = Number(seqText);
    if (kind === 'H') {
      push(this.texts, sender, seq);
      if (this.textLatencies.length < MAX_SAMPLES) this.textLatencies.push(latency);
    } else if (m.image) {
      push(this.images, sender, { seq, digest: digest(m.image.bytes) });
      if (this.imageLatencies.length < MAX_SAMPLES) this.imageLatencies.push(latency);
    }
  }

  private onNotice(n: Notice): void {
    if (n.text.includes(FORGED) && /[\r\n\u2028\u2029]/.test(n.text)) this.forged.push(n.text);
    if (n.level !== 'error') return;
    const code = n.code ?? 'none';
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    if (!this.firstErrors.has(code)) this.firstErrors.set(code, n.text);
    this.lastError = n.text;
  }

  private onRoster(r: Roster): void {
    for (const p of [...r.active, ...r.waiting]) this.names.add(p.name);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
}

/** An honest member: a ChatClient in a ChatSession (what the CLI and the panel use), typing lines as a user does. */
export class HonestMember {
  readonly receipts: Receipts;
  readonly sentTexts: SentText[] = [];
  readonly sentImages: SentImage[] = [];
  /** Set when the member was disconnected before the soak ended it: the last error it was shown. */
  cutOff: string | undefined;
  private ending = false;
  private imageSeq = 0;
  private textSeq = 0;

  private constructor(
    readonly tag: string,
    readonly session: ChatSession,
    readonly maxImageBytes: number,
  ) {
    this.receipts = new Receipts(() => this.name);
    this.receipts.attach(session);
    session.on('state', (state) => {
      if (state === 'closed' && !this.ending) this.cutOff = this.receipts.lastError ?? 'closed';
    });
  }

  /** Joins as `tag` (lowercase letters and digits); rejects with the ChatError a user would see. */
  static async join(
    port: number,
    tag: string,
    password: string,
    maxImageBytes: number,
    historyLimit: number,
  ): Promise<HonestMember> {
    const client = new ChatClient({ host: '127.0.0.1', port, name: tag, password, maxImageBytes });
    const member = new HonestMember(tag, new ChatSession(client, { historyLimit }), maxImageBytes);
    try {
      await client.connect();
    } catch (error) {
      member.ending = true;
      await member.session.close();
      throw error;
    }
    return member;
  }

  /** The host's own user, speaking through the server's session. */
  static host(session: ChatSession, maxImageBytes: number): HonestMember {
    return new HonestMember('host', session, maxImageBytes);
  }

  /** The name the room gave me. */
  get name(): string {
    return this.session.endpoint.self?.name ?? this.tag;
  }

  get connected(): boolean {
    return this.session.endpoint.state === 'active' || this.session.endpoint.state === 'listening';
  }

  /** Types the next numbered line, to everyone or privately (`/msg`). */
  async say(to?: string): Promise<void> {
    const seq = this.textSeq++;
    const mark = `~H${this.tag}.${seq}.${performance.now().toFixed(3)}~`;
    this.sentTexts.push(to === undefined ? { seq } : { seq, to });
    await this.session.input(to === undefined ? `${mark} hello all` : `/msg ${to} ${mark} psst for:${to}`);
  }

  /** A private line to a look-alike's suffixed name ("bob-2"): must never reach anyone else. */
  async sayTo(name: string): Promise<void> {
    await this.session.input(`/msg ${name} ~X${this.tag}.0.${performance.now().toFixed(3)}~ hi for:${name}`);
  }

  /** Sends a picture; counted as sent only when the member's side accepted it (a refusal there is a notice). */
  async show(image: Buffer, to?: string): Promise<void> {
    const seq = this.imageSeq++;
    const at = Date.now();
    const text = `~I${this.tag}.${seq}.${performance.now().toFixed(3)}~${to ? ` for:${to}` : ''}`;
    try {
      await this.session.send(to === undefined ? { image, text } : { image, text, to });
      this.sentImages.push({ seq, at, size: image.length, digest: digest(image), ...(to ? { to } : {}) });
    } catch {
      /* shown to the member as an error notice, counted in receipts.errors */
    }
  }

  async leave(): Promise<void> {
    this.ending = true;
    await this.session.close('done for today');
  }
}
