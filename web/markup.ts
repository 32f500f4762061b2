// the drawing widget's markup and styles, as strings. the web build renders them into / and /widget,
// and embed.js (a browser bundle) writes the very same strings into a shadow root, so every
// variant has the same elements, the same data-testid hooks and the same look.
// the controller (widget/) finds its elements by data-role.

import { K } from '../shared/dims';
import type { Mode, Theme } from './options';

export { DEFAULT_SIZE, parseMode, parseSize, parseTheme, type Mode, type Theme } from './options';

/** page: the full tool on /; compact: the widget in an iframe or a host page */
export type Variant = 'page' | 'compact';

export interface WidgetMarkupOptions {
  variant: Variant;
  theme: Theme;
  /** pad side in CSS pixels; on narrow screens the pad shrinks to fit */
  size: number;
  /** digit (default): the square pad; number: the wide pad read by POST /read (the page can switch) */
  mode?: Mode;
  /** false: leave out the style attribute (embed.js sets the size through CSSOM, which a host page's CSP allows) */
  styleAttribute?: boolean;
}

const digits = Array.from({ length: K }, (_, k) => k);

function bars(): string {
  const rows = digits
    .map(
      (k) =>
        `<li class="mw-bar-row" data-digit="${k}"><span class="mw-bar-label">${k}</span>` +
        `<span class="mw-bar-track"><span class="mw-bar-fill" data-role="bar"></span></span>` +
        `<span class="mw-bar-value" data-role="bar-value">–</span></li>`,
    )
    .join('');
  return `<ol class="mw-bars" data-role="bars" aria-label="Probability of each digit">${rows}</ol>`;
}

function feedback(): string {
  const buttons = digits.map((k) => `<button type="button" class="mw-key" data-label="${k}" data-testid="feedback-${k}">${k}</button>`).join('');
  return `<div class="mw-feedback" data-role="feedback" hidden>
<button type="button" class="mw-link" data-role="feedback-open" data-testid="feedback-open" aria-expanded="false">Wrong? Tell us the digit</button>
<div data-role="feedback-keys" hidden><p class="mw-keys-prompt" aria-hidden="true">Which digit did you mean?</p><div class="mw-keys" role="group" aria-label="The digit you meant">${buttons}</div></div>
<p class="mw-note" data-role="feedback-status" data-testid="feedback-status" role="status" tabindex="-1"></p>
</div>`;
}

