// Entry of dist/webviewHighlight.js, the highlighting script the panel loads on demand (render/body/highlighter.ts).
import * as highlight from './render/body/highlight';
import { HIGHLIGHT_GLOBAL } from './render/body/highlighter';

(globalThis as unknown as Record<string, typeof highlight>)[HIGHLIGHT_GLOBAL] = highlight;
