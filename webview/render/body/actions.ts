// Where the buttons and links inside message bodies send their requests: main.ts connects the panel's one
// postMessage once, so the row renderer needs no callback for every row it builds.
import type { FileRequest, WebviewToHost } from '../../../src/webviewApi';

type BodyRequest = Extract<WebviewToHost, { type: 'openCode' | 'openLink' | 'openFile' | 'error' }> | FileRequest;

let sink: (request: BodyRequest) => void = () => undefined;

export function connectBodyActions(post: (request: BodyRequest) => void): void {
  sink = post;
}

export function postFromBody(request: BodyRequest): void {
  sink(request);
}

/** Makes `node` behave as a link (focusable, Enter activates it) without an href, so the webview frame never
 *  follows it by itself: every activation goes through our request and the host's checks. */
export function linkLike<T extends HTMLElement>(node: T, onActivate: () => void): T {
  node.setAttribute('role', 'link');
  node.tabIndex = 0;
  node.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    onActivate();
  });
  node.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    event.stopPropagation();
    onActivate();
  });
  return node;
}
