// Checks the JSON body of each frame type against docs/PROTOCOL.md §5: a body that passes has every field the
// engine reads, with the right type and within its length limit. Unknown fields are allowed (forward
// compatibility). A check returns why a body is wrong, so the decoder can say so in its ProtocolError.
import type { NoticeLevel } from '../core/events';
import { isImageMime } from '../core/images';
import { FrameType, MAX_AWAY_CHARS, MAX_NAME_FIELD_CHARS, MAX_ROSTER_PEERS, MAX_TOPIC_CHARS } from './frames';

/** Why a body is not valid for its frame type, or undefined when it is. */
type Validator = (body: unknown) => string | undefined;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 1 << 20): v is string => typeof v === 'string' && v.length <= max;
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isLevel = (v: unknown): v is NoticeLevel => v === 'info' || v === 'system' || v === 'error';
/** An optional boolean field: absent, true or false. */
const isFlag = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
function checkPeer(v: unknown): string | undefined {
  if (!isObj(v)) return 'peer is not an object';
  if (!isUint(v.id) || !isStr(v.name, 256) || !isStr(v.address, 256)) return 'peer needs id, name and address';
  if (v.kind !== 'host' && v.kind !== 'native' && v.kind !== 'plain') return 'peer kind is unknown';
  if (v.away !== undefined && !isStr(v.away, MAX_AWAY_CHARS)) return 'peer away must be text';
  if (v.encrypted !== undefined && typeof v.encrypted !== 'boolean') return 'peer encrypted must be true or false';
  return undefined;
}

const checkPeers = (v: unknown): string | undefined =>
  v === undefined ? 'expected a list of peers' : checkList(v, checkPeer, 'peers');

function checkCode(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v) || !isStr(v.language, 64)) return 'code needs a language';
  if (v.file !== undefined && !isStr(v.file, 1024)) return 'code file must be text';
  if (v.line !== undefined && !isUint(v.line)) return 'code line must be a number';
  return undefined;
}

function checkFileOffer(v: unknown): string | undefined {
  if (!isObj(v) || !isStr(v.name, MAX_NAME_FIELD_CHARS) || !isStr(v.mime, 256)) return 'file needs a name and a type';
  return Number.isSafeInteger(v.size) && (v.size as number) >= 0 ? undefined : 'file size must be a number';
}

/** FileAccept, FileOpen and FileCancel (the binary FileChunk and FileAck are checked in fileFrames.ts). */
const fileValidators: Partial<Record<FrameType, Validator>> = {
  [FrameType.FileAccept]: (b) => (!isObj(b) || !isUint(b.ref) ? 'needs ref' : undefined),
  [FrameType.FileOpen]: (b) =>
    !isObj(b) || !isUint(b.transfer) || !isUint(b.ref)
      ? 'needs transfer and ref'
      : b.to === undefined
        ? undefined
        : checkPeer(b.to),
  [FrameType.FileCancel]: (b) =>
    !isObj(b) || !isUint(b.transfer)
      ? 'needs transfer'
      : (b.reason !== undefined && !isStr(b.reason, 4096)) || !isFlag(b.failed)
        ? 'reason must be text and failed true or false'
        : undefined,
};

/** A list of at most MAX_ROSTER_PEERS entries (absent is fine), each passing `check`. */
function checkList(v: unknown, check: (entry: unknown) => string | undefined, what = 'entries'): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `expected a list of ${what}`;
  if (v.length > MAX_ROSTER_PEERS) return `a list of ${v.length} ${what} (the limit is ${MAX_ROSTER_PEERS})`;
  for (const entry of v) {
    const problem = check(entry);
    if (problem) return problem;
  }
  return undefined;
}

/** A place in the roster: `index` of the active list, or of the waiting queue with `waiting: true`. */
const checkPlace = (v: Obj): string | undefined =>
  !isUint(v.index) || !isFlag(v.waiting) ? 'needs an index (and waiting true or false)' : undefined;

function checkRosterDelta(b: unknown): string | undefined {
  if (!isObj(b)) return 'not an object';
  if ((b.seats !== undefined && !isUint(b.seats)) || (b.connections !== undefined && !isUint(b.connections)))
    return 'seats and connections must be numbers';
  if (b.topic !== undefined && !isStr(b.topic, MAX_TOPIC_CHARS)) return 'topic must be text';
  return (
    checkList(b.left, (id) => (isUint(id) ? undefined : 'left needs peer ids')) ??
    checkList(b.changed, (c) =>
      !isObj(c) || !isUint(c.id)
        ? 'changed needs peer ids'
        : (c.name !== undefined && !isStr(c.name, 256)) || (c.address !== undefined && !isStr(c.address, 256))
          ? 'changed name and address must be text'
          : (c.away !== undefined && c.away !== null && !isStr(c.away, MAX_AWAY_CHARS)) || !isFlag(c.encrypted)
            ? 'changed away must be text or null, encrypted true or false'
            : undefined,
    ) ??
    checkList(b.moved, (m) => (!isObj(m) || !isUint(m.id) ? 'moved needs peer ids' : checkPlace(m))) ??
    checkList(b.joined, (j) => (!isObj(j) ? 'joined needs peers' : (checkPeer(j.peer) ?? checkPlace(j))))
  );
}

