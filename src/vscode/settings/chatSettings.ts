// Typed access to the tcpChat.* settings (contributes.configuration) and the room passwords in SecretStorage.
// Passwords are never written to settings.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MAX_FILE_BYTES } from '../../chat';
import { parseServerSettings, type ServerSettings } from './serverSettings';

export type NotificationMode = 'off' | 'mentions' | 'all';

export interface ChatSettings {
  /** Explicitly set user name, or undefined when the user never chose one. */
  userName: string | undefined;
  serverHost: string;
  serverPort: number;
  serverSeats: number;
  maxImageBytes: number;
  notifications: NotificationMode;
  /** tcpChat.logMaxSizeMB: the most one session's chat log grows to. */
  maxLogBytes: number;
  /** tcpChat.server.advertise: announce a hosted room on the network. */
  advertise: boolean;
  /** tcpChat.connect.findRooms: Connect… lists the rooms heard on the network. */
  findRooms: boolean;
  /** tcpChat.server.requireTls: hosted rooms turn away unencrypted peers. */
  requireTls: boolean;
  /** tcpChat.files.maxFileMb: the largest file offered or accepted in a room we join. */
  maxFileBytes: number;
  /** tcpChat.files.autoAccept: every file offered is accepted into the log folder's files area. */
  autoAcceptFiles: boolean;
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('tcpChat');
}

export function readSettings(): ChatSettings {
  const config = section();
  const name = config.get<string>('userName', '').trim();
  const mb = config.get<number>('maxImageSizeMB', 25);
  return {
    userName: name || undefined,
    serverHost: config.get<string>('server.host', '0.0.0.0').trim() || '0.0.0.0',
    serverPort: clampInt(config.get<number>('server.port', 65432), 1, 65535, 65432),
    serverSeats: clampInt(config.get<number>('server.seats', 0), 0, 10_000, 0),
    maxImageBytes: Math.round((Number.isFinite(mb) && mb > 0 ? Math.min(mb, 200) : 25) * 1024 * 1024),
    notifications: config.get<NotificationMode>('notifications', 'mentions'),
    maxLogBytes: Math.round(clampInt(config.get<number>('logMaxSizeMB', 100), 1, 100_000, 100) * 1024 * 1024),
    advertise: config.get<boolean>('server.advertise', true) !== false,
    findRooms: config.get<boolean>('connect.findRooms', true) !== false,
    requireTls: config.get<boolean>('server.requireTls', false) === true,
    ...fileSettings(config),
  };
}

function fileSettings(config: vscode.WorkspaceConfiguration): Pick<ChatSettings, 'maxFileBytes' | 'autoAcceptFiles'> {
  const defaultMb = DEFAULT_MAX_FILE_BYTES / (1024 * 1024);
  const mb = config.get<number>('files.maxFileMb', defaultMb);
  return {
    maxFileBytes: Math.round((Number.isFinite(mb) && mb > 0 ? Math.min(mb, 64 * 1024) : defaultMb) * 1024 * 1024),
    autoAcceptFiles: config.get<boolean>('files.autoAccept', false) === true,
  };
}

/**
 * The room's limits, address ranges and topic (tcpChat.server.*) as ServerOptions; throws ChatError('bad-option')
 * naming each setting that is wrong (checked when a server starts).
 */
export function readServerSettings(): ServerSettings {
  const config = section();
  return parseServerSettings((key) => config.get(`server.${key}`));
}

function clampInt(value: number, min: number, max: number, fallback: number): number {
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/** The OS user name, the default chat name when tcpChat.userName is empty. */
export function osUserName(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}

export async function saveUserName(name: string): Promise<void> {
  await section().update('userName', name, vscode.ConfigurationTarget.Global);
}

export interface LogLocation {
  dir: string;
  /** Set when logs cannot go to the workspace (no folder open): the panel says where they go instead. */
  note?: string;
}

/** tcpChat.logDirectory, relative to the first workspace folder; with no folder open, the global storage. */
export function logLocation(context: vscode.ExtensionContext): LogLocation {
  const configured = section().get<string>('logDirectory', 'chat_logs').trim() || 'chat_logs';
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (path.isAbsolute(configured)) return { dir: configured };
  if (folder && folder.uri.scheme === 'file') return { dir: path.join(folder.uri.fsPath, configured) };
  const dir = path.join(context.globalStorageUri.fsPath, configured);
  return { dir, note: vscode.l10n.t('No folder is open, so chat logs are saved in {0}', dir) };
}

/** Room passwords live in SecretStorage: one for the room we host, one per server we connect to. */
export class Passwords {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(target: 'server' | string): string {
    return target === 'server' ? 'tcpChat.password.server' : `tcpChat.password.client:${target}`;
  }

  get(target: 'server' | string): Thenable<string | undefined> {
    return this.secrets.get(this.key(target));
  }

  async set(target: 'server' | string, password: string | undefined): Promise<void> {
    if (password) await this.secrets.store(this.key(target), password);
    else await this.secrets.delete(this.key(target));
  }
}
