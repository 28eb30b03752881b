// The engine's public surface: the only engine module that src/vscode/, src/cli/ and bench/ import (lint enforces
// it). Tests may reach inside. Adding an export here is a decision about the engine's API, not a convenience.
export { ChatClient, type ChatClientOptions } from './client/chatClient';
export { ChatServer, type ServerOptions } from './server/chatServer';
export { MAX_CONNECTIONS_LIMIT, MAX_HISTORY, SERVER_DEFAULTS } from './server/options';
export { parseCidr } from './server/limits/accessList';
export {
  decimal as decimalLimit,
  mebibytes,
  ROOM_LIMITS,
  type RoomLimit,
  type RoomLimits,
} from './server/limits/roomLimits';
export { ChatSession, type HistoryEntry } from './session/chatSession';
export { DEFAULT_MAX_LOG_BYTES, Transcript } from './session/transcript';
export { advertiseEndpoint, type HostedRoom } from './discovery/advertiseEndpoint';
export { RoomAdvertiser, type AdvertiserOptions } from './discovery/advertiser';
export { RoomBrowser, type DiscoveredRoom } from './discovery/browser';
export { roomCounts, roomFlags } from './discovery/roomText';
export { describeRoom, type RoomDescription } from './discovery/txtRecord';
export { ChatError, errorMessage, type ErrorCode } from './core/errors';
export { type ChatMessage, type EndpointState, type Notice, type Peer, type Roster } from './core/events';
export {
  DEFAULT_MAX_FILE_BYTES,
  type FileOffer,
  type FileTarget,
  type OutgoingFile,
  type TransferProgress,
  type TransferState,
} from './core/files';
export { MAX_SAFE_NAME_BYTES, safeFileName } from './core/safeFileName';
export { FILES_FOLDER } from './session/fileTransfers';
export { offerLabel } from './files/fileOffer';
export {
  addressWithFingerprint,
  hostPort,
  parseAddress,
  parseFingerprint,
  parsePort,
  parseWholeNumber,
} from './core/address';
export { leadingName, parseInput } from './core/chatInput';
export { diagnose, setDiagnosticSink, type DiagnosticArea, type DiagnosticSink } from './core/diagnostics';
export { clock, escapeControl, formatLine, formatNotice } from './core/format';
export {
  checkImage,
  IMAGE_EXTENSIONS,
  IMAGE_FORMATS,
  IMAGE_LABEL_LIST,
  IMAGE_MIMES,
  type ImageMime,
} from './core/images';
export { readImageSize, type ImageSize } from './core/imageSize';
export { formatBytes, formatDuration } from './core/units';
// The native codec, for the benchmark's load driver (it speaks the protocol without a ChatClient).
export { encodeFrame } from './wire/codec';
export { FRAME_HEADER_BYTES, FrameType } from './wire/frames';
export { CLIENT_PREAMBLE, PROTOCOL_VERSION } from './wire/handshake';
// Encrypted rooms: the room's certificate, where it is kept, and the rooms a client trusts.
export { certificateFingerprint, createIdentity, type TlsIdentity } from './tls/certificate';
export { loadOrCreateIdentity, readIdentityFiles } from './tls/identityFiles';
export { KnownHosts, knownHostsFile, memoryKnownHosts, type KnownHostsStore } from './tls/knownHosts';
export { type ClientTlsOptions } from './tls/trust';
