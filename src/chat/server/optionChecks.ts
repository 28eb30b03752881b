// The range of every ChatServer setting, checked once its defaults are filled in (options.ts): the first one out of
// its range is a ChatError('bad-option') with a sentence a user can act on.
import { formatCount } from '../core/units';
import { ChatError } from '../core/errors';
import { checkCidrs } from './limits/accessList';
import type { ResolvedServerOptions } from './options';
import { MAX_IMAGE_CHUNK, MAX_ROSTER_PEERS } from '../wire/frames';

/** The most room messages history replays (each up to maxTextChars; the server keeps them in memory). */
export const MAX_HISTORY = 1000;

/** The host takes one roster entry; clients (active or waiting) the rest. */
export const MAX_CONNECTIONS_LIMIT = MAX_ROSTER_PEERS - 1;

/** Throws ChatError('bad-option') for the first setting found out of its range. */
export function checkServerOptions(resolved: ResolvedServerOptions): void {
  const wholeAtLeast = (key: keyof ResolvedServerOptions, min: number) => {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new ChatError('bad-option', `Server option ${key} must be a whole number ≥ ${min}, not ${String(value)}.`);
    }
  };
  wholeAtLeast('seats', 0);
  wholeAtLeast('maxImageBytes', 1);
  wholeAtLeast('handshakeTimeoutMs', 1);
  wholeAtLeast('heartbeatIntervalMs', 1);
  wholeAtLeast('maxPendingOutputBytes', 1);
  wholeAtLeast('maxConnections', 1);
  wholeAtLeast('plainPauseMs', 1);
  wholeAtLeast('maxTextChars', 1);
  wholeAtLeast('maxLineBytes', 64);
  wholeAtLeast('maxImagePixels', 1);
  // A frame must at least hold one full image chunk, or images could never be sent.
  wholeAtLeast('maxFrameBytes', 1 + 4 + MAX_IMAGE_CHUNK);
  if (resolved.imageBytesPerMinute !== false) {
    wholeAtLeast('imageBytesPerMinute', 1);
    if (resolved.imageBytesPerMinute < resolved.maxImageBytes) {
      throw new ChatError(
        'bad-option',
        `Server option imageBytesPerMinute (${resolved.imageBytesPerMinute}) must be at least maxImageBytes (${resolved.maxImageBytes}), or an image of the largest allowed size could never be sent (false turns the limit off).`,
      );
    }
  }
  if (resolved.minImageBytesPerSecond !== false) wholeAtLeast('minImageBytesPerSecond', 1);
  wholeAtLeast('imageRateGraceMs', 1);
  wholeAtLeast('maxHeldImageBytesPerAddress', 1);
  if (resolved.maxHeldImageBytesPerAddress < resolved.maxImageBytes) {
    throw new ChatError(
      'bad-option',
      `Server option maxHeldImageBytesPerAddress (${resolved.maxHeldImageBytesPerAddress}) must be at least maxImageBytes (${resolved.maxImageBytes}), or an image of the largest allowed size could never be sent.`,
    );
  }
  if (resolved.maxConnections > MAX_CONNECTIONS_LIMIT) {
    const limit = formatCount(MAX_CONNECTIONS_LIMIT);
    throw new ChatError(
      'bad-option',
      `Server option maxConnections can be at most ${limit} (clients read rosters of at most ${formatCount(MAX_ROSTER_PEERS)} people), not ${resolved.maxConnections}.`,
    );
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new ChatError('bad-option', `Port must be a whole number from 0 to 65535, not ${resolved.port}.`);
  }
  if (resolved.rateLimit && !(resolved.rateLimit.burst >= 1 && resolved.rateLimit.perSecond > 0)) {
    throw new ChatError('bad-option', 'Rate limit needs burst ≥ 1 and perSecond > 0 (or false to turn it off).');
  }
  checkAddressOptions(resolved);
  checkCidrs('allow', resolved.allow);
  checkCidrs('deny', resolved.deny);
  wholeAtLeast('history', 0);
  if (resolved.history > MAX_HISTORY)
    throw new ChatError('bad-option', `Server option history can be at most ${MAX_HISTORY}, not ${resolved.history}.`);
  wholeAtLeast('resumeGraceMs', 0);
  checkTlsOptions(resolved);
  wholeAtLeast('maxFileBytes', 1);
}

// ---- limits per IP address, join/leave lines, quiet plain-text members

function checkAddressOptions(o: ResolvedServerOptions): void {
  const bad = (sentence: string) => new ChatError('bad-option', `Server option ${sentence}`);
  const whole = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min;
  if (!whole(o.connectionsPerAddress, 1))
    throw bad(`connectionsPerAddress must be a whole number ≥ 1, not ${String(o.connectionsPerAddress)}.`);
  for (const key of ['connectRate', 'addressRateLimit'] as const) {
    const limit = o[key];
    if (limit && !(whole(limit.burst, 1) && limit.perSecond > 0 && Number.isFinite(limit.perSecond)))
      throw bad(`${key} needs a whole burst ≥ 1 and perSecond > 0 (or false to turn it off).`);
  }
  const backoff = o.passwordBackoff;
  if (backoff && !(whole(backoff.firstMs, 1) && whole(backoff.maxMs, backoff.firstMs)))
    throw bad('passwordBackoff needs whole numbers firstMs ≥ 1 and maxMs ≥ firstMs (or false to turn it off).');
  const lines = o.joinLeaveNotices;
  if (!(whole(lines.perInterval, 1) && whole(lines.intervalMs, 1)))
    throw bad('joinLeaveNotices needs whole numbers perInterval ≥ 1 and intervalMs ≥ 1.');
  if (o.idlePlainDisplaceMs !== false && !whole(o.idlePlainDisplaceMs, 0))
    throw bad(`idlePlainDisplaceMs must be a whole number ≥ 0 or false, not ${String(o.idlePlainDisplaceMs)}.`);
}

// ---- encrypted rooms

function checkTlsOptions(o: ResolvedServerOptions): void {
  if (o.tls && !(typeof o.tls.certPem === 'string' && typeof o.tls.keyPem === 'string'))
    throw new ChatError('bad-option', 'Server option tls needs certPem and keyPem (PEM text), or false.');
  if (o.requireTls && !o.tls)
    throw new ChatError('bad-option', 'Server option requireTls needs tls (a certificate and key) to be set.');
}
