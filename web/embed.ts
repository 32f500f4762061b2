// embed.js: <script src="https://<worker>/embed.js" data-theme="dark" data-size="280"></script>
// (data-mode="number": the wide pad that reads a whole number)
// (or pinned: /assets/embed.<hash>.js with integrity=, see docs/embedding.md). renders the widget
// where the tag is (or into data-target), inside a shadow root so the host page's styles and the
// widget's styles cannot touch each other. a classic script, not a module: only classic scripts
// can find their own tag through document.currentScript, and no other way is sure to find ours
// (a selector on the src could pick up another vendor's embed.js).

import { parseMode, parseSize, parseTheme, WIDGET_CSS, widgetMarkup } from './markup';
import { attachWidget } from './widget';

/** the host element's own box: reset everything inherited from the host page */
const HOST_CSS = ':host{all:initial;display:block;max-width:100%}';

function adoptStyles(shadow: ShadowRoot, css: string) {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.prepend(style);
  }
}

function mount(script: HTMLScriptElement) {
  const { theme, size, endpoint, target } = script.dataset;
  const mode = parseMode(script.dataset.mode);
  const place = (): boolean => {
    let parent: Element | null = null;
    const host = document.createElement('div');
    host.setAttribute('data-mnist-embed', '');
    if (target) {
      parent = document.querySelector(target);
      if (!parent) return false;
      parent.append(host);
    } else if (script.closest('head') || !script.parentNode) {
      if (!document.body) return false;
      document.body.append(host);
    } else {
      script.after(host);
    }
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = widgetMarkup({ variant: 'compact', theme: parseTheme(theme), size: parseSize(size), mode, styleAttribute: false });
    // styles through CSSOM (a constructed sheet and style.setProperty), not inline <style> or style=
    // attributes, so a host page whose CSP has no 'unsafe-inline' for styles still shows the widget
    adoptStyles(shadow, HOST_CSS + WIDGET_CSS);
    shadow.querySelector<HTMLElement>('.mw')!.style.setProperty('--mw-size', `${parseSize(size)}px`);
    attachWidget(shadow, { endpoint: endpoint || new URL(script.src, location.href).origin, mode });
    return true;
  };
  if (place()) return;
  const retry = () => {
    if (!place()) console.error(`mnist embed.js: data-target "${target}" matches nothing on this page`);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', retry, { once: true });
  else retry();
}

// null when loaded as a module (type="module", import()), from inside a shadow root, or run by other code
const script = document.currentScript;
if (script instanceof HTMLScriptElement) mount(script);
else {
  console.error(
    'mnist embed.js: cannot tell where to render: document.currentScript is not its <script> tag (it was loaded as a module, ' +
      'from a shadow root or by another script). Load it with a plain <script src="https://<worker>/embed.js"></script> in the page, not type="module".',
  );
}
