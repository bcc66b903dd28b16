import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { ImportFileError } from './records.js';

export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] | undefined };

/**
 * Parses an e-invoice XML with namespace prefixes removed and attributes under '@name'.
 * A DOCTYPE is rejected outright because the CII and UBL schemas use none, and rejecting it
 * stops external entities (XXE) and entity expansion ("billion laughs") before parsing.
 */
export function parseXmlSafely(text: string): Record<string, XmlNode> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new ImportFileError('unsafe_xml', 'the XML declares a DOCTYPE or entities, which no e-invoice needs: rejected to block external entities and entity expansion');
  }

  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    throw new ImportFileError('unreadable', `the XML is not well-formed at line ${validation.err.line}: ${validation.err.msg} (is the file cut short?)`);
  }

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
  });
  return parser.parse(text) as Record<string, XmlNode>;
}

export function children(node: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** Returns the first child element named `name`. */
export function child(node: XmlNode | XmlNode[] | undefined, ...path: string[]): XmlNode | undefined {
  let current: XmlNode | undefined = children(node)[0];
  for (const name of path) {
    if (current === undefined || typeof current === 'string') return undefined;
    current = children(current[name])[0];
  }
  return current;
}

/** Returns the text of an element, with or without attributes. */
export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node.trim() || undefined;
  const value = node['#text'];
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}
