// The palette prompts: port, room mode (remembered), name, password; recent hosts for Connect… (roomPicker.ts).
// Each returns undefined when the user cancels (Escape), which the commands treat as "do nothing".
import * as vscode from 'vscode';
import { parsePort } from '../../chat';
import { osUserName, saveUserName } from '../settings/chatSettings';

const LAST_PORT = 'tcpChat.lastPort';
const LAST_SEATS = 'tcpChat.lastSeats';
const RECENT_HOSTS = 'tcpChat.recentHosts';
const RECENT_LIMIT = 10;

export async function askPort(state: vscode.Memento, fallback: number): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('TCP Chat: Start Server (1/3)'),
    prompt: vscode.l10n.t('Port to listen on'),
    value: String(state.get<number>(LAST_PORT) ?? fallback),
    validateInput: (text) => {
      const port = parsePort(text);
      return typeof port === 'number' ? undefined : port.error;
    },
    ignoreFocusOut: true,
  });
  if (value === undefined) return undefined;
  const port = parsePort(value);
  if (typeof port !== 'number') return undefined; // validateInput let nothing else through
  await state.update(LAST_PORT, port);
  return port;
}

interface ModeItem extends vscode.QuickPickItem {
  seats?: number;
}

/** Room (0 seats), one-to-one with a waiting queue (1 seat), or N seats; the last choice comes first. */
export async function askSeats(state: vscode.Memento, fallback: number): Promise<number | undefined> {
  const last = state.get<number>(LAST_SEATS) ?? fallback;
  const seatsDetail = vscode.l10n.t('N clients chat at once; the rest wait in line.');
  const items: ModeItem[] = [
    {
      label: vscode.l10n.t('Room (everyone chats)'),
      detail: vscode.l10n.t('Every client chats at once, like `ncat --chat`.'),
      seats: 0,
    },
    {
      label: vscode.l10n.t('One-to-one with waiting queue'),
      detail: vscode.l10n.t('One client chats with you; the others wait in line for their turn.'),
      seats: 1,
    },
    { label: vscode.l10n.t('A number of seats…'), detail: seatsDetail },
  ];
  if (last > 1) items.unshift({ label: vscode.l10n.t('{0} seats', last), detail: seatsDetail, seats: last });
  const lastIndex = items.findIndex((item) => item.seats === last);
  if (lastIndex > 0) items.unshift(...items.splice(lastIndex, 1));
  if (items[0].seats === last) items[0].description = vscode.l10n.t('last used');
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('TCP Chat: Start Server (2/3)'),
    placeHolder: vscode.l10n.t('Who may chat at once?'),
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  let seats = picked.seats;
  if (seats === undefined) {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('TCP Chat: number of seats'),
      prompt: vscode.l10n.t('How many clients may chat at once? The rest wait in line.'),
      value: String(last > 1 ? last : 2),
      validateInput: (t) =>
        /^\d{1,4}$/.test(t.trim()) && Number(t) >= 1 ? undefined : vscode.l10n.t('Type a whole number from 1 to 9999.'),
      ignoreFocusOut: true,
    });
    if (text === undefined) return undefined;
    seats = Number(text.trim());
  }
  await state.update(LAST_SEATS, seats);
  return seats;
}

/** The addresses connected to before, the latest first (Connect… lists them, roomPicker.ts). */
export function recentHosts(state: vscode.Memento): string[] {
  return state.get<string[]>(RECENT_HOSTS) ?? [];
}

export async function rememberHost(state: vscode.Memento, address: string): Promise<void> {
  const recent = (state.get<string[]>(RECENT_HOSTS) ?? []).filter((h) => h !== address);
  await state.update(RECENT_HOSTS, [address, ...recent].slice(0, RECENT_LIMIT));
}

/** The chat name: tcpChat.userName when set, else asked once (OS user name offered) and saved. */
export async function askName(current: string | undefined): Promise<string | undefined> {
  if (current) return current;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('TCP Chat: your name'),
    prompt: vscode.l10n.t('The name others see (saved in the tcpChat.userName setting)'),
    value: osUserName(),
    validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Type a name.')),
    ignoreFocusOut: true,
  });
  if (name === undefined) return undefined;
  await saveUserName(name.trim());
  return name.trim();
}

export async function askPassword(
  title: string,
  prompt: string,
  current: string | undefined,
): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, password: true, value: current ?? '', ignoreFocusOut: true });
}
