// Shared by the TLS tests: one certificate per test run (generating one takes a few milliseconds, but reusing it
// keeps fingerprints comparable), rooms that speak TLS, and clients with their own known hosts in memory.
import { ChatClient, type ChatClientOptions } from '../../../../src/chat/client/chatClient';
import { ChatServer, type ServerOptions } from '../../../../src/chat/server/chatServer';
import { createIdentity, type TlsIdentity } from '../../../../src/chat/tls/certificate';
import { KnownHosts, memoryKnownHosts } from '../../../../src/chat/tls/knownHosts';
import { EventRecorder, within } from '../../support/clientHelpers';

export type Cleanup = { after(fn: () => unknown): void };

const identities = new Map<string, Promise<TlsIdentity>>();

/** The same certificate for the same label within this test run. */
export function identity(label = 'room'): Promise<TlsIdentity> {
  let made = identities.get(label);
  if (!made) identities.set(label, (made = createIdentity(`TCP Chat test ${label}`)));
  return made;
}

export async function tlsRoom(
  t: Cleanup,
  options: ServerOptions = {},
): Promise<{ server: ChatServer; port: number; host: EventRecorder; fingerprint: string }> {
  const server = new ChatServer({ host: '127.0.0.1', port: 0, name: 'Host', tls: await identity(), ...options });
  const host = new EventRecorder(server);
  const { port } = await server.listen();
  t.after(() => server.close());
  return { server, port, host, fingerprint: server.fingerprint ?? '' };
}

export function newClient(
  t: Cleanup,
  port: number,
  name: string,
  options: Partial<ChatClientOptions> = {},
): { client: ChatClient; events: EventRecorder } {
  const client = new ChatClient({ host: '127.0.0.1', port, name, connectTimeoutMs: 5000, ...options });
  const events = new EventRecorder(client);
  t.after(() => client.close());
  return { client, events };
}

export async function join(
  t: Cleanup,
  port: number,
  name: string,
  options: Partial<ChatClientOptions> = {},
): Promise<{ client: ChatClient; events: EventRecorder }> {
  const joined = newClient(t, port, name, options);
  await within(joined.client.connect(), 6000, `${name} to join`);
  return joined;
}

export function knownHosts(text = ''): KnownHosts {
  return new KnownHosts(memoryKnownHosts(text));
}
