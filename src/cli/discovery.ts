// `tcp-chat serve` advertising its room on the LAN (unless --no-advertise), and `tcp-chat discover`, which lists
// the rooms it hears in a few seconds: one line each, name, host:port, counts and flags.
import {
  advertiseEndpoint,
  RoomBrowser,
  roomCounts,
  roomFlags,
  type ChatServer,
  type DiscoveredRoom,
  type HostedRoom,
} from '../chat';
import { print, printError } from './output';

/**
 * Advertises a listening server (its counts kept current); resolves to the function that says goodbye. When the
 * room cannot be advertised it says why once on stderr, and the room serves on.
 */
export function advertise(server: ChatServer, room: HostedRoom): () => Promise<void> {
  const advertiser = advertiseEndpoint(server, room);
  advertiser.on('problem', (why) =>
    printError(`this room is not discoverable on the network (${why}); people can still join by its address.`),
  );
  advertiser.on('advertised', (name) => print(`Discoverable on the network as "${name}".`));
  return () => advertiser.stop();
}

/** Listens for `seconds`, then prints what it heard; 0 when it could listen (even if no room answered). */
export async function discover(seconds: number): Promise<number> {
  const browser = new RoomBrowser();
  let problem: string | undefined;
  browser.on('problem', (why) => (problem = why));
  await browser.start();
  if (problem === undefined) await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const rooms = browser.rooms;
  await browser.stop();
  if (problem !== undefined) {
    printError(`cannot listen for rooms: ${problem}.`);
    return 1;
  }
  if (rooms.length === 0) print(`No rooms heard in ${seconds} s.`);
  for (const room of rooms) print(roomLine(room));
  return 0;
}

/** "Ms Lee's room  192.168.1.10:65432  12 chatting · 3 waiting · 10 seats  🔒 password  TLS  topic: …" */
export function roomLine(room: DiscoveredRoom): string {
  const topic = room.topic ? `topic: ${room.topic}` : '';
  return [room.name, `${room.host}:${room.port}`, roomCounts(room), roomFlags(room), topic].filter(Boolean).join('  ');
}
