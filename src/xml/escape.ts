/** Escaping for values written into XML. Both quote kinds are escaped so a value is safe in any context. */
export function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXmlAttr(value: string, quote: '"' | "'"): string {
  const s = escapeXmlText(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
  return quote === '"' ? s.replace(/"/g, '&quot;') : s.replace(/'/g, '&apos;');
}

/** Text content: also escape quotes, which WSO2's own readers accept and which keeps greps simple. */
export function escapeXmlContent(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
