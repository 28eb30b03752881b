// Connect…: one QuickPick listing the rooms heard on the network first (live while it is open), then recent
// addresses, then "Type an address…". Picking a room gives its host:port, exactly as typing it would; the
// room's advertisement comes along as a hint (its TLS fingerprint is never a substitute for the trust question).
import * as vscode from 'vscode';
import { parseAddress, RoomBrowser, type DiscoveredRoom } from '../../chat';
import { recentHosts } from './prompts';
import { acceptedPick, roomPickItems, type RoomPickItem } from './roomPickerItems';

/** How long the picker shows its busy bar while the first answers come in. */
const SEARCH_MS = 3000;

export interface ChosenAddress {
  host: string;
  port: number;
  /** Set when a discovered room was picked. */
  room?: DiscoveredRoom;
}

type Item = vscode.QuickPickItem & { pick: RoomPickItem };

function quickPickItem(item: RoomPickItem): Item {
  return item.separator
    ? { label: item.label, kind: vscode.QuickPickItemKind.Separator, pick: item }
    : {
        label: item.label,
        description: item.description,
        detail: item.detail,
        alwaysShow: item.alwaysShow,
        pick: item,
      };
}

/** A typed address that does not parse goes to `onError` (a notification) and counts as cancelled. */
export async function askRoom(
  state: vscode.Memento,
  defaultPort: number,
  onError: (problem: string) => void,
  options: { findRooms: boolean },
): Promise<ChosenAddress | undefined> {
  const recent = recentHosts(state);
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('TCP Chat: Connect');
  pick.placeholder = vscode.l10n.t(
    'Pick a room, or type host:port (e.g. 192.168.1.10:{0}; the port defaults to {0})',
    defaultPort,
  );
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  let rooms: DiscoveredRoom[] = [];
  const refresh = () => {
    const active = pick.activeItems[0]?.pick.address;
    pick.items = roomPickItems(rooms, recent, pick.value).map(quickPickItem);
    // A room appearing must not move the highlight away from what the user is on.
    const again = active ? pick.items.find((item) => item.pick.address === active) : undefined;
    if (again) pick.activeItems = [again];
  };
  refresh();
  pick.onDidChangeValue(refresh);
  const browser = options.findRooms ? new RoomBrowser() : undefined;
  if (browser) {
    browser.on('rooms', (heard) => {
      rooms = heard;
      refresh();
    });
    pick.busy = true;
    setTimeout(() => (pick.busy = false), SEARCH_MS).unref();
    void browser.start();
  }
  const chosen = await new Promise<RoomPickItem | string | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(acceptedPick(pick.selectedItems[0], pick.items, pick.value)));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  void browser?.stop();
  if (chosen === undefined) return undefined;
  const text = typeof chosen === 'string' ? chosen : (chosen.address ?? (await askAddress(defaultPort)));
  if (text === undefined || !text.trim()) return undefined;
  const parsed = parseAddress(text, defaultPort);
  if ('error' in parsed) {
    onError(parsed.error);
    return undefined;
  }
  return typeof chosen === 'object' && chosen.room ? { ...parsed, room: chosen.room } : parsed;
}

/** "Type an address…": a plain input box, checked as it is typed. */
function askAddress(defaultPort: number): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('TCP Chat: Connect to an address'),
    prompt: vscode.l10n.t('host:port (the port defaults to {0})', defaultPort),
    placeHolder: `192.168.1.10:${defaultPort}`,
    validateInput: (text) => {
      if (!text.trim()) return undefined;
      const parsed = parseAddress(text, defaultPort);
      return 'error' in parsed ? parsed.error : undefined;
    },
    ignoreFocusOut: true,
  });
}
