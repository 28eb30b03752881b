// The palette commands. Each one runs through `guarded`, so a user mistake or a network failure becomes an
// error notification plus a red panel line — a command never throws to its caller. Test arguments skip prompts:
//   tcpChat.startServer({ port?, host?, seats?, name?, password? })
//   tcpChat.connect({ host, port, name?, password?, fingerprint? }) (a new room's certificate is trusted unasked)
//   tcpChat.sendImage(uri?)   tcpChat.kick(peerId?)   tcpChat.ban(peerId?)   tcpChat.admitNext(peerId?)
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  addressWithFingerprint,
  advertiseEndpoint,
  ChatClient,
  ChatError,
  ChatServer,
  ChatSession,
  errorMessage,
  hostPort,
  parseAddress,
  Transcript,
} from '../../chat';
import { askTrust, forgetTrustedRoom, roomIdentity } from '../encryption/roomEncryption';
import { clientTls, knownHostsIn } from '../encryption/trustedRooms';
import type { ChatController } from '../chatController';
import { plainNotificationText } from '../alerts/notifications';
import { lanAddresses } from '../panel/viewModel';
import {
  logLocation,
  osUserName,
  Passwords,
  readServerSettings,
  readSettings,
  type ChatSettings,
} from '../settings/chatSettings';
import { registerHostCommands } from './hostCommands';
import { registerMessageCommands } from './messageCommands';
import { askName, askPassword, askPort, askSeats, rememberHost } from './prompts';
import { askRoom } from './roomPicker';

export interface StartServerArgs {
  port?: number;
  host?: string;
  seats?: number;
  name?: string;
  password?: string;
}
export interface ConnectArgs {
  host: string;
  port: number;
  name?: string;
  password?: string;
  /** Only a room presenting this certificate is accepted (`AB:CD:…`). */
  fingerprint?: string;
}

/** Runs a command body; anything it throws is shown (notification + panel line), never rethrown. */
export function guarded<A extends unknown[]>(
  controller: ChatController,
  body: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      controller.reportError(errorMessage(error), error instanceof ChatError ? error.code : undefined);
    }
  };
}

