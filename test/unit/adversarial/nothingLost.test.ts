// Nothing lost: a long mixed run — native and plain-text members, the host, text and images, people coming and
// going — after which every message from every member is in every other member's stream and in the server's
// log, exactly once, in the order the server relayed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChatSession } from '../../../src/chat/session/chatSession';
import { Transcript } from '../../../src/chat/session/transcript';
import { bigPng } from '../support/clientHelpers';
import { RawPlainClient, delay, startServer, waitFor } from '../support/helpers';
import { honestClient, seededRandom, tempDir } from '../support/adversarial';

const NATIVE = ['ana', 'bo', 'cy', 'di'];
const PLAIN = ['pa', 'pe'];
const ROUNDS = 80;
/** Operations in the seats run (join, leave, kick, admit, speak, a waiter trying to speak). */
const STEPS = 200;
const TOKEN = /(?:m|img):([a-z0-9]+):(\d+)/g;

/** Message tokens in the order they appear in some text (a stream, a log). */
function tokens(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[0]);
}

function duplicates(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((x) => (seen.has(x) ? true : (seen.add(x), false)));
}

test(
  'nothing lost: every member gets every other member’s messages exactly once, in relay order, and so does the log',
  { timeout: 60_000 },
  async (t) => {
    const r = seededRandom(t, 'adversarial-nothing-lost');
    const dir = tempDir(t, 'nothinglost');
    // The default limits stay on (rate limit included): members send at a human-ish pace below them.
    // Everyone connects from 127.0.0.1 here: the limits per address (meant for one machine) are off.
    const { server, port } = await startServer({ name: 'host', connectRate: false, addressRateLimit: false });
    const session = new ChatSession(server, { transcript: Transcript.open(path.join(dir, 'logs')) });
    t.after(() => session.close());
    const natives = await Promise.all(NATIVE.map((name) => honestClient(port, name)));
    t.after(() => Promise.all(natives.map((n) => n.client.close())));
    const plains = await Promise.all(PLAIN.map((name) => RawPlainClient.join(port, name)));
    t.after(() => plains.forEach((p) => p.close()));
    await waitFor(() => server.roster.active.length === 1 + NATIVE.length + PLAIN.length, 'everyone seated');

    const image = bigPng(200 * 1024);
    const sent = new Map<string, string[]>(); // sender → tokens in send order
    const say = (who: string, token: string) => (sent.get(who) ?? sent.set(who, []).get(who)!).push(token);
    const transients: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const order = [
        ...NATIVE.map((n, i) => ['native', i] as const),
        ...PLAIN.map((n, i) => ['plain', i] as const),
        ['host', 0] as const,
      ];
      for (const [kind, i] of order.sort(() => r.next() - 0.5)) {
        if (kind === 'native') {
          const name = NATIVE[i];
          if (round % 10 === 3 && i < 2) {
            const token = `img:${name}:${round}`;
            await natives[i].client.send({ text: token, image });
            say(name, token);
          } else {
            const token = `m:${name}:${round}`;
            await natives[i].client.send({ text: `${token} é🙂 <b>${'x'.repeat(r.int(200))}</b>` });
            say(name, token);
          }
        } else if (kind === 'plain') {
          const token = `m:${PLAIN[i]}:${round}`;
          plains[i].write(`${token} from nc\n`);
          say(PLAIN[i], token);
        } else {
          const token = `m:host:${round}`;
          await session.send({ text: token });
          say('host', token);
        }
      }
      // Now and then someone drops in, says three things and leaves (some politely, some by vanishing).
      if (round % 8 === 5) {
        const name = `tr${round}`;
        transients.push(name);
        const visitor = await honestClient(port, name);
        for (let k = 0; k < 3; k++) {
          const token = `m:${name}:${k}`;
          await visitor.client.send({ text: token });
          say(name, token);
        }
        await visitor.client.flushed(5000);
        await visitor.client.close();
      }
      // ≥ 100 ms a round keeps every member under the default rate limit (10 messages/s sustained).
      await delay(100 + r.int(40));
    }

    const everyone = [...NATIVE, ...PLAIN, 'host'];
    const totalSent = [...sent.values()].reduce((n, list) => n + list.length, 0);
    const streams = new Map<string, () => string[]>([
      ...natives.map(
        (n, i) => [NATIVE[i], () => n.seen.messages.filter((m) => !m.own).flatMap((m) => tokens(m.text))] as const,
      ),
      ...plains.map((p, i) => [PLAIN[i], () => tokens(p.text)] as const),
      [
        'host',
        () => session.history.flatMap((e) => (e.kind === 'message' && !e.message.own ? tokens(e.message.text) : [])),
      ] as const,
    ]);
    const expectedCount = (member: string) => totalSent - (sent.get(member)?.length ?? 0);
    for (const member of everyone) {
      await waitFor(
        () => streams.get(member)!().length >= expectedCount(member),
        () => `${member} to receive ${expectedCount(member)} messages (has ${streams.get(member)!().length})`,
        20_000,
      );
    }

    // The server's relay order is what the host saw; the log must say the same.
    const hostOrder = session.history.flatMap((e) => (e.kind === 'message' ? tokens(e.message.text) : []));
    assert.equal(hostOrder.length, totalSent, 'the host saw every message (its own included)');
    const logTokens = fs
      .readFileSync(session.transcript!.logFile, 'utf8')
      .split('\n')
      .flatMap((line) => tokens(line).slice(0, 1));
    assert.deepEqual(logTokens, hostOrder, 'the log has every message once, in order');

    for (const member of everyone) {
      const stream = streams.get(member)!();
      assert.deepEqual(duplicates(stream), [], `${member} got no duplicates`);
      // Per sender: exactly what was sent, in send order.
      for (const [sender, list] of sent) {
        if (sender === member) continue;
        assert.deepEqual(
          stream.filter((x) => x.split(':')[1] === sender),
          list,
          `${member}'s stream from ${sender}`,
        );
      }
      // Across senders: text messages in the server's relay order (images may be overtaken by text, by design).
      const textOrder = hostOrder.filter((x) => x.startsWith('m:') && !x.startsWith(`m:${member}:`));
      assert.deepEqual(
        stream.filter((x) => x.startsWith('m:')),
        textOrder,
        `${member}'s text messages in relay order`,
      );
    }
    // Images arrived whole at every native member.
    for (const [i, n] of natives.entries()) {
      const images = n.seen.messages.filter((m) => m.image && !m.own);
      const expected = [...sent]
        .filter(([s]) => s !== NATIVE[i])
        .flatMap(([, list]) => list.filter((x) => x.startsWith('img:'))).length;
      assert.equal(images.length, expected, `${NATIVE[i]} got every image`);
      assert.ok(
        images.every((m) => m.image!.bytes.equals(image)),
        'byte-identical images',
      );
    }
    t.diagnostic(
      `${totalSent} messages from ${sent.size} senders (${transients.length} passers-by) checked in ${everyone.length} streams and the log`,
    );
  },
);

