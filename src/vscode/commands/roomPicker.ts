// Connect…: one QuickPick listing what is typed ("Type an address…" until something is), the rooms heard on the
// network (live while it is open), then recent addresses. Picking a room gives its host:port, exactly as typing it would; the
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
  // The first item ("Type an address…", then what is typed) is one object for the picker's whole life; only its
  // fields follow the typing. VS Code reads items only when they are assigned, so the list is assigned again.
  let first: Item | undefined;
  const build = () => {
    const [typed, ...rest] = roomPickItems(rooms, recent, pick.value).map(quickPickItem);
    first = first ? Object.assign(first, typed) : typed;
    return [first, ...rest];
  };
  pick.items = build();
  // On opening, the highlight is on the first room or recent address (Enter reconnects); typing moves it to the top.
  const firstAddress = () => pick.items.find((item) => item.pick.address);
  const opening = firstAddress();
  if (opening) pick.activeItems = [opening];
  pick.onDidChangeValue(() => {
    const [typed] = build();
    pick.items = [typed, ...pick.items.slice(1)];
  });
  const browser = options.findRooms ? new RoomBrowser() : undefined;
  if (browser) {
    browser.on('rooms', (heard) => {
      rooms = heard;
      const active = pick.activeItems[0];
      pick.items = build();
      // A room appearing must not move the highlight away from what the user is on — except from the empty
      // "Type an address…" row of a picker that had nothing else to offer: then the first room heard takes it, as
      // it would have on opening (Enter joins it).
      const again = active?.pick.typed
        ? (pick.value.trim() === '' && firstAddress()) || first
        : pick.items.find((item) => active?.pick.address !== undefined && item.pick.address === active.pick.address);
      if (again) pick.activeItems = [again];
    });
    pick.busy = true;
    setTimeout(() => (pick.busy = false), SEARCH_MS).unref();
    void browser.start();
  }
  const chosen = await new Promise<RoomPickItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(acceptedPick(pick.selectedItems[0]?.pick, pick.value, rooms)));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  void browser?.stop();
  if (chosen === undefined) return undefined;
  const text = chosen.address ?? (await askAddress(defaultPort));
  if (text === undefined || !text.trim()) return undefined;
  const parsed = parseAddress(text, defaultPort);
  if ('error' in parsed) {
    onError(parsed.error);
    return undefined;
  }
  return chosen.room ? { ...parsed, room: chosen.room } : parsed;
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