export function widgetMarkup({ variant, theme, size, mode = 'digit', styleAttribute = true }: WidgetMarkupOptions): string {
  const page = variant === 'page';
  const clear = `<button type="button" class="mw-btn${page ? '' : ' mw-btn--overlay'}" data-role="clear" data-testid="clear">Clear</button>`;
  // file pickers as buttons: the input inside its label, out of sight but focusable. "Camera" opens
  // a phone's camera straight away (capture), so it shows only where the pointer is a finger
  const picker = (cls: string, role: string, text: string, extra = '') =>
    `<label class="mw-btn mw-file ${cls}"><input type="file" accept="image/*"${extra} data-role="${role}" data-testid="${role}">${text}</label>`;
  const photo = page
    ? picker('', 'photo-input', 'Use a photo') + picker('mw-camera', 'camera-input', 'Camera', ' capture="environment"')
    : picker('mw-btn--overlay mw-btn--photo', 'photo-input', 'Photo');
  const local = `<label class="mw-switch"><input type="checkbox" role="switch" data-role="local" data-testid="local"><span class="mw-switch-track" aria-hidden="true"></span><span>Classify in your browser</span></label>`;
  const seen =
    `<figure class="mw-seen"><canvas width="28" height="28" data-role="seen" data-testid="seen" role="img" aria-label="The 28 by 28 image the model saw"></canvas>` +
    `<figcaption><strong>What the model saw</strong><span>Your drawing or photo after the MNIST preprocessing: cropped to the ink, scaled to 20×20 and centred by mass in 28×28 pixels.</span></figcaption></figure>`;
  // the page's choice of what to read: two toggle buttons, one pressed
  const modes =
    `<div class="mw-modes" role="group" aria-label="What to read">` +
    (['digit', 'number'] as const)
      .map((m) => `<button type="button" class="mw-mode" data-role="mode-${m}" data-testid="mode-${m}" aria-pressed="${m === mode}">${m === 'digit' ? 'Digit' : 'Number'}</button>`)
      .join('') +
    `</div>`;
  const hint = page
    ? '<span class="mw-for-digit">Draw a digit, or paste or drop a photo</span><span class="mw-for-number">Write a number, or drop a photo of one</span>'
    : '<span class="mw-for-digit">Draw a digit</span><span class="mw-for-number">Write a number</span>';
  return `<div class="mw mw--${variant}" data-theme="${theme}" data-mode="${mode}"${styleAttribute ? ` style="--mw-size:${size}px"` : ''}>
<div class="mw-draw">
<div class="mw-pad-wrap">
<canvas class="mw-pad" data-role="pad" data-testid="pad" tabindex="0" role="img" aria-label="Drawing pad: draw one digit with a mouse, finger or pen. Delete clears it."></canvas>
<canvas class="mw-photo" data-role="photo" data-testid="photo" role="img" aria-label="Your photo, the part the model read outlined" hidden></canvas>
<canvas class="mw-marks" data-role="marks" data-testid="marks" aria-hidden="true"></canvas>
<p class="mw-hint" data-role="hint" aria-hidden="true">${hint}</p>${page ? '' : clear + photo}
</div>${page ? `\n<div class="mw-actions">${modes}${clear}${photo}${local}</div>` : ''}
</div>
<div class="mw-result">
<div class="mw-answer" aria-live="polite" aria-atomic="true">
<span class="mw-kicker">Prediction</span>
<output class="mw-digit" data-role="prediction" data-testid="prediction"></output>
<span class="mw-confidence" data-role="confidence"></span>
</div>
<p class="mw-doubt" data-role="uncertain" data-testid="uncertain" role="status" hidden></p>
${bars()}${page ? `\n${seen}` : ''}
${feedback()}
<p class="mw-source" data-role="source" data-testid="source"></p>
<p class="mw-error" data-role="error" role="alert" hidden></p>
</div>
</div>`;
}

// ---------------------------------------------------------------- styles

const LIGHT = {
  '--mw-page': '#f3f4f6',
  '--mw-surface': '#ffffff',
  '--mw-text': '#111827',
  '--mw-muted': '#566070',
  '--mw-border': '#dfe3e8',
  '--mw-accent': '#4338ca',
  '--mw-accent-soft': '#eef0fe',
  '--mw-on-accent': '#ffffff',
  '--mw-pad': '#ffffff',
  '--mw-ink': '#111827',
  '--mw-track': '#eef0f3',
  '--mw-fill': '#a3abb8',
  '--mw-ok': '#047857',
  '--mw-warn': '#92400e',
  '--mw-warn-soft': '#fef3c7',
  '--mw-error': '#b91c1c',
  '--mw-shadow': '0 1px 2px rgb(16 24 40 / 6%), 0 4px 16px rgb(16 24 40 / 6%)',
};

const DARK: typeof LIGHT = {
  '--mw-page': '#0b0f14',
  '--mw-surface': '#151a21',
  '--mw-text': '#e8edf2',
  '--mw-muted': '#9aa6b2',
  '--mw-border': '#2a313b',
  '--mw-accent': '#a5b4fc',
  '--mw-accent-soft': '#1f2547',
  '--mw-on-accent': '#0b0f14',
  '--mw-pad': '#0e1217',
  '--mw-ink': '#f4f6f8',
  '--mw-track': '#232a33',
  '--mw-fill': '#5f6b78',
  '--mw-ok': '#34d399',
  '--mw-warn': '#fcd34d',
  '--mw-warn-soft': '#3a2a0a',
  '--mw-error': '#fca5a5',
  '--mw-shadow': '0 1px 2px rgb(0 0 0 / 40%), 0 4px 16px rgb(0 0 0 / 30%)',
};

