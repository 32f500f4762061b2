// the script of the worker's own pages, / and /widget: applies /widget's ?theme and ?size, and ?mode on both (the
// page is a static file), wires every widget on the page to this origin, and fills in the page's
// model line from GET /model.

import { modelInfo } from './api';
import { parseMode, parseSize, parseTheme } from './options';
import { attachWidget } from './widget';

const endpoint = location.origin;

/** /widget?theme=dark&size=300: the same options embed.js takes as data attributes */
function applyWidgetQuery(root: HTMLElement): void {
  const query = new URLSearchParams(location.search);
  const widget = root.querySelector<HTMLElement>('.mw--compact');
  if (!widget) return;
  const theme = parseTheme(query.get('theme'));
  document.documentElement.dataset.theme = theme;
  widget.dataset.theme = theme;
  widget.style.setProperty('--mw-size', `${parseSize(query.get('size'))}px`);
  // /widget stays hidden until now, so it never shows in the wrong theme or size (documents.ts)
  delete document.documentElement.dataset.pending;
}

for (const root of document.querySelectorAll<HTMLElement>('[data-mnist-widget]')) {
  applyWidgetQuery(root);
  // ?mode=number: the wide number pad (the page can also switch with its Digit / Number toggle)
  const mode = parseMode(new URLSearchParams(location.search).get('mode'));
  // the page is the tool: a picture pasted anywhere on it is for the widget
  attachWidget(root, { endpoint, pasteTarget: document, mode });
  followModeInHeading(root);
}

/** the page's heading and title say what the pad is for: the Digit / Number toggle sets data-mode on the widget */
function followModeInHeading(root: HTMLElement): void {
  const pad = root.querySelector<HTMLElement>('.mw');
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!pad || !heading) return;
  const site = document.title.includes(' · ') ? document.title.slice(document.title.indexOf(' · ')) : '';
  const follow = () => {
    heading.textContent = pad.dataset.mode === 'number' ? 'Write a number' : 'Draw a digit';
    document.title = heading.textContent + site;
  };
  follow();
  new MutationObserver(follow).observe(pad, { attributes: true, attributeFilter: ['data-mode'] });
}

const version = document.querySelector('[data-role="model-version"]');
const accuracy = document.querySelector('[data-role="model-accuracy"]');
if (version || accuracy) {
  modelInfo(endpoint).then(
    (info) => {
      if (version) version.textContent = `v${info.version}`;
      if (accuracy) accuracy.textContent = info.testAccuracy === null ? 'not measured' : `${(info.testAccuracy * 100).toFixed(2)}%`;
    },
    () => {
      if (version) version.textContent = 'not loaded yet';
    },
  );
}
