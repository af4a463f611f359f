import { ProviderSdkError } from '../errors';

/** The comment lines around a generated section: `<!-- BEGIN provider-sdk docs -->` … `<!-- END provider-sdk docs -->`. */
export function sectionMarkers(name: string): { begin: string; end: string } {
  return { begin: `<!-- BEGIN provider-sdk ${name} -->`, end: `<!-- END provider-sdk ${name} -->` };
}

/** What is between the markers of section `name` in `text` (trimmed of the newlines next to the markers). */
export function readMarkedSection(text: string, name: string, file: string): string {
  const { start, stop } = locate(text, name, file);
  return text.slice(start, stop).replace(/^\n/, '').replace(/\n$/, '');
}

/** `text` with the section `name` replaced by `content`; the markers stay. */
export function replaceMarkedSection(text: string, name: string, content: string, file: string): string {
  const { start, stop } = locate(text, name, file);
  return `${text.slice(0, start)}\n${content.replace(/\n$/, '')}\n${text.slice(stop)}`;
}

function locate(text: string, name: string, file: string): { start: number; stop: number } {
  const { begin, end } = sectionMarkers(name);
  const b = text.indexOf(begin);
  const e = text.indexOf(end);
  if (b < 0 || e < b || text.indexOf(begin, b + 1) >= 0) {
    throw new ProviderSdkError(
      'DOCS_MARKERS_MISSING',
      `${file} needs the lines '${begin}' and, after it, '${end}' exactly once around the generated ${name} section`,
    );
  }
  return { start: b + begin.length, stop: e };
}
