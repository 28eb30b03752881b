// The webview's UI text as part of the host↔webview contract (src/webviewApi.ts): every string the panel shows
// comes from the host, so the webview holds no English of its own.

/** The webview's UI text, built by the host with vscode.l10n.t (src/vscode/panel/webviewStrings.ts) and sent in
 *  the snapshot: the webview holds no English of its own. `{0}`, `{1}`… are placeholders the webview fills. */
export interface WebviewStrings extends FileStrings {
  chatTitle: string;
  chatLabel: string;
  rosterLabel: string;
  rosterNobodyYet: string;
  rosterQueueBanner: string;
  rosterChatting: string;
  rosterWaiting: string;
  rosterRoom: string;
  rosterSeat: string;
  rosterSeats: string;
  rosterNobodyWaiting: string;
  rosterConnection: string;
  rosterConnections: string;
  rosterPosition: string;
  rosterYou: string;
  actionMessage: string;
  actionAdmit: string;
  actionKick: string;
  actionBan: string;
  statusAway: string;
  statusAwayReason: string;
  statusPlain: string;
  statusEncrypted: string;
  statusNotEncrypted: string;
  chipTitle: string;
  headerServer: string;
  headerClient: string;
  headerAs: string;
  headerLan: string;
  headerNotConnected: string;
  headerStopServer: string;
  headerDisconnect: string;
  headerStartServer: string;
  headerConnect: string;
  headerOpenLogs: string;
  headerOpenLogsTitle: string;
  headerTopic: string;
  headerTopicLabel: string;
  headerEncrypted: string;
  headerNotEncrypted: string;
  headerFingerprint: string;
  listLabel: string;
  listLoadEarlier: string;
  /** The jump-to-latest button with one new message below; listNewer: with {0} of them. */
  listNewerOne: string;
  listNewer: string;
  listLatest: string;
  listEmpty: string;
  listEmptyNoChat: string;
  listRestored: string;
  dividerEarlier: string;
  dividerNew: string;
  rowPeerHost: string;
  rowPeerAddress: string;
  rowPlainText: string;
  rowPrivate: string;
  rowImageNotSaved: string;
  rowImagePixels: string;
  rowImageSizeUnknown: string;
  rowImageTooLarge: string;
  rowOpenImage: string;
  rowOpenImageTitle: string;
  rowImageAlt: string;
  announcerLabel: string;
  spokenMessage: string;
  spokenPrivate: string;
  spokenImage: string;
  composerLabel: string;
  composerPlaceholder: string;
  composerDropHint: string;
  composerSend: string;
  composerSendTitle: string;
  composerAttach: string;
  composerAttachTitle: string;
  composerRemoveImage: string;
  composerRemoveImageTitle: string;
  composerNotSent: string;
  composerPastedFile: string;
  composerNotReady: string;
  composerUnreadable: string;
  composerBlockedNotConnected: string;
  composerBlockedInLine: string;
  // Message bodies (code blocks, links) and search
  codeCopy: string;
  codeCopyTitle: string;
  codeCopied: string;
  codeCopyFailed: string;
  codeCopyUnavailable: string;
  codeOpen: string;
  codeOpenTitle: string;
  codeFileTitle: string;
  linkTitle: string;
  searchPlaceholder: string;
  searchLabel: string;
  searchOlder: string;
  searchOlderTitle: string;
  searchNewer: string;
  searchNewerTitle: string;
  searchClose: string;
  searchCloseTitle: string;
  searchNone: string;
  searchCount: string;
}
export type WebviewStringKey = keyof WebviewStrings;

/** The file cards' and progress lines' UI text (part of WebviewStrings). */
export interface FileStrings {
  fileCardLabel: string;
  fileAccept: string;
  fileSaveAs: string;
  fileSaveAsTitle: string;
  fileDecline: string;
  fileCancel: string;
  fileCancelName: string;
  fileOpen: string;
  fileOpenTitle: string;
  fileReveal: string;
  fileRevealTitle: string;
  fileOffered: string;
  fileNobodyYet: string;
  fileWaiting: string;
  fileSaved: string;
  fileSent: string;
  fileDeclined: string;
  fileCancelled: string;
  fileFailed: string;
  fileToPeer: string;
  fileProgressLabel: string;
  imageArriving: string;
  imageSending: string;
  spokenFile: string;
  fileTooLargeToDrop: string;
}
