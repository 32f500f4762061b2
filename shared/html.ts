// escaping text for HTML, for the pages the Worker renders (/docs), the pages the web build writes,
// and the training report: one function, so a fix lands everywhere.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** text (or anything, as a string) safe in element content and in quoted attribute values */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}
