// embed.js: <script src="https://<worker>/embed.js" data-theme="dark" data-size="280"></script>
// renders the widget where the tag is (or into data-target), inside a shadow root so the host
// page's styles and the widget's styles cannot touch each other. a classic script, not a module:
// only classic scripts can find their own tag through document.currentScript.

import { parseSize, parseTheme, WIDGET_CSS, widgetMarkup } from './markup';
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

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // injected some other way: the last of our tags not mounted yet
  const tags = Array.from(document.querySelectorAll<HTMLScriptElement>('script[src*="/embed.js"]:not([data-mnist-mounted])'));
  return tags[tags.length - 1] ?? null;
}

function mount(script: HTMLScriptElement) {
  const { theme, size, endpoint, target } = script.dataset;
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
    shadow.innerHTML = widgetMarkup({ variant: 'compact', theme: parseTheme(theme), size: parseSize(size), styleAttribute: false });
    // styles through CSSOM (a constructed sheet and style.setProperty), not inline <style> or style=
    // attributes, so a host page whose CSP has no 'unsafe-inline' for styles still shows the widget
    adoptStyles(shadow, HOST_CSS + WIDGET_CSS);
    shadow.querySelector<HTMLElement>('.mw')!.style.setProperty('--mw-size', `${parseSize(size)}px`);
    attachWidget(shadow, { endpoint: endpoint || new URL(script.src, location.href).origin });
    return true;
  };
  script.setAttribute('data-mnist-mounted', '');
  if (place()) return;
  const retry = () => {
    if (!place()) console.error(`mnist embed.js: data-target "${target}" matches nothing on this page`);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', retry, { once: true });
  else retry();
}

const script = ownScript();
if (script) mount(script);
else console.error('mnist embed.js: cannot find its own <script> tag; load it with <script src=".../embed.js">');