const validators: Partial<Record<FrameType, Validator>> = {
  [FrameType.Challenge]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.v) || !isStr(b.room, 256) || !isStr(b.nonce, 256)
        ? 'needs v, room and nonce'
        : b.auth !== 'none' && b.auth !== 'hmac-sha256'
          ? 'unknown auth scheme'
          : !isUint(b.maxFrameBytes) || !isUint(b.maxImageBytes)
            ? 'needs limits'
            : !isFlag(b.acks) || !isFlag(b.files) || !isFlag(b.rosterDelta)
              ? 'acks, files and rosterDelta must be true or false'
              : undefined,
  [FrameType.Hello]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.v) || !isStr(b.name, MAX_NAME_FIELD_CHARS)
        ? 'needs v and name'
        : b.client !== undefined && !isStr(b.client, 256)
          ? 'client must be text'
          : b.proof !== undefined && !isStr(b.proof, 256)
            ? 'proof must be text'
            : !isFlag(b.acks) || !isFlag(b.files) || !isFlag(b.rosterDelta)
              ? 'acks, files and rosterDelta must be true or false'
              : (b.resume !== undefined && !isStr(b.resume, 256)) || (b.seen !== undefined && !isUint(b.seen))
                ? 'resume must be text and seen a number'
                : undefined,
  [FrameType.Welcome]: (b) =>
    !isObj(b)
      ? 'not an object'
      : (checkPeer(b.you) ??
        (!isStr(b.room, 256) || !isUint(b.seats)
          ? 'needs room and seats'
          : b.position !== null && !isUint(b.position)
            ? 'position must be a number or null'
            : b.topic !== undefined && !isStr(b.topic, MAX_TOPIC_CHARS)
              ? 'topic must be text'
              : (b.resume !== undefined && !isStr(b.resume, 256)) || !isFlag(b.resumed)
                ? 'resume must be text and resumed true or false'
                : undefined)),
  [FrameType.Error]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isStr(b.code, 64) || !isStr(b.message, 4096) || typeof b.fatal !== 'boolean'
        ? 'needs code, message and fatal'
        : undefined,
  [FrameType.Message]: (b) => {
    if (!isObj(b)) return 'not an object';
    if (!isUint(b.ref) || !isStr(b.text)) return 'needs ref and text';
    const codeProblem = checkCode(b.code);
    if (codeProblem) return codeProblem;
    if (b.image !== undefined) {
      if (!isObj(b.image) || !isUint(b.image.size) || b.image.size === 0) return 'image needs a size';
      if (!isImageMime(b.image.mime)) return 'image type is not supported';
    }
    if (b.to !== undefined && !isStr(b.to, 256) && checkPeer(b.to)) return 'to must be a name or a peer';
    if (b.from !== undefined && checkPeer(b.from)) return 'from must be a peer';
    if (b.at !== undefined && typeof b.at !== 'number') return 'at must be a time';
    if (b.action !== undefined && typeof b.action !== 'boolean') return 'action must be true or false';
    if (!isFlag(b.history)) return 'history must be true or false';
    return b.file === undefined ? undefined : checkFileOffer(b.file);
  },
  [FrameType.Notice]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isLevel(b.level) || !isStr(b.text, 65536)
        ? 'needs level and text'
        : b.code !== undefined && !isStr(b.code, 64)
          ? 'code must be text'
          : !isFlag(b.history)
            ? 'history must be true or false'
            : undefined,
  [FrameType.Roster]: (b) =>
    !isObj(b)
      ? 'not an object'
      : !isUint(b.seats) || !isUint(b.connections)
        ? 'needs seats and connections'
        : b.topic !== undefined && !isStr(b.topic, MAX_TOPIC_CHARS)
          ? 'topic must be text'
          : (checkPeers(b.active) ?? checkPeers(b.waiting)),
  [FrameType.RosterDelta]: checkRosterDelta,
  [FrameType.Queue]: (b) =>
    !isObj(b)
      ? 'not an object'
      : b.position !== null && !isUint(b.position)
        ? 'position must be a number or null'
        : undefined,
  [FrameType.Rename]: (b) => (!isObj(b) || !isStr(b.name, MAX_NAME_FIELD_CHARS) ? 'needs a name' : undefined),
  [FrameType.Bye]: (b) =>
    !isObj(b) || (b.reason !== undefined && !isStr(b.reason, 4096)) ? 'reason must be text' : undefined,
  [FrameType.Away]: (b) =>
    !isObj(b) || (b.reason !== null && !isStr(b.reason, MAX_NAME_FIELD_CHARS))
      ? 'reason must be text or null'
      : undefined,
  ...fileValidators,
};

/** The frame types whose body is JSON (the others are binary, or unknown to this version). */
export function hasJsonBody(type: number): type is FrameType {
  return validators[type as FrameType] !== undefined;
}

/** Why `body` is not a valid body for a JSON frame of `type`, or undefined when it is. */
export function checkBody(type: FrameType, body: unknown): string | undefined {
  return validators[type]?.(body);
}
