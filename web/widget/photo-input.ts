// the ways a picture reaches the widget: its file pickers ("Use a photo", and "Camera" on
// phones), pasting (an image copied anywhere, or a screenshot) and dropping a file on it.

import { findRole } from './roles';

export interface PhotoInputOptions {
  /** where drops land: the widget's own element */
  dropZone: HTMLElement;
  /** where pastes are heard: the widget (focus inside it), or the whole document on the page */
  pasteTarget: EventTarget;
  onPicture(picture: Blob): void;
}

/** the first image among the files, or the first file when none says what it is */
function pictureOf(files: FileList | null | undefined): File | null {
  const all = Array.from(files ?? []);
  return all.find((f) => f.type.startsWith('image/')) ?? all.find((f) => f.type === '') ?? null;
}

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function createPhotoInput(root: ParentNode, { dropZone, pasteTarget, onPicture }: PhotoInputOptions): { destroy(): void } {
  const pickers = ['photo-input', 'camera-input'].map((role) => findRole<HTMLInputElement>(root, role)).filter((el): el is HTMLInputElement => el !== null);

  const onPick = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = pictureOf(input.files);
    input.value = ''; // picking the same file again is a new pick
    if (file) onPicture(file);
  };
  const onPaste = (e: Event) => {
    const file = pictureOf((e as ClipboardEvent).clipboardData?.files);
    if (!file) return; // text: leave it to whatever it was pasted into
    e.preventDefault();
    onPicture(file);
  };
  const onDragOver = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault(); // allows the drop
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('is-dropping');
  };
  const onDragLeave = (e: DragEvent) => {
    if (!dropZone.contains(e.relatedTarget as Node | null)) dropZone.classList.remove('is-dropping');
  };
  const onDrop = (e: DragEvent) => {
    dropZone.classList.remove('is-dropping');
    const file = pictureOf(e.dataTransfer?.files);
    if (!file) return;
    e.preventDefault(); // the browser would open the file in place of the page
    onPicture(file);
  };

  for (const p of pickers) p.addEventListener('change', onPick);
  pasteTarget.addEventListener('paste', onPaste);
  dropZone.addEventListener('dragover', onDragOver);
  dropZone.addEventListener('dragleave', onDragLeave);
  dropZone.addEventListener('drop', onDrop);
  return {
    destroy() {
      for (const p of pickers) p.removeEventListener('change', onPick);
      pasteTarget.removeEventListener('paste', onPaste);
      dropZone.removeEventListener('dragover', onDragOver);
      dropZone.removeEventListener('dragleave', onDragLeave);
      dropZone.removeEventListener('drop', onDrop);
    },
  };
}
