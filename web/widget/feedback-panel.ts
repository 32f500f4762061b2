// "Wrong? Tell us the digit": under an answer, a link that opens the ten digit keys; a key sends
// the pixels the model saw with the right label to POST /feedback and says whether it was saved.

import { sendFeedback, type Answer } from '../api';
import type { Pixels } from '../pixels';
import { explainError } from './explain-error';
import { needRole } from './roles';

export interface FeedbackPanel {
  /** an answer is on screen: offer to correct it (a different digit closes the keys again) */
  offer(pixels: Pixels, answer: Answer): void;
  /** nothing is on screen: hide the panel */
  withdraw(): void;
  destroy(): void;
}

export interface FeedbackPanelOptions {
  endpoint: string;
  /** no room for the link and the keys at once: the keys replace the link */
  compact: boolean;
}

export function createFeedbackPanel(root: ParentNode, { endpoint, compact }: FeedbackPanelOptions): FeedbackPanel {
  const panel = needRole(root, 'feedback');
  const openButton = needRole<HTMLButtonElement>(root, 'feedback-open');
  const keys = needRole(root, 'feedback-keys'); // the ten digit keys' row
  const status = needRole(root, 'feedback-status');
  let subject: { pixels: Pixels; answer: Answer } | null = null;

  function close() {
    openButton.hidden = false;
    openButton.setAttribute('aria-expanded', 'false');
    keys.hidden = true;
    status.textContent = '';
  }

  async function send(label: number, key: HTMLElement) {
    if (!subject) return;
    const { pixels, answer } = subject;
    const buttons = Array.from(keys.querySelectorAll('button'));
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus to <body>
    buttons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
    try {
      await sendFeedback(endpoint, { pixels, label, predicted: answer.digit, modelVersion: answer.model.version });
      keys.hidden = true;
      status.textContent = `Thanks! Saved as a ${label} for the next training run.`;
      // the key just pressed is gone: the focus goes to the thanks, where Tab carries on from
      if (key.contains(focused())) status.focus({ preventScroll: true });
    } catch (e) {
      status.textContent = `Not saved: ${explainError(e)}`;
    } finally {
      buttons.forEach((b) => b.removeAttribute('aria-disabled'));
    }
  }

  /** the focused element inside the widget's root (a shadow root has its own) */
  const focused = () => ((panel.getRootNode() as Document | ShadowRoot).activeElement ?? null) as Node | null;

  const onOpen = () => {
    const open = keys.hidden;
    keys.hidden = !open;
    openButton.setAttribute('aria-expanded', String(open));
    status.textContent = '';
    if (open) {
      openButton.hidden = compact;
      keys.querySelector('button')?.focus();
    }
  };
  const onKey = (e: Event) => {
    const key = (e.target as HTMLElement).closest<HTMLElement>('[data-label]');
    if (key?.dataset.label !== undefined && key.getAttribute('aria-disabled') !== 'true') void send(Number(key.dataset.label), key);
  };
  openButton.addEventListener('click', onOpen);
  keys.addEventListener('click', onKey);

  return {
    offer(pixels, answer) {
      const changed = subject?.answer.digit !== answer.digit;
      subject = { pixels, answer };
      panel.hidden = false;
      if (changed) close();
    },
    withdraw() {
      subject = null;
      panel.hidden = true;
      close();
    },
    destroy() {
      openButton.removeEventListener('click', onOpen);
      keys.removeEventListener('click', onKey);
    },
  };
}
