// A native peer: the product's own ChatClient, so the bench measures the client code users run too.
import { ChatClient } from '../../src/chat';
import type { Driver, DriverFactory } from './workload';

/** In 'max' mode, wait for the socket to drain every this many messages (bounded memory, real backpressure). */
const FLUSH_EVERY = 32;

export function nativeDriver(port: number): DriverFactory {
  return (index, onText) => {
    const client = new ChatClient({ host: '127.0.0.1', port, name: `n${index}`, heartbeatIntervalMs: 60_000 });
    let dropped = false;
    let closing = false;
    let unflushed = 0;
    client.on('message', (message) => {
      if (!message.own) onText(`${message.text}\n`);
    });
    client.on('state', (state) => {
      if (state === 'closed' && !closing) dropped = true;
    });
    const driver: Driver = {
      get dropped() {
        return dropped;
      },
      connect: () => client.connect(),
      send: (text) => {
        client.send({ text: text.trimEnd() }).catch(() => {
          dropped = true;
        });
        if (++unflushed < FLUSH_EVERY) return;
        unflushed = 0;
        return client.flushed(30_000);
      },
      close: () => {
        closing = true;
        void client.close('bench done');
      },
    };
    return driver;
  };
}
