// A member's own limits — its message rate (options.rateLimit), then its address's (all its connections together),
// and its image byte budget (options.imageBytesPerMinute) — and what the member and the host's log are told when
// one bites (once per mute). Made on a member's first message; gone with its connection.
import type { AddressLimits } from './addressLimits';
import { diagnoseConn, who, type Notices } from '../room/notices';
import type { ResolvedServerOptions } from '../options';
import type { PeerConnection } from '../connection/peerConnection';
import { formatBytes } from '../../core/units';
import { ImageByteBudget, RateLimiter } from './rateLimiter';

interface Limits {
  rate: RateLimiter | undefined;
  images: ImageByteBudget | undefined;
}

export interface MemberLimitsContext {
  options: ResolvedServerOptions;
  notices: Notices;
  addresses: AddressLimits;
}

export class MemberLimits {
  private readonly limits = new WeakMap<PeerConnection, Limits>();

  constructor(private readonly context: MemberLimitsContext) {}

  /**
   * The per-client rate limit for anything others get told about (messages, renames) or that is answered (/who),
   * then its address's (all its connections together); one notice per mute.
   */
  withinRate(conn: PeerConnection): boolean {
    const verdict = this.limitsOf(conn).rate?.take();
    if (!verdict || verdict.ok) return this.withinAddressRate(conn);
    if (verdict.firstDrop) {
      const { options, notices } = this.context;
      const limit = options.rateLimit ? options.rateLimit.perSecond : 0;
      const seconds = verdict.muteSeconds;
      diagnoseConn(conn, `rate limit: muted for ${seconds} s`);
      notices.tell(
        conn,
        'error',
        `Slow down: you are sending more than ${limit} messages per second; your messages are being dropped for ${seconds} s.`,
        'rate-limited',
      );
      notices.log(
        'error',
        `${who(conn)} is sending too fast; their messages are dropped for ${seconds} s.`,
        'rate-limited',
      );
    }
    return false;
  }

  /** Messages from all connections of one address together: a new connection brings no fresh allowance. */
  private withinAddressRate(conn: PeerConnection): boolean {
    const { options, notices, addresses } = this.context;
    const verdict = addresses.message(conn.socket);
    if (verdict.ok) return true;
    const limit = options.addressRateLimit ? options.addressRateLimit.perSecond : 0;
    const seconds = verdict.muteSeconds;
    if (verdict.tell) {
      notices.tell(
        conn,
        'error',
        `Slow down: your address is sending more than ${limit} messages per second (all its connections together); messages from it are being dropped for ${seconds} s.`,
        'rate-limited',
      );
    }
    if (verdict.log) {
      diagnoseConn(conn, `address rate limit: muted for ${seconds} s`);
      const ip = addresses.ipOf(conn.socket) ?? conn.address;
      notices.log(
        'error',
        `${ip} is sending too fast (all its connections together); its messages are dropped for ${seconds} s.`,
        'rate-limited',
      );
    }
    return false;
  }

  /** The per-client image byte budget, charged with an announced image's size; refused → the sender and the host's log are told. */
  withinImageBudget(conn: PeerConnection, bytes: number): boolean {
    const verdict = this.limitsOf(conn).images?.take(bytes);
    if (!verdict || verdict.ok) return true;
    const limit = formatBytes(this.context.options.imageBytesPerMinute || 0);
    diagnoseConn(conn, `image budget: refused ${bytes} bytes`);
    this.context.notices.refuse(
      conn,
      'image-rate-limited',
      `Image refused — slow down: you sent ${formatBytes(verdict.usedBytes)} of images in the last minute (the limit is ${limit} per minute); try again in ${verdict.retrySeconds} s.`,
    );
    return false;
  }

  /** Made on first use: a full bucket then is the same as a full bucket at joining (both are capped). */
  private limitsOf(conn: PeerConnection): Limits {
    let limits = this.limits.get(conn);
    if (!limits) {
      const { rateLimit, imageBytesPerMinute } = this.context.options;
      limits = {
        rate: rateLimit ? new RateLimiter(rateLimit) : undefined,
        images: imageBytesPerMinute ? new ImageByteBudget(imageBytesPerMinute) : undefined,
      };
      this.limits.set(conn, limits);
    }
    return limits;
  }
}
