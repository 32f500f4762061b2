// the widget's elements are found by their data-role inside `root` (a document, an element or a
// shadow root), once, when the widget is attached.

export const findRole = <T extends Element = HTMLElement>(root: ParentNode, role: string): T | null =>
  root.querySelector<T>(`[data-role="${role}"]`);

/** an element the widget cannot work without: a clear error when the markup lacks it */
export function needRole<T extends Element = HTMLElement>(root: ParentNode, role: string): T {
  const found = findRole<T>(root, role);
  if (!found) throw new Error(`mnist widget: the markup has no [data-role="${role}"]`);
  return found;
}
