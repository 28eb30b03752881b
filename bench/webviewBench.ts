// The chat panel under load: dist/webview.js in headless chromium on a test page with a stand-in
// acquireVsCodeApi; 10,000 messages (300 with thumbnails) pushed the way the host pushes them.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, printTable, type Cell } from './lib/table';
import type { HeaderView, PeerView, RosterView, WebviewStrings } from '../src/webviewApi';
import { webviewStrings } from '../src/vscode/panel/webviewStrings';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const MESSAGES = 10_000;
/** The busy room: 5 s at 5,000 messages/s. */
const ROOM_MESSAGES = 25_000;
const THUMBNAILS = 300;
const PAGE_TIMEOUT_MS = 120_000;

/** A real 1×1 PNG (a thumbnail needs something to decode). */
const THUMB_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

// pushInPage runs in the browser; the bench's tsconfig has no DOM library, so these are declared loosely here.
declare const window: { postMessage(data: unknown, origin: string): void };
declare const document: {
  querySelector(s: string): unknown;
  querySelectorAll(s: string): { length: number };
  getElementsByTagName(s: string): { length: number };
};
declare function requestAnimationFrame(callback: () => void): number;
declare function requestIdleCallback(callback: () => void): number;

function testPage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'thumb.png'), THUMB_PNG);
  const dist = pathToFileURL(resolve(process.env.BENCH_WEBVIEW_DIST ?? 'dist')).href;
  // The stand-in API records what the panel posts, like the extension host would receive it.
  writeFileSync(
    resolve(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${dist}/webview.css"></head><body>
<script>
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script>
<script src="${dist}/webview.js"></script></body></html>`,
  );
  return pathToFileURL(resolve(dir, 'index.html')).href;
}

/** live: one post per message (the host's worst case: one message per event-loop turn); batched: 100 per post
 *  (a burst, which the host gathers into one post per turn); snapshot: the panel reopened. */
type Mode = 'live' | 'batched' | 'snapshot' | 'room';
const LABELS: Record<Mode, string> = {
  room: 'messages at 5,000/s for 5 s (500 members × 10/s), 50 per post every 10 ms (how the host batches a busy room)',
  live: 'messages, one post each (one message per host event-loop turn)',
  batched: 'messages, 100 per post (a burst, gathered by the host)',
  snapshot: 'messages in one snapshot (panel reopened)',
};

interface PageResult {
  ms: number;
  rowsInDom: number;
  domNodes: number;
  longestFrameMs: number;
}

/** Runs in the page: pushes the messages (one 'entries' post each, or one snapshot) and waits until the last is drawn. */
function pushInPage(args: {
  count: number;
  thumbnails: number;
  thumbUrl: string;
  mode: Mode;
  strings: WebviewStrings;
}): Promise<PageResult> {
  // What every snapshot carries besides the entries (as the host sends it: src/webviewApi.ts).
  const rest = {
    time: '12:34:56',
    acceptedImages: { mimes: ['image/png'], names: 'PNG' },
    strings: args.strings,
  };
  const peers: PeerView[] = Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    name: `user${i}`,
    address: `127.0.0.1:${40000 + i}`,
    kind: i % 5 === 0 ? ('plain' as const) : ('native' as const),
  }));
  const header: HeaderView = {
    role: 'server',
    address: '127.0.0.1:65432',
    lanAddresses: [],
    state: 'listening',
    queuePosition: null,
    status: 'serving :65432',
  };
  const roster: RosterView = {
    seats: 0,
    active: peers,
    waiting: [],
    connections: peers.length,
    counts: { chatting: peers.length, waiting: 0, text: `${peers.length} chatting` },
  };
  const every = Math.floor(args.count / args.thumbnails);
  const entry = (i: number) => {
    const time = '12:34:56';
    if (i % 97 === 13)
      return { entry: 'notice', id: `n${i}`, at: i, time, level: 'system', text: `user${i % 20} joined.` };
    const image =
      i % every === 0
        ? // The size it declares, as every image the host shows does (without one the panel offers "Open image").
          { uri: `${args.thumbUrl}?n=${i}`, mime: 'image/png', size: 1234, sizeText: '1.2 KB', width: 1, height: 1 }
        : undefined;
    return {
      entry: 'message',
      id: `m${i}`,
      at: i,
      time,
      from: peers[i % peers.length],
      own: i % 7 === 0,
      kind: image ? 'image' : 'text',
      text: `message ${i}: the quick brown fox jumps over the lazy dog ${'…'.repeat(i % 5)}`,
      image,
    };
  };
  const post = (data: unknown) => window.postMessage(data, '*');
  return new Promise((done, fail) => {
    // Never wait forever (page.evaluate has no timeout of its own): say how far the page got.
    const deadline = performance.now() + 60_000;
    post({ type: 'snapshot', header, roster, entries: [], sessionKey: 'bench', ...rest });
    // The first snapshot builds the panel: the workload (and its frames) starts once that is drawn.
    const built = () =>
      document.querySelector('.rows')
        ? requestAnimationFrame(() => requestAnimationFrame(() => run()))
        : setTimeout(built, 5);
    const run = (): void => {
      let longest = 0;
      let last = performance.now();
      let finished = false;
      const frame = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (!finished) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      const start = performance.now();
      if (args.mode === 'snapshot') {
        post({
          type: 'snapshot',
          ...rest,
          header,
          roster,
          entries: Array.from({ length: args.count }, (_, i) => entry(i)),
          sessionKey: 'bench',
        });
      } else if (args.mode === 'room') {
        // A steady busy room: what one 10 ms slice of 5,000 messages/s brings, posted as one batch.
        let next = 0;
        const timer = setInterval(() => {
          const n = Math.min(50, args.count - next);
          post({ type: 'entries', entries: Array.from({ length: n }, (_, k) => entry(next + k)) });
          next += n;
          if (next >= args.count) clearInterval(timer);
        }, 10);
      } else if (args.mode === 'batched') {
        for (let i = 0; i < args.count; i += 100)
          post({
            type: 'entries',
            entries: Array.from({ length: Math.min(100, args.count - i) }, (_, k) => entry(i + k)),
          });
      } else {
        for (let i = 0; i < args.count; i++) post({ type: 'entries', entries: [entry(i)] });
      }
      const lastId = `m${args.count - 1}`;
      const check = () => {
        if (document.querySelector(`[data-id="${lastId}"]`)) {
          // Two frames: the row is laid out and painted.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              finished = true;
              const ms = performance.now() - start;
              // The DOM is counted once the page is quiet: it builds the window's older rows then (messageList.ts).
              setTimeout(
                () =>
                  requestIdleCallback(() =>
                    done({
                      ms,
                      rowsInDom: document.querySelectorAll('[data-testid="message"]').length,
                      domNodes: document.getElementsByTagName('*').length,
                      longestFrameMs: longest,
                    }),
                  ),
                1_000,
              );
            }),
          );
        } else if (performance.now() > deadline) {
          fail(
            new Error(
              `the last row (${lastId}) never appeared; rows in the DOM: ${document.querySelectorAll('[data-testid="message"]').length}`,
            ),
          );
        } else setTimeout(check, 5);
      };
      check();
    };
    built();
  });
}

export async function webviewBench(): Promise<string> {
  if (!existsSync('dist/webview.js')) return '### Webview\n\ndist/webview.js is missing (build first).\n';
  if (!existsSync(CHROMIUM)) {
    console.log(`\n${CHROMIUM} not found: webview section skipped (set CHROMIUM_PATH).`);
    return `### Webview\n\nSkipped: ${CHROMIUM} not found.\n`;
  }
  const { chromium } = await import('playwright-core');
  const url = testPage(resolve('out/bench/webview'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
  const rows: Cell[][] = [];
  let roomFrameMs = NaN;
  try {
    // BENCH_WEBVIEW_MODES=room,live runs some of the page workloads only.
    const modes = (['live', 'batched', 'snapshot', 'room'] as const).filter(
      (m) => !process.env.BENCH_WEBVIEW_MODES || process.env.BENCH_WEBVIEW_MODES.split(',').includes(m),
    );
    for (const mode of modes) {
      const count = mode === 'room' ? ROOM_MESSAGES : MESSAGES;
      const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
      );
      const thumbUrl = url.replace(/index\.html$/, 'thumb.png');
      const cdp = await page.context().newCDPSession(page);
      // BENCH_PROFILE=1 records a CPU profile of the page (open it in Chrome DevTools or bench/profileSummary.mjs).
      if (process.env.BENCH_PROFILE) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
      const thumbnails = Math.round((THUMBNAILS * count) / MESSAGES);
      const result = await page
        .evaluate(pushInPage, { count, thumbnails, thumbUrl, mode, strings: webviewStrings() })
        .catch((error: unknown) => {
          throw new Error(
            `${String(error)}${errors.length ? ` (page errors: ${errors.join('; ').slice(0, 300)})` : ''}`,
          );
        });
      if (mode === 'room') roomFrameMs = result.longestFrameMs;
      if (process.env.BENCH_PROFILE) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(resolve(`out/bench/webview-${mode}.cpuprofile`), JSON.stringify(profile));
      }
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const metrics = (await cdp.send('Performance.getMetrics')).metrics;
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
      const thumbs = await page.locator('[data-testid="thumbnail"]').count();
      rows.push([
        `${count.toLocaleString('en-US')} ${LABELS[mode]}`,
        fmt(result.ms, 0),
        Math.round(count / (result.ms / 1000)),
        result.rowsInDom,
        thumbs,
        result.domNodes,
        fmt(heap / 2 ** 20),
        fmt(result.longestFrameMs, 0),
        errors.length ? errors.join('; ').slice(0, 120) : 'none',
      ]);
      await page.close();
      console.log(`  webview ${mode}: done`);
    }
  } finally {
    await browser.close();
  }
  const table = printTable(
    `Webview: dist/webview.js in headless chromium, ${MESSAGES.toLocaleString('en-US')} messages incl. ${THUMBNAILS} thumbnails (the busy room: ${ROOM_MESSAGES.toLocaleString('en-US')} incl. ${(THUMBNAILS * ROOM_MESSAGES) / MESSAGES})`,
    [
      'workload',
      'time to render ms',
      'messages/s',
      'rows in DOM',
      'thumbnails in DOM',
      'DOM nodes',
      'JS heap MiB (after GC)',
      'longest frame ms',
      'page errors',
    ],
    rows,
  );
  return (
    table +
    printTable(
      'Webview goal (from this run)',
      ['goal', 'measured', 'verdict'],
      [
        [
          'a busy room (5,000 msgs/s, batched as the host does): longest frame < 50 ms',
          `${fmt(roomFrameMs, 0)} ms`,
          roomFrameMs < 50 ? 'met' : 'missed',
        ],
      ],
    )
  );
}