test(
  'nothing lost with seats: under joins, leaves, kicks, admits and seat changes, members get exactly what was said while they sat, waiters nothing, positions always right',
  { timeout: 60_000 },
  async (t) => {
    const r = seededRandom(t, 'adversarial-nothing-lost seats');
    // Everyone connects from 127.0.0.1 here: the limits per address (meant for one machine) are off.
    const { server, port, events } = await startServer({
      name: 'host',
      seats: 2,
      rateLimit: false,
      connectRate: false,
    });
    t.after(() => server.close());
    type Member = Awaited<ReturnType<typeof honestClient>> & { name: string; gone: boolean };
    const members: Member[] = [];
    t.after(() => Promise.all(members.filter((m) => !m.gone).map((m) => m.client.close())));
    let joined = 0;
    const join = async () => {
      const name = `u${joined++}`;
      const member = { ...(await honestClient(port, name)), name, gone: false };
      members.push(member);
    };
    const here = () => members.filter((m) => !m.gone);
    /** Waits until every client agrees with the server: seated ones are active, waiters know their place. */
    const settled = async (step: number) => {
      await waitFor(
        () => {
          const roster = server.roster;
          const active = new Set(roster.active.map((p) => p.name));
          const waiting = roster.waiting.map((p) => p.name);
          return (
            here().every((m) => {
              if (active.has(m.name))
                return m.client.state === 'active' && m.client.roster.waiting.length === waiting.length;
              const place = waiting.indexOf(m.name) + 1;
              return place > 0 && m.client.state === 'waiting' && m.seen.queue.at(-1) === place;
            }) &&
            here().length === roster.active.length - 1 + roster.waiting.length &&
            // Nobody waits while a seat is free (the host is not in a seat).
            (roster.waiting.length === 0 || roster.active.length - 1 >= roster.seats)
          );
        },
        () =>
          `step ${step}: clients to agree with the server (server active ${server.roster.active.map((p) => p.name)}, waiting ${server.roster.waiting.map((p) => p.name)}; clients ${here()
            .map((m) => `${m.name}:${m.client.state}#${m.seen.queue.at(-1)}`)
            .join(' ')})`,
        5000,
      );
    };

    for (let i = 0; i < 6; i++) await join();
    await settled(0);
    /** What each member should have received: texts said while they sat, in order. */
    const expected = new Map<string, string[]>();
    let said = 0;
    for (let step = 1; step <= STEPS; step++) {
      const seated = here().filter((m) => m.client.state === 'active');
      const waiting = here().filter((m) => m.client.state === 'waiting');
      const op = r.int(11);
      if (op < 5 && seated.length > 0) {
        const speaker = r.pick(seated);
        const text = `said ${said++} by ${speaker.name}`;
        await speaker.client.send({ text });
        for (const m of seated)
          if (m !== speaker) (expected.get(m.name) ?? expected.set(m.name, []).get(m.name)!).push(text);
        // The server decides the recipients when it relays: wait for that (the host sees every broadcast) before
        // the next step can change who is seated.
        await waitFor(() => events.messages.some((x) => x.text === text), `step ${step}: "${text}" relayed`);
        await waitFor(
          () => seated.every((m) => m === speaker || m.seen.messages.some((x) => x.text === text)),
          `step ${step}: "${text}" delivered`,
        );
      } else if (op === 5 && seated.length > 0) {
        const leaver = r.pick(seated);
        leaver.gone = true;
        await leaver.client.close();
      } else if (op === 6 && waiting.length > 0) {
        const leaver = r.pick(waiting);
        leaver.gone = true;
        await leaver.client.close();
      } else if (op === 7 && waiting.length > 0) {
        server.admit(r.pick(waiting).client.self!.id);
      } else if (op === 8 && seated.length > 0) {
        const kicked = r.pick(seated);
        kicked.gone = true;
        server.kick(kicked.client.self!.id, 'test');
        await kicked.seen.state('closed');
      } else if (op === 10) {
        // The host changes the number of seats while people chat and wait (more seats admit waiters in order).
        server.setSeats(1 + r.int(3));
      } else if (op === 9 && waiting.length > 0 && r.chance(0.5)) {
        // A waiter tries to talk: refused locally with a clear error, nothing reaches the room.
        const eager = r.pick(waiting);
        await assert.rejects(
          eager.client.send({ text: `said by a waiter ${eager.name}` }),
          (e: unknown) => e instanceof Error && /in line/.test(e.message),
        );
      } else {
        await join();
      }
      await settled(step);
    }

    // Exactly what was said while each sat, once, in order; waiters and passers-by got nothing else.
    for (const m of members) {
      const got = m.seen.messages.filter((x) => !x.own && x.text.startsWith('said ')).map((x) => x.text);
      assert.deepEqual(got, expected.get(m.name) ?? [], `${m.name}'s messages`);
    }
    t.diagnostic(`${said} messages, ${members.length} members over ${STEPS} steps`);
  },
);
