// The composer: multi-line text (Enter sends, Shift+Enter new line), attach / paste / drop an image (any other
// file is offered to the room at once),
// a removable preview of the pending image (✕ or Escape removes it). Slash commands (/msg, /name, /who) go to the host as typed.
import { WEBVIEW_LIMITS, type AcceptedImagesView, type ImagePayload, type WebviewToHost } from '../../src/webviewApi';
import { button, setDisabled } from '../ui';
import { t } from '../strings';
import { el } from './dom';
import { withPrefix } from './draftText';

type Post = (message: WebviewToHost) => void;

interface Pending {
  name: string;
  mime: string;
  blob: Blob;
  url: string;
  /** Known when the host read the file (it formats sizes); a pasted or dropped file shows its name only. */
  sizeText?: string;
}

/** base64 of a Blob without the data: prefix (FileReader is native and fast, unlike btoa loops). */
function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(t('composerNotSent')));
    reader.readAsDataURL(blob);
  });
}

function base64ToBlob(base64: string, mime: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

export class Composer {
  readonly textarea = el('textarea', 'composer-input');
  private readonly preview = el('div', 'pending');
  private readonly hint = el('div', 'drop-hint');
  private readonly sendButton: HTMLElement;
  private readonly sendError = el('div', 'send-error');
  private pending: Pending | undefined;
  /** The send the host has not answered yet: the text and image stay in the composer until it says ok. */
  private inFlight: { ref: number; text: string; pending: Pending | undefined } | undefined;
  private nextRef = 1;
  /** Why sending is impossible right now (waiting in line, not connected); null when it is possible. */
  private blocked: string | null = null;
  /** What the host says the chat can send; undefined until its first snapshot. */
  private acceptedImages: AcceptedImagesView | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly post: Post,
    private readonly onDraft: (draft: string) => void,
  ) {
    this.textarea.dataset.testid = 'composer';
    this.textarea.rows = 3;
    this.textarea.setAttribute('aria-label', t('composerLabel'));
    this.hint.dataset.testid = 'drop-hint';
    this.hint.textContent = t('composerDropHint');
    this.preview.hidden = true;
    this.sendError.dataset.testid = 'send-error';
    this.sendError.setAttribute('role', 'alert');
    this.sendError.hidden = true;
    this.sendButton = button(t('composerSend'), () => void this.send(), {
      testid: 'send',
      title: t('composerSendTitle'),
    });
    this.setBlocked(null); // needs the Send button
    const attach = button(t('composerAttach'), () => this.post({ type: 'pickImage' }), {
      appearance: 'secondary',
      testid: 'attach',
      title: t('composerAttachTitle'),
    });
    const row = el('div', 'composer-row');
    const buttons = el('div', 'composer-buttons');
    buttons.append(this.sendButton, attach);
    row.append(this.textarea, buttons);
    root.append(this.preview, row, this.sendError, this.hint);

    this.textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      } else if (event.key === 'Escape' && this.pending && !event.isComposing) {
        event.preventDefault(); // Escape drops the image about to be sent; the text stays
        this.setPending(undefined);
      }
    });
    this.textarea.addEventListener('input', () => {
      this.onDraft(this.textarea.value);
      this.showError(undefined);
    });
    this.textarea.addEventListener('paste', (event) => {
      const file = [...(event.clipboardData?.files ?? [])][0];
      if (file) {
        event.preventDefault();
        this.attachFile(file);
      }
    });
    this.listenForDrops(document.body);
  }

  /** Says why sending would fail right now (waiting in line, not connected) and disables Send; null = can send. */
  setBlocked(reason: string | null): void {
    this.blocked = reason;
    this.textarea.placeholder = reason ?? t('composerPlaceholder');
    this.refreshSendButton();
  }

  /** The host's answer to a send: ok clears what was sent (unless the user already changed it); a refusal
   *  keeps the text and image and shows why. */
  onSendResult(ref: number, ok: boolean, error: string | undefined): void {
    const sent = this.inFlight;
    if (!sent || sent.ref !== ref) return;
    this.inFlight = undefined;
    if (ok) {
      if (this.textarea.value === sent.text) {
        this.textarea.value = '';
        this.onDraft('');
      }
      if (this.pending === sent.pending) this.setPending(undefined);
      this.showError(undefined);
    } else {
      this.showError(error ?? t('composerNotSent'));
    }
    this.refreshSendButton();
  }

  private showError(text: string | undefined): void {
    this.sendError.textContent = text ?? '';
    this.sendError.hidden = !text;
  }

  private refreshSendButton(): void {
    setDisabled(this.sendButton, this.inFlight !== undefined || this.blocked !== null);
  }

  setDraft(text: string): void {
    this.textarea.value = text;
  }

  /** Starts the draft with `prefix` (the roster's "Message privately": `/msg name `), replacing a /msg recipient
   *  already there and keeping the rest; focus goes to the end of the text. */
  prefill(prefix: string): void {
    this.textarea.value = withPrefix(this.textarea.value, prefix);
    this.onDraft(this.textarea.value);
    this.textarea.focus();
    this.textarea.setSelectionRange(this.textarea.value.length, this.textarea.value.length);
  }

  /** An image chosen with the host's file picker (or dropped from the Explorer). */
  attachFromHost(name: string, mime: string, sizeText: string, base64: string): void {
    this.setPending({ name, mime, blob: base64ToBlob(base64, mime), sizeText });
  }

  /** The image formats the host accepts (from its snapshot). */
  setAcceptedImages(accepted: AcceptedImagesView): void {
    this.acceptedImages = accepted;
  }

  /** An image is previewed until Send; any other file is offered at once (the host keeps its bytes in a
   *  temporary file and the room sees a file card). */
  attachFile(file: File): void {
    const accepted = this.acceptedImages;
    const name = file.name || t('composerPastedFile');
    if (!accepted) return this.post({ type: 'error', text: t('composerNotReady', name) });
    if (!accepted.mimes.includes(file.type)) return void this.offerFile(file, name);
    this.setPending({ name: file.name || 'pasted-image', mime: file.type, blob: file });
  }

  private async offerFile(file: File, name: string): Promise<void> {
    if (Math.ceil(file.size / 3) * 4 > WEBVIEW_LIMITS.fileBase64Chars)
      return this.post({ type: 'error', text: t('fileTooLargeToDrop', name) });
    try {
      const base64 = await blobToBase64(file);
      this.post({ type: 'offerDroppedFile', name, mime: file.type || 'application/octet-stream', base64 });
    } catch (error) {
      this.post({ type: 'error', text: t('composerUnreadable', String(error)) });
    }
  }

  private setPending(next: Omit<Pending, 'url'> | undefined): void {
    if (this.pending) URL.revokeObjectURL(this.pending.url);
    this.pending = next && { ...next, url: URL.createObjectURL(next.blob) };
    if (!this.pending) {
      this.preview.hidden = true;
      this.preview.replaceChildren();
      return;
    }
    const img = el('img', 'pending-thumb');
    img.src = this.pending.url;
    img.alt = this.pending.name;
    img.dataset.testid = 'pending-image';
    const label = el(
      'span',
      'pending-label',
      this.pending.sizeText ? `${this.pending.name} · ${this.pending.sizeText}` : this.pending.name,
    );
    const remove = button('✕', () => this.setPending(undefined), {
      appearance: 'icon',
      testid: 'remove-image',
      title: t('composerRemoveImageTitle'),
      name: t('composerRemoveImage'),
    });
    this.preview.replaceChildren(img, label, remove);
    this.preview.hidden = false;
    this.textarea.focus();
  }

  private async send(): Promise<void> {
    if (this.inFlight || this.blocked !== null) return;
    const text = this.textarea.value;
    const pending = this.pending;
    if (!text.trim() && !pending) return;
    const ref = this.nextRef++;
    this.inFlight = { ref, text, pending };
    this.refreshSendButton();
    try {
      let image: ImagePayload | undefined;
      if (pending) image = { name: pending.name, mime: pending.mime, base64: await blobToBase64(pending.blob) };
      this.post({ type: 'send', ref, text, image });
    } catch (error) {
      this.inFlight = undefined;
      this.refreshSendButton();
      this.post({ type: 'error', text: t('composerUnreadable', String(error)) });
    }
    this.textarea.focus();
  }

  /** VS Code only delivers drops into a webview while Shift is held; files from the OS arrive as File objects,
   *  files from the Explorer as URIs the host reads. */
  private listenForDrops(target: HTMLElement): void {
    let depth = 0;
    target.addEventListener('dragenter', (event) => {
      event.preventDefault();
      depth++;
      this.root.classList.add('dragging');
    });
    target.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) this.root.classList.remove('dragging');
    });
    target.addEventListener('dragover', (event) => event.preventDefault());
    target.addEventListener('drop', (event) => {
      event.preventDefault();
      depth = 0;
      this.root.classList.remove('dragging');
      const data = event.dataTransfer;
      if (!data) return;
      const file = [...data.files][0];
      if (file) return this.attachFile(file);
      const uris = (data.getData('application/vnd.code.uri-list') || data.getData('text/uri-list'))
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
      if (uris[0]) this.post({ type: 'attachUri', uri: uris[0] });
    });
  }
}
