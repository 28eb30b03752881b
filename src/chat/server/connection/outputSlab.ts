// Bytes of what the room says, packed one after another: each form (native frames, plain-text lines) has its own
// slab, so the messages a recipient gets in one turn of the event loop — every message of the turn but its own —
// lie side by side in memory, and its output for the turn is one or two slices of a slab instead of one buffer
// per message concatenated again per recipient (what dominated a busy room's CPU). A slab's bytes are never
// written twice: a view handed to a socket stays valid however long the socket keeps it.

/** Slab size: a few busy turns of small messages. */
const SLAB_BYTES = 256 * 1024;
/** Messages over this are not packed (a long paste, a roster): copying them in would gain nothing. */
const MAX_PACKED_BYTES = 4 * 1024;

/**
 * One message's bytes: `memory[start, end)` — a slab shared with other messages, or its own buffer (then the
 * whole of it, so nothing can follow it there). The view is made only when asked for: a subarray costs about as
 * much as packing the message.
 */
export class Packed {
  constructor(
    readonly memory: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}
  /** Bytes of this and what follows it in the same memory, up to `end`. */
  through(end: number): Buffer {
    return this.start === 0 && end === this.memory.length ? this.memory : this.memory.subarray(this.start, end);
  }
  get bytes(): Buffer {
    return this.through(this.end);
  }
}

export class OutputSlab {
  private slab = Buffer.allocUnsafe(0);
  private used = 0;

  /** `bytes` copied into the slab — or, given text, its UTF-8 written there — or kept apart when too big to pack. */
  pack(bytes: Buffer | string): Packed {
    // A UTF-16 unit never takes more than 3 bytes in UTF-8: room for that is room enough, without measuring first.
    const room = typeof bytes === 'string' ? bytes.length * 3 : bytes.length;
    if (room > MAX_PACKED_BYTES) {
      const own = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      return new Packed(own, 0, own.length);
    }
    // Near the slab's end, the exact size decides (measuring is cheaper than starting a slab early).
    const left = this.slab.length - this.used;
    if (room > left && !(typeof bytes === 'string' && Buffer.byteLength(bytes, 'utf8') <= left)) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.used = 0;
    }
    const start = this.used;
    this.used += typeof bytes === 'string' ? this.slab.write(bytes, start, 'utf8') : bytes.copy(this.slab, start);
    return new Packed(this.slab, start, this.used);
  }
}
