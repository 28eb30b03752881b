// The DNS-SD records of one advertised room (RFC 6763 §4–6) and how a responder answers a question with them:
// PTR `_tcpchat._tcp.local` → `Room._tcpchat._tcp.local`, its SRV (port, host name) and TXT, and the host name's
// A record on the interface the answer goes out on. Pure: the advertiser sends what these functions return.
import type { Answer, Packet, Question } from 'dns-packet';
import { SERVICE_TYPE } from './txtRecord';

/** DNS-SD's list of service types (RFC 6763 §9), so `avahi-browse -a` and `dns-sd -B` list ours too. */
export const SERVICE_TYPE_LIST = '_services._dns-sd._udp.local';
/** RFC 6762 §10: 120 s for records naming a host (SRV, A), 75 minutes for the others (PTR, TXT). */
export const HOST_RECORD_TTL = 120;
export const OTHER_RECORD_TTL = 4500;

/** Any record as read off the wire, whatever its type (dns-packet's union has no common `data`/`ttl`). */
export interface WireRecord {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
}

/** dns-packet's RecordType has no QTYPE "ANY" (255), which it encodes all the same. */
const ANY = 'ANY' as Question['type'];

export interface AdvertisedRecords {
  /** `Room._tcpchat._tcp.local`. */
  instance: string;
  /** The SRV target, e.g. `myhost-tcpchat.local`. */
  hostName: string;
  port: number;
  txt: string[];
}

export function instanceName(label: string): string {
  return `${label}.${SERVICE_TYPE}`;
}

export function ptrRecord(room: AdvertisedRecords, ttl = OTHER_RECORD_TTL): Answer {
  return { name: SERVICE_TYPE, type: 'PTR', ttl, data: room.instance };
}

export function srvRecord(room: AdvertisedRecords, ttl = HOST_RECORD_TTL): Answer {
  return {
    name: room.instance,
    type: 'SRV',
    ttl,
    flush: true,
    data: { port: room.port, target: room.hostName, priority: 0, weight: 0 },
  };
}

export function txtRecord(room: AdvertisedRecords, ttl = OTHER_RECORD_TTL): Answer {
  return { name: room.instance, type: 'TXT', ttl, flush: true, data: room.txt };
}

export function addressRecord(room: AdvertisedRecords, address: string, ttl = HOST_RECORD_TTL): Answer {
  return { name: room.hostName, type: 'A', ttl, flush: true, data: address };
}

/** Everything, as sent in an announcement (RFC 6762 §8.3). */
export function announcement(room: AdvertisedRecords, address: string): Packet {
  return {
    type: 'response',
    answers: [ptrRecord(room), srvRecord(room), txtRecord(room), addressRecord(room, address)],
  };
}

/** TTL 0 for the room's own records, so every cache drops the room at once (RFC 6762 §10.1). */
export function goodbye(room: AdvertisedRecords): Packet {
  return { type: 'response', answers: [ptrRecord(room, 0), srvRecord(room, 0), txtRecord(room, 0)] };
}

/** The probe for a name (RFC 6762 §8.1): "does anyone have it?", with the records we would give it. */
export function probe(room: AdvertisedRecords): Packet {
  return {
    type: 'query',
    questions: [{ name: room.instance, type: ANY }],
    authorities: [srvRecord(room), txtRecord(room)],
  };
}

/**
 * The answers to a query's questions (undefined: none of them is ours). Known answers the asker already holds
 * with at least half their lifetime left are left out (RFC 6762 §7.1).
 */
export function answersFor(query: Packet, room: AdvertisedRecords, address: string): Packet | undefined {
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const add = (list: Answer[], record: Answer) => {
    if (![...answers, ...additionals].some((r) => r.type === record.type && sameName(r.name, record.name)))
      list.push(record);
  };
  for (const question of query.questions ?? []) {
    if (asks(question, SERVICE_TYPE, 'PTR') && !knows(query, ptrRecord(room))) {
      add(answers, ptrRecord(room));
      for (const extra of [srvRecord(room), txtRecord(room), addressRecord(room, address)]) add(additionals, extra);
    }
    if (asks(question, SERVICE_TYPE_LIST, 'PTR')) {
      add(answers, { name: SERVICE_TYPE_LIST, type: 'PTR', ttl: OTHER_RECORD_TTL, data: SERVICE_TYPE });
    }
    if (asks(question, room.instance, 'SRV')) {
      add(answers, srvRecord(room));
      add(additionals, addressRecord(room, address));
    }
    if (asks(question, room.instance, 'TXT')) add(answers, txtRecord(room));
    if (asks(question, room.hostName, 'A')) add(answers, addressRecord(room, address));
  }
  const moved = additionals.filter(
    (extra) => !answers.some((a) => a.type === extra.type && sameName(a.name, extra.name)),
  );
  return answers.length > 0 ? { type: 'response', answers, additionals: moved } : undefined;
}

/** DNS names compare without regard to ASCII case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function asks(question: Question, name: string, type: string): boolean {
  return sameName(question.name, name) && (question.type === type || question.type === ANY);
}

function knows(query: Packet, record: Answer): boolean {
  return ((query.answers ?? []) as WireRecord[]).some(
    (known) =>
      known.type === record.type &&
      sameName(known.name, record.name) &&
      typeof known.data === 'string' &&
      sameName(known.data, String((record as WireRecord).data)) &&
      (known.ttl ?? 0) >= ((record as WireRecord).ttl ?? 0) / 2,
  );
}
