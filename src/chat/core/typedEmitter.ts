// A typed face on Node's EventEmitter: ChatServer, ChatClient and ChatSession emit the events of core/events.ts
// through it, so a listener gets the right argument types and a misspelt event name does not compile.
import { EventEmitter } from 'node:events';

/** Event name → listener argument tuple. Written as a mapped constraint so interfaces satisfy it too. */
type EventMap<E> = { [K in keyof E]: unknown[] };

/** A small typed wrapper over EventEmitter so listeners get the right argument types. */
export class TypedEmitter<E extends EventMap<E>> {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(50);
  }
  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }
  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.emitter.emit(event, ...args);
  }
  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}
