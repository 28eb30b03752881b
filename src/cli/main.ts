// `tcp-chat serve` / `tcp-chat connect`: the engine without an editor. Every event is printed as one line (the
// same formatting as the plain-text adapter), every line typed on stdin goes through the same command parser
// as the panel, and the chat log is written by the same ChatSession the extension uses.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { ChatClient, ChatError, ChatServer, ChatSession, errorMessage, Transcript, type Notice } from '../chat';
import { parseCli, USAGE, UsageError, type ConnectCommand, type ServeCommand } from './args';
import { advertise, discover } from './discovery';
import { throttledRosterLines } from './rosterLines';
import { localNotice, print, printError, printMessage, printNotice, rosterLine, screen } from './output';
import { FileOffers } from './fileOffers';
import { progressPrinter } from './progressLines';
import { connectTls, encryptionLine, serveIdentity } from './tlsSetup';

/** Exit codes: 0 done, 1 could not connect/listen, 2 bad arguments. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function openTranscript(logDir: string | undefined, maxLogBytes: number | undefined): Transcript | undefined {
  if (logDir === undefined) return undefined;
  try {
    return Transcript.open(logDir, { maxLogBytes });
  } catch (error) {
    // No log is bad, no chat is worse: say so and go on.
    printNotice(localNotice('error', `${errorMessage(error)} — chatting without a log.`, 'log-failed'));
    return undefined;
  }
}

/**
 * Wires a session's events to stdout; roster lines only when the roster really changed, at most once a second;
 * a progress line per transfer; file offers numbered for /accept and /decline (the FileOffers returned).
 */
function printEvents(
  session: ChatSession,
  options: { printNotices: () => boolean; autoAcceptFiles?: boolean },
): FileOffers {
  const offers = new FileOffers(
    session,
    (level, text, code) => {
      const notice = localNotice(level, text, code);
      printNotice(notice);
      recordQuietly(session, notice);
    },
    options.autoAcceptFiles,
  );
  session.on('message', (message) => (message.file ? print(offers.line(message)) : printMessage(message)));
  const progress = progressPrinter(screen, (line) => print(line));
  session.on('transfer', (transfer) => {
    offers.transfer(transfer);
    progress(transfer);
  });
  session.on('notice', (notice) => {
    if (options.printNotices() || notice.level !== 'error') printNotice(notice);
  });
  const roster = throttledRosterLines((line) => printNotice(localNotice('system', line)));
  session.on('roster', (r) => roster(rosterLine(r)));
  return offers;
}

/** Acts on each stdin line in order (an /image read finishes before the next line is sent). */
async function readInput(session: ChatSession, offers: FileOffers, onQuit: () => Promise<void>): Promise<void> {
  for await (const line of typedLines()) {
    const parsed = await session.input(line);
    if (parsed.kind === 'quit') return onQuit();
    if (parsed.kind === 'image') await sendImageFile(session, parsed.path);
    // A file that cannot be offered (missing, too big, not admitted) is printed by the session as an error notice.
    if (parsed.kind === 'file') await session.send({ file: { path: parsed.path } }).catch(() => undefined);
    if (parsed.kind === 'accept' || parsed.kind === 'decline') offers.answer(parsed.kind, parsed.offer);
  }
}

/**
 * Stdin's lines. On a terminal readline keeps the line being typed, so the screen can put it back below each
 * line printed meanwhile (Ctrl+C still stops, Ctrl+D still ends the input); elsewhere they are read as they come.
 */
function typedLines(): AsyncIterable<string> {
  const terminal = process.stdin.isTTY === true && screen.terminal;
  const lines = createInterface({
    input: process.stdin,
    output: terminal ? process.stdout : undefined,
    terminal,
    crlfDelay: Infinity,
    prompt: '',
  });
  if (terminal) {
    screen.attachInput(lines);
    lines.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  }
  return lines;
}

async function sendImageFile(session: ChatSession, path: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : errorMessage(error);
    const notice = localNotice('error', `Cannot read ${path}: ${why}.`, 'image-read');
    printNotice(notice);
    recordQuietly(session, notice);
    return;
  }
  // A refused image (type, size, not admitted, plain-text server) is printed by the session as an error notice.
  await session.send({ image: bytes }).catch(() => undefined);
}

/** A line the CLI itself shows goes into the log too; a log failure here is reported by the session's next write. */
function recordQuietly(session: ChatSession, notice: Notice): void {
  try {
    session.transcript?.recordNotice(notice);
  } catch {
    // Already on screen; the session says so when the log fails again.
  }
}

/** SIGINT/SIGTERM: close cleanly, then exit 0. A second one (impatient Ctrl+C during a long flush) quits at once. */
function onSignals(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        printError('stopped without finishing.');
        process.exit(130);
      }
      stopping = true;
      void stop(signal).finally(() => process.exit(0));
    });
  }
}