const vars = (v: typeof LIGHT) => Object.entries(v).map(([k, val]) => `${k}:${val}`).join(';');

/** the theme variables on any element carrying data-theme (the page's <html>, or the widget root) */
export const THEME_CSS = `[data-theme=light],[data-theme=auto]{${vars(LIGHT)};color-scheme:light}
[data-theme=dark]{${vars(DARK)};color-scheme:dark}
@media (prefers-color-scheme:dark){[data-theme=auto]{${vars(DARK)};color-scheme:dark}}`;

export const WIDGET_CSS = `${THEME_CSS}
.mw{--mw-radius:12px;box-sizing:border-box;font:15px/1.45 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--mw-text);-webkit-text-size-adjust:100%}
.mw *,.mw *::before,.mw *::after{box-sizing:border-box}
.mw [hidden]{display:none!important}
/* resets without specificity, so every component rule below wins over them */
.mw :where(p){margin:0}
.mw :where(button){font:inherit;color:inherit}
.mw :focus-visible{outline:2px solid var(--mw-accent);outline-offset:2px}
.mw-pad-wrap{position:relative;width:min(var(--mw-size),100%);aspect-ratio:1}
.mw-pad{display:block;width:100%;height:100%;border-radius:var(--mw-radius);border:1px solid var(--mw-border);cursor:crosshair;touch-action:none;user-select:none;-webkit-user-select:none;-webkit-touch-callout:none;background:var(--mw-pad)}
.mw-pad:focus-visible{outline-offset:3px}
.mw-hint{position:absolute;inset:auto 0 14px;text-align:center;color:var(--mw-muted);font-size:13px;pointer-events:none;letter-spacing:.01em}
.mw-actions{display:flex;align-items:center;gap:16px;flex-wrap:wrap;margin-top:12px}
.mw-btn{appearance:none;border:1px solid var(--mw-border);background:var(--mw-surface);border-radius:8px;padding:7px 16px;font-weight:600;font-size:14px;cursor:pointer;min-height:36px}
.mw-btn:hover{border-color:var(--mw-muted)}
.mw-btn:active{transform:translateY(1px)}
.mw-switch{display:inline-flex;align-items:center;gap:10px;font-size:14px;cursor:pointer;user-select:none}
.mw-switch input{position:absolute;opacity:0;width:1px;height:1px}
.mw-switch-track{position:relative;width:36px;height:20px;border-radius:10px;background:var(--mw-track);border:1px solid var(--mw-border);transition:background .15s}
.mw-switch-track::after{content:"";position:absolute;top:2px;left:2px;width:14px;height:14px;border-radius:50%;background:var(--mw-muted);transition:transform .15s,background .15s}
.mw-switch input:checked+.mw-switch-track{background:var(--mw-accent);border-color:var(--mw-accent)}
.mw-switch input:checked+.mw-switch-track::after{transform:translateX(16px);background:var(--mw-on-accent)}
.mw-switch input:focus-visible+.mw-switch-track{outline:2px solid var(--mw-accent);outline-offset:2px}
.mw-file{position:relative;display:inline-flex;align-items:center}
.mw-file input{position:absolute;opacity:0;width:1px;height:1px;pointer-events:none}
.mw-file:has(input:focus-visible){outline:2px solid var(--mw-accent);outline-offset:2px}
.mw-camera{display:none}
@media (pointer:coarse){.mw-camera{display:inline-flex}}
.mw-marks{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}
.mw-photo{position:absolute;inset:0;width:100%;height:100%;border-radius:var(--mw-radius);border:1px solid var(--mw-border);background:var(--mw-pad);pointer-events:none}
.mw.is-dropping .mw-pad{outline:2px dashed var(--mw-accent);outline-offset:3px}
.mw-answer{display:grid;grid-template-columns:auto 1fr;grid-template-rows:auto auto;column-gap:16px;align-items:end}
.mw-kicker{grid-column:1/-1;font-size:12px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--mw-muted)}
.mw-digit{display:block;font-size:64px;line-height:1.05;font-weight:700;font-variant-numeric:tabular-nums;color:var(--mw-accent);min-width:.65em}
.mw-digit:empty::before{content:"–";color:var(--mw-border)}
.mw-confidence{padding-bottom:10px;color:var(--mw-muted);font-variant-numeric:tabular-nums}
.mw-doubt{margin-top:8px;padding:5px 10px;border-radius:8px;background:var(--mw-warn-soft);color:var(--mw-warn);font-size:13.5px;font-weight:600}
.mw.is-uncertain .mw-digit{color:var(--mw-muted)}
.mw-bars{list-style:none;margin:16px 0 0;padding:0;display:grid;gap:5px}
.mw-bar-row{display:grid;grid-template-columns:14px 1fr 52px;align-items:center;gap:10px;font-size:13px;font-variant-numeric:tabular-nums}
.mw-bar-label{font-weight:600;text-align:center}
.mw-bar-track{height:10px;border-radius:5px;background:var(--mw-track);overflow:hidden}
.mw-bar-fill{display:block;height:100%;width:100%;background:var(--mw-fill);transform-origin:left;transform:scaleX(var(--p,0));transition:transform .18s ease-out}
.mw-bar-value{text-align:right;color:var(--mw-muted)}
.mw-bar-row.is-top .mw-bar-fill{background:var(--mw-accent)}
.mw-bar-row.is-top .mw-bar-label,.mw-bar-row.is-top .mw-bar-value{color:var(--mw-accent);font-weight:700}
.mw-seen{display:flex;gap:14px;align-items:center;margin:20px 0 0;padding-top:16px;border-top:1px solid var(--mw-border)}
.mw-seen canvas{width:84px;height:84px;flex:none;image-rendering:pixelated;border-radius:6px;background:#000;border:1px solid var(--mw-border)}
.mw-seen figcaption{display:grid;gap:2px;font-size:13px;color:var(--mw-muted)}
.mw-seen strong{color:var(--mw-text);font-weight:600;font-size:14px}
.mw-feedback{margin-top:16px}
.mw-link{appearance:none;background:none;border:0;padding:2px 0;color:var(--mw-accent);font-weight:600;font-size:14px;cursor:pointer;text-decoration:underline;text-underline-offset:3px;text-decoration-thickness:1px}
.mw-keys-prompt{font-size:13px;font-weight:600;margin:0 0 6px}
.mw-keys{display:grid;grid-template-columns:repeat(10,minmax(0,1fr));gap:4px;margin-top:8px}
.mw-key{appearance:none;border:1px solid var(--mw-border);background:var(--mw-surface);border-radius:6px;min-height:34px;padding:0;font-weight:600;cursor:pointer;font-variant-numeric:tabular-nums}
.mw-key:hover{border-color:var(--mw-accent);color:var(--mw-accent)}
.mw-key[aria-disabled=true]{opacity:.6;cursor:progress}
.mw-note{font-size:13px;color:var(--mw-ok);margin-top:6px}
.mw-note:empty{display:none}
.mw-source{margin-top:14px;font-size:12.5px;color:var(--mw-muted)}
.mw-source:empty{display:none}
.mw-error{margin-top:10px;font-size:13px;color:var(--mw-error)}
.mw--page{display:grid;grid-template-columns:minmax(0,auto) minmax(0,1fr);gap:40px;align-items:start}
.mw--page .mw-result{min-width:0;max-width:420px}
/* the pad's column is as wide as the pad: its buttons wrap below it rather than widen it and squeeze the answer */
.mw--page .mw-actions{max-width:var(--mw-size)}
.mw--page[data-mode=number] .mw-actions{max-width:none}
@media (max-width:760px){.mw--page{grid-template-columns:minmax(0,1fr);gap:24px}.mw--page .mw-actions{gap:12px}.mw--page .mw-actions .mw-btn{padding:7px 12px}.mw--page .mw-pad-wrap{margin:0 auto}.mw--page .mw-result{max-width:none}}
.mw--compact{display:flex;flex-direction:column;gap:8px;width:min(100%,calc(var(--mw-size) + 18px));padding:8px;background:var(--mw-surface);border:1px solid var(--mw-border);border-radius:16px}
.mw-btn--overlay{position:absolute;top:8px;right:8px;min-height:30px;padding:4px 12px;font-size:13px;background:var(--mw-surface)}
.mw--compact .mw-result{display:grid;grid-template-columns:auto 1fr;column-gap:14px;row-gap:6px;align-items:end;padding:0 4px 2px}
.mw--compact .mw-kicker{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.mw--compact .mw-answer{grid-template-columns:auto auto;column-gap:8px;row-gap:0}
.mw--compact .mw-digit{font-size:46px;line-height:1}
.mw--compact .mw-confidence{padding:0 0 4px;font-size:12.5px;white-space:nowrap}
.mw--compact .mw-bars{margin:0;grid-template-columns:repeat(10,1fr);gap:4px;height:50px}
.mw--compact .mw-bar-row{display:flex;flex-direction:column-reverse;align-items:stretch;gap:2px;height:100%;font-size:11px}
.mw--compact .mw-bar-label{line-height:1}
.mw--compact .mw-bar-track{flex:1;height:auto;border-radius:3px}
.mw--compact .mw-bar-fill{transform-origin:bottom;transform:scaleY(var(--p,0))}
.mw--compact .mw-bar-value{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.mw--compact .mw-feedback,.mw--compact .mw-source,.mw--compact .mw-error,.mw--compact .mw-doubt{grid-column:1/-1;margin:0}
.mw--compact .mw-doubt{padding:3px 8px;font-size:12.5px}
.mw--compact .mw-keys{margin-top:0}
.mw--compact .mw-keys-prompt{font-size:12.5px;margin-bottom:4px}
/* the prompt takes the room of who answered while the keys are open: the widget keeps its height */
.mw--compact .mw-feedback:has([data-role=feedback-keys]:not([hidden]))~.mw-source{display:none}
.mw-btn--photo{right:auto;left:8px}
.mw--compact .mw-source{font-size:11.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.mw--compact .mw-key{min-height:28px}
/* number mode: a wide pad (600×200, narrower on phones) read by POST /read; no bars, no 28×28, no in-browser switch */
.mw-modes{display:inline-flex;border:1px solid var(--mw-border);border-radius:8px;overflow:hidden}
.mw-mode{appearance:none;border:0;background:var(--mw-surface);padding:7px 14px;font-weight:600;font-size:14px;cursor:pointer;min-height:36px}
.mw-mode+.mw-mode{border-left:1px solid var(--mw-border)}
.mw-mode[aria-pressed=true]{background:var(--mw-accent);color:var(--mw-on-accent)}
.mw-mode:focus-visible{outline-offset:-4px;outline-color:var(--mw-text)}
.mw-for-number,.mw[data-mode=number] .mw-for-digit{display:none}
.mw[data-mode=number] .mw-for-number{display:inline}
.mw[data-mode=number] .mw-pad-wrap{width:min(600px,100%);aspect-ratio:3}
.mw[data-mode=number] .mw-bars,.mw[data-mode=number] .mw-seen,.mw[data-mode=number] .mw-switch,.mw[data-mode=number] .mw-feedback{display:none}
.mw[data-mode=number] .mw-digit{min-width:0;overflow-wrap:anywhere;letter-spacing:.04em}
.mw[data-mode=number] .mw-doubt{width:fit-content;max-width:100%}
.mw--page[data-mode=number]{grid-template-columns:minmax(0,1fr);gap:24px}
.mw--page[data-mode=number] .mw-result{max-width:none}
.mw--compact[data-mode=number]{width:min(100%,618px)}
.mw--compact[data-mode=number] .mw-answer{grid-template-columns:auto 1fr}
`;
