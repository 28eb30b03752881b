// A plain-text peer (what nc or telnet would be): one TCP socket, lines in, lines out. Against our server it
// answers the greeting with its name first; against ncat --chat there is no greeting.
import { connect, type Socket } from 'node:net';
import type { Driver, DriverFactory } from './workload';

const CONNECT_TIMEOUT_MS = 10_000;

export function plainDriver(port: number, server: 'ours' | 'ncat'): DriverFactory {
  return (index, onText) => {
    let socket: Socket | undefined;
    let dropped = false;
    let closing = false;
    const driver: Driver = {
      get dropped() {
        return dropped;
      },
      connect: () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`plain client ${index}: no connection/greeting in time`)),
            CONNECT_TIMEOUT_MS,
          );
          const s = connect(port, '127.0.0.1');
          socket = s;
          s.setNoDelay(true);
          s.setEncoding('utf8');
          // Joined = the server's first line arrived (our greeting, or ncat's "<announce> … connected as <userN>").
          // A TCP connect alone is not enough: a busy server may not have accepted the connection yet.
          let greeted = false;
          s.on('data', (text: string) => {
            if (!greeted && text.includes('\n')) {
              greeted = true;
              if (server === 'ours') s.write(`b${index}\n`); // our server: the first line is the name
              clearTimeout(timer);
              resolve();
            }
            onText(text);
          });
          s.on('error', (error) => {
            dropped = true;
            clearTimeout(timer);
            reject(error);
          });
          s.on('close', () => {
            if (!closing) dropped = true;
          });
        }),
      send: (text) => {
        const s = socket;
        if (!s || s.destroyed) return;
        if (s.write(text)) return;
        return new Promise<void>((resolve) => {
          const done = () => {
            s.off('drain', done).off('close', done);
            resolve();
          };
          s.once('drain', done).once('close', done);
        });
      },
      close: () => {
        closing = true;
        socket?.destroy();
      },
    };
    return driver;
  };
}
