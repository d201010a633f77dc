// The one XML writer of src/output: fast-xml-parser's builder, which escapes text and attribute values.
import { XMLBuilder } from "fast-xml-parser";

/** An element as the builder takes it: "@_x" keys are attributes, "#text" is text, arrays repeat the element. */
export type XmlNode = { [key: string]: XmlNode | XmlNode[] | string | string[] | number };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
  processEntities: true,
});

// Serialize ROOT (one top-level element) with an XML declaration and a final newline.
export function buildXml(root: XmlNode): string {
  const body = builder.build(root) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.endsWith("\n") ? body : `${body}\n`}`;
}
