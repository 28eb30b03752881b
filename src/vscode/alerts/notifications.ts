// Text for VS Code notifications. Their renderer turns `[label](command:…)` / `(https:…)` / `(file:…)` into
// clickable links, so a peer or a server could plant a command link in a toast. Pure (no 'vscode') so it is
// unit-tested in plain Node.

/** Longest text a toast shows: a notification is a heads-up, the panel has the full line. */
export const NOTIFICATION_CHARS = 300;

/** Makes peer/server/error text safe for showInformationMessage & co: square brackets become fullwidth
 *  look-alikes (no `[label](target)` link can form), and long text is cut with an ellipsis. */
export function plainNotificationText(text: string): string {
  const flat = text.replace(/\[/g, '［').replace(/\]/g, '］');
  const chars = [...flat];
  return chars.length > NOTIFICATION_CHARS ? `${chars.slice(0, NOTIFICATION_CHARS - 1).join('')}…` : flat;
}
