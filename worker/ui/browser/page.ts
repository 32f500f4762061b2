// the script of the worker's own pages, / and /widget: wires every widget on the page to this
// origin, and fills in the page's model line from GET /model.

import { modelInfo } from './api';
import { attachWidget } from './widget';

const endpoint = location.origin;

for (const root of document.querySelectorAll<HTMLElement>('[data-mnist-widget]')) attachWidget(root, { endpoint });

const version = document.querySelector('[data-role="model-version"]');
const accuracy = document.querySelector('[data-role="model-accuracy"]');
if (version || accuracy) {
  modelInfo(endpoint).then(
    (info) => {
      if (version) version.textContent = `v${info.version}`;
      if (accuracy) accuracy.textContent = `${(info.testAccuracy * 100).toFixed(2)}%`;
    },
    () => {
      if (version) version.textContent = 'not loaded yet';
    },
  );
}