async function serve(command: ServeCommand): Promise<number> {
  let identity: Awaited<ReturnType<typeof serveIdentity>>;
  try {
    identity = await serveIdentity(command.tls ?? {});
  } catch (error) {
    printError(errorMessage(error));
    return EXIT_FAILED;
  }
  if (identity.made)
    printNotice(
      localNotice('info', `Made the room's certificate in ${identity.made}; its fingerprint stays the same.`),
    );
  let server: ChatServer;
  try {
    server = new ChatServer({
      host: command.host,
      port: command.port,
      seats: command.seats,
      name: command.name,
      password: command.password,
      allow: command.allow,
      deny: command.deny,
      topic: command.topic,
      ...command.limits,
      tls: identity.tls,
      requireTls: command.tls?.requireTls === true,
    });
  } catch (error) {
    // Limits that each parse but do not fit together: the engine's sentence, like any other bad argument.
    if (!(error instanceof ChatError && error.code === 'bad-option')) throw error;
    printError(error.message, 'Run "tcp-chat --help" for usage.');
    return EXIT_USAGE;
  }
  const transcript = openTranscript(command.logDir, command.maxLogBytes);
  // With the host's controls, /admit, /kick, /ban and /topic typed on stdin act (ChatSession.input).
  const session = new ChatSession(server, { transcript, host: server });
  const offers = printEvents(session, { printNotices: () => true });
  try {
    await server.listen();
  } catch (error) {
    const message = errorMessage(error);
    recordQuietly(session, localNotice('error', message, (error as ChatError).code));
    await session.close();
    printError(message);
    return EXIT_FAILED;
  }
  if (session.transcript) printNotice(localNotice('info', `Chat log: ${session.transcript.logFile}`));
  const bound = server.address();
  const unadvertise =
    command.advertise && bound
      ? advertise(server, {
          listenHost: command.host,
          port: bound.port,
          name: command.name,
          password: !!command.password,
          fingerprint: server.fingerprint,
        })
      : undefined;
  const stop = async () => {
    await unadvertise?.(); // goodbye first, so lists drop the room at once
    await session.close('Server shutting down');
  };
  onSignals(stop);
  // The room keeps running after stdin ends (e.g. started with </dev/null); /quit stops it.
  void readInput(session, offers, async () => {
    await stop();
    process.exit(0);
  });
  return new Promise<number>(() => undefined);
}

async function connect(command: ConnectCommand): Promise<number> {
  const client = new ChatClient({
    host: command.host,
    port: command.port,
    name: command.name,
    password: command.password,
    reconnect: command.reconnect ? {} : false,
    tls: connectTls(command, (line) => printNotice(localNotice('info', line))),
  });
  const session = new ChatSession(client, {
    transcript: openTranscript(command.logDir, command.maxLogBytes),
    ...(command.acceptFiles ? { autoAcceptFiles: true } : {}),
  });
  let connected = false;
  // Until connected, a failure is reported once, on stderr (not also as a chat line).
  const offers = printEvents(session, { printNotices: () => connected, autoAcceptFiles: command.acceptFiles });
  try {
    await client.connect();
  } catch (error) {
    await session.close();
    let message = errorMessage(error);
    if (error instanceof ChatError && (error.code === 'password-required' || error.code === 'bad-password')) {
      message = `${message.replace(/\.$/, '')} (give it with --password P or the TCP_CHAT_PASSWORD environment variable).`;
    }
    printError(message);
    return EXIT_FAILED;
  }
  connected = true;
  printNotice(localNotice('info', encryptionLine(client.fingerprint, client.plainText)));
  if (session.transcript) printNotice(localNotice('info', `Chat log: ${session.transcript.logFile}`));
  let leaving: Promise<void> | undefined;
  const leave = () => {
    leaving ??= (async () => {
      await client.flushed();
      await session.close('Left the chat');
    })();
    return leaving;
  };
  onSignals(leave);
  let serverGone = false;
  const ended = new Promise<void>((resolve) =>
    session.on('state', (state) => {
      if (state !== 'closed' || leaving) return;
      serverGone = true;
      resolve();
    }),
  );
  // Whichever comes first: stdin ends (or /quit), or the server goes away for good (then exit 1).
  await Promise.race([readInput(session, offers, leave), ended]);
  await leave();
  return serverGone ? EXIT_FAILED : 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCli(argv, { password: process.env.TCP_CHAT_PASSWORD, userName: safeUserName() });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    printError(error.message, 'Run "tcp-chat --help" for usage.');
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    print(USAGE);
    return 0;
  }
  if (command.kind === 'discover') return discover(command.seconds);
  return command.kind === 'serve' ? serve(command) : connect(command);
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

// Stdout closed early (e.g. piped into `head`): stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    printError('unexpected error:', error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(EXIT_FAILED);
  },
);