export function registerCommands(context: vscode.ExtensionContext, controller: ChatController): void {
  const passwords = new Passwords(context.secrets);
  const state = context.globalState;
  const register = <A extends unknown[]>(id: string, body: (...args: A) => Promise<void>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded(controller, body)));

  /** One role per window: asks (modal) before stopping the running session. Automation (args) skips asking.
   *  `connectTo`: the address about to be joined; undefined when a server is about to start. */
  async function freeTheWindow(connectTo: string | undefined, ask: boolean): Promise<boolean> {
    const info = controller.info;
    if (!info) return true;
    if (ask) {
      const hosting = info.role === 'server';
      const action = hosting ? vscode.l10n.t('Stop Server') : vscode.l10n.t('Disconnect');
      // Whole sentences, one per case, so a translation never stitches fragments together.
      const question =
        connectTo === undefined
          ? hosting
            ? vscode.l10n.t('You are hosting a chat on {0}. Stop Server and start a server?', info.address)
            : vscode.l10n.t('You are connected to {0}. Disconnect and start a server?', info.address)
          : hosting
            ? vscode.l10n.t('You are hosting a chat on {0}. Stop Server and connect to {1}?', info.address, connectTo)
            : vscode.l10n.t('You are connected to {0}. Disconnect and connect to {1}?', info.address, connectTo);
      const choice = await vscode.window.showWarningMessage(plainNotificationText(question), { modal: true }, action);
      if (choice !== action) return false;
    }
    await controller.stop(info.role === 'server' ? 'The host stopped the server.' : 'left');
    return true;
  }

  /** The log for a new session; if it cannot be created the chat still runs and the panel says why. */
  function openTranscript(): { transcript?: Transcript; problem?: string } {
    try {
      return { transcript: Transcript.open(logLocation(context).dir, { maxLogBytes: readSettings().maxLogBytes }) };
    } catch (error) {
      return { problem: vscode.l10n.t('Chat log not saved: {0}', errorMessage(error)) };
    }
  }

  /** Shows a failure once: the session may already have put it in the panel as an error notice. */
  function reportFailure(session: ChatSession, error: unknown): void {
    const text = errorMessage(error);
    if (controller.alreadyShown(session, text)) controller.toastError(text);
    else controller.reportError(text, error instanceof ChatError ? error.code : undefined);
  }

  register('tcpChat.startServer', async (args?: StartServerArgs) => {
    const settings = readSettings();
    const limits = readServerSettings(); // a bad limit or address range: one clear error, nothing stopped
    const auto = typeof args === 'object' && args !== null;
    let port: number | undefined;
    let seats: number | undefined;
    let name: string | undefined;
    let password: string | undefined;
    const host = (auto && args.host) || settings.serverHost;
    if (auto) {
      port = args.port ?? settings.serverPort;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new ChatError('bad-port', vscode.l10n.t('Port {0} is not a valid TCP port (1–65535).', String(port)));
      seats = args.seats ?? settings.serverSeats;
      if (!Number.isInteger(seats) || seats < 0)
        throw new ChatError('bad-seats', vscode.l10n.t('Seats must be a whole number ≥ 0 (got {0}).', String(seats)));
      name = args.name ?? settings.userName ?? osUserName();
      password = args.password;
    } else {
      port = await askPort(state, settings.serverPort);
      if (port === undefined) return;
      seats = await askSeats(state, settings.serverSeats);
      if (seats === undefined) return;
      name = await askName(settings.userName);
      if (name === undefined) return;
      const saved = await passwords.get('server');
      password = await askPassword(
        vscode.l10n.t('TCP Chat: Start Server (3/3)'),
        vscode.l10n.t('Room password (optional): leave empty for an open room. Kept in VS Code’s secret storage.'),
        saved,
      );
      if (password === undefined) return;
      await passwords.set('server', password || undefined);
    }
    if (!(await freeTheWindow(undefined, !auto))) return;

    const identity = await roomIdentity(context);
    const { transcript, problem } = openTranscript();
    const server = new ChatServer({
      host,
      port,
      seats,
      name,
      password: password || undefined,
      maxImageBytes: settings.maxImageBytes,
      ...limits, // the room's own file limit is tcpChat.server.maxFileMb, one of these
      tls: identity,
      requireTls: settings.requireTls,
    });
    // With the host's controls, /topic, /admit, /kick and /ban typed in the composer act.
    const session = new ChatSession(server, { transcript, host: server, ...fileAnswers(settings) });
    const fingerprint = () => server.fingerprint;
    const address = hostPort(host, port);
    controller.attach({ role: 'server', session, address, port, lanAddresses: [], host: server, fingerprint });
    controller.showPanel(true);
    if (problem) controller.reportError(problem, 'log-failed');
    try {
      const bound = await server.listen();
      if (settings.advertise)
        advertiseEndpoint(server, {
          listenHost: host,
          port: bound.port,
          name,
          password: !!password,
          fingerprint: server.fingerprint,
        });
      const lan = lanAddresses(host, bound.port, os.networkInterfaces());
      controller.update({ address: hostPort(host, bound.port), port: bound.port, lanAddresses: lan });
      const copy = vscode.l10n.t('Copy Address');
      // The address handed out carries the fingerprint: whoever connects with it needs no Trust question.
      const first = parseAddress(lan[0], bound.port);
      const shared = 'error' in first ? lan[0] : addressWithFingerprint(first.host, first.port, fingerprint() ?? '');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'TCP Chat server on port {0}, encrypted (certificate fingerprint {1}). Others connect to: {2}',
            bound.port,
            server.fingerprint ?? '',
            lan.join(', '),
          ),
          copy,
        )
        .then((choice) => (choice === copy ? vscode.env.clipboard.writeText(shared) : undefined));
    } catch (error) {
      await session.close().catch(() => undefined);
      controller.markStopped();
      reportFailure(session, error);
    }
  });

  register('tcpChat.connect', async (args?: ConnectArgs) => {
    const settings = readSettings();
    const auto = typeof args === 'object' && args !== null;
    // `fingerprint` pins (an address that carries one); `announced` is only a hint shown in the Trust question.
    let target: { host: string; port: number; fingerprint?: string; announced?: string } | undefined;
    let name: string | undefined;
    if (auto) {
      if (
        typeof args.host !== 'string' ||
        !args.host ||
        !Number.isInteger(args.port) ||
        args.port < 1 ||
        args.port > 65535
      ) {
        throw new ChatError(
          'bad-address',
          vscode.l10n.t(
            'Cannot connect to “{0}:{1}”: give a host and a port from 1 to 65535.',
            String(args.host),
            String(args.port),
          ),
        );
      }
      target = { host: args.host, port: args.port, fingerprint: args.fingerprint };
      name = args.name ?? settings.userName ?? osUserName();
    } else {
      const chosen = await askRoom(
        state,
        settings.serverPort,
        (problem) => controller.toastAndLogError(problem),
        settings,
      );
      if (!chosen) return;
      target = { host: chosen.host, port: chosen.port, announced: chosen.room?.fingerprint };
      name = await askName(settings.userName);
      if (name === undefined) return;
    }
    const address = hostPort(target.host, target.port);
    let password = auto && args.password !== undefined ? args.password : await passwords.get(address);
    if (!(await freeTheWindow(address, !auto))) return;

    // At most one retry, after asking for the password the server wants.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { transcript, problem } = openTranscript();
      const client = new ChatClient({
        host: target.host,
        port: target.port,
        name,
        password,
        reconnect: {},
        maxImageBytes: settings.maxImageBytes,
        ...fileLimit(settings),
        tls: clientTls(knownHostsIn(state), target.fingerprint, auto ? undefined : askTrust(target.announced), (line) =>
          controller.log.info(line),
        ),
      });
      const session = new ChatSession(client, { transcript, ...fileAnswers(settings) });
      controller.attach({
        role: 'client',
        session,
        address,
        port: target.port,
        lanAddresses: [],
        queuePosition: () => client.queuePosition,
        fingerprint: () => client.fingerprint,
      });
      controller.showPanel(true);
      if (problem) controller.reportError(problem, 'log-failed');
      try {
        await client.connect();
        if (!auto) await rememberHost(state, address);
        return;
      } catch (error) {
        await session.close().catch(() => undefined);
        controller.markStopped();
        const code = error instanceof ChatError ? error.code : '';
        if (!auto && attempt === 0 && (code === 'bad-password' || code === 'password-required')) {
          const typed = await askPassword(
            vscode.l10n.t('TCP Chat: password for {0}', address),
            code === 'bad-password'
              ? vscode.l10n.t('Wrong password — try again (kept in VS Code’s secret storage).')
              : vscode.l10n.t('This room needs a password (kept in VS Code’s secret storage).'),
            undefined,
          );
          if (typed) {
            password = typed;
            await passwords.set(address, typed);
            continue;
          }
        }
        reportFailure(session, error);
        return;
      }
    }
  });

  register('tcpChat.disconnect', async () => {
    const info = controller.info;
    if (info?.role !== 'client') {
      void vscode.window.showInformationMessage(
        info
          ? vscode.l10n.t('You are hosting, not connected: use “TCP Chat: Stop Server”.')
          : vscode.l10n.t('TCP Chat is not connected.'),
      );
      return;
    }
    await controller.stop('left');
  });

  register('tcpChat.stopServer', async () => {
    const info = controller.info;
    if (info?.role !== 'server') {
      void vscode.window.showInformationMessage(
        info
          ? vscode.l10n.t('You are connected to a server, not hosting: use “TCP Chat: Disconnect”.')
          : vscode.l10n.t('No TCP Chat server is running.'),
      );
      return;
    }
    await controller.stop('The host stopped the server.');
  });

  register('tcpChat.showPanel', async () => controller.showPanel());
  register('tcpChat.forgetTrustedRoom', async (where?: string) =>
    forgetTrustedRoom(knownHostsIn(state), typeof where === 'string' ? where : undefined),
  );

  registerHostCommands(controller, register);
  registerMessageCommands(context, controller, register);
}

/** tcpChat.files.maxFileMb for the client's maxFileBytes (what I offer or accept in a room I join). */
function fileLimit(settings: ChatSettings): { maxFileBytes: number } {
  return { maxFileBytes: settings.maxFileBytes };
}

/** tcpChat.files.autoAccept for the session's autoAcceptFiles. */
function fileAnswers(settings: ChatSettings): { autoAcceptFiles: boolean } {
  return { autoAcceptFiles: settings.autoAcceptFiles };
}
