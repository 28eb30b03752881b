// tcpChat.server.* settings → ServerOptions: the room's limits (the engine's ROOM_LIMITS table, the same one that
// makes `tcp-chat serve`'s flags, so a setting and its flag mean one thing), the allowed and denied address ranges
// and the topic. Pure (no 'vscode'): the settings are read through a function, so it is unit-tested in plain Node.
import { ChatError, parseCidr, ROOM_LIMITS, type RoomLimits, type ServerOptions } from '../../chat';
import { l10n } from '../panel/l10n';

export type ServerSettings = RoomLimits & Pick<ServerOptions, 'allow' | 'deny' | 'topic'>;

/** A setting's value by its key under tcpChat.server (undefined or null: not set). */
export type ReadSetting = (key: string) => unknown;

const PREFIX = 'tcpChat.server.';

/** Only the settings given; throws ChatError('bad-option') naming every one that is wrong, in one sentence each. */
export function parseServerSettings(read: ReadSetting): ServerSettings {
  const settings: ServerSettings = {};
  const problems: string[] = [];
  for (const limit of ROOM_LIMITS) {
    if (!limit.setting) continue;
    const value = read(limit.setting);
    if (value === undefined || value === null) continue;
    const name = PREFIX + limit.setting;
    const parsed =
      typeof value === 'number' || typeof value === 'string'
        ? limit.read(name, String(value))
        : { error: l10n.t('{0} must be a number, not {1}.', name, JSON.stringify(value)) };
    if (typeof parsed === 'number') Object.assign(settings, limit.set(parsed));
    else problems.push(parsed.error);
  }
  for (const key of ['allow', 'deny'] as const) {
    const ranges = addressRanges(key, read(key), problems);
    if (ranges.length > 0) settings[key] = ranges;
  }
  const topic = read('topic');
  if (typeof topic === 'string' && topic.trim() !== '') settings.topic = topic;
  else if (topic !== undefined && topic !== null && typeof topic !== 'string')
    problems.push(l10n.t('{0} must be text, not {1}.', `${PREFIX}topic`, JSON.stringify(topic)));
  if (problems.length > 0)
    throw new ChatError('bad-option', l10n.t('Fix the settings to start the server: {0}', problems.join(' ')));
  return settings;
}

/** A list of CIDR ranges (or single addresses); every entry that is not one is a problem, named. */
function addressRanges(key: 'allow' | 'deny', value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  const name = PREFIX + key;
  if (!Array.isArray(value)) {
    problems.push(
      l10n.t('{0} must be a list of address ranges such as ["192.168.1.0/24"], not {1}.', name, JSON.stringify(value)),
    );
    return [];
  }
  const ranges: string[] = [];
  for (const entry of value) {
    const parsed =
      typeof entry === 'string' ? parseCidr(entry) : { error: l10n.t('{0} is not text', JSON.stringify(entry)) };
    if ('error' in parsed) problems.push(`${name}: ${parsed.error.replace(/\.?$/, '.')}`);
    else ranges.push(entry.trim());
  }
  return ranges;
}
