// Just enough Markdown for the checks on README.md: its fenced code blocks (the samples, which a test
// type-checks). Line-based, CommonMark's rules for fences; no dependency.

/** A fenced code block: its info string's first word, its first line of code (1-based), its text. */
export interface CodeBlock {
  lang: string;
  line: number;
  code: string;
}

// Up to 3 spaces of indent, then 3 or more backticks or tildes; a backtick fence's info has no backtick.
const OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Every fenced code block, in order. An unclosed fence runs to the end, as in CommonMark. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: { fence: string; lang: string; line: number; lines: string[] } | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    if (!open) {
      const match = OPEN.exec(text);
      if (match && !(match[1]![0] === "`" && match[2]!.includes("`"))) {
        open = { fence: match[1]!, lang: match[2]!.trim().split(/\s+/)[0]!, line: index + 2, lines: [] };
      }
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
    if (close && close[1]![0] === open.fence[0] && close[1]!.length >= open.fence.length) {
      blocks.push({ lang: open.lang, line: open.line, code: open.lines.join("\n") });
      open = undefined;
    } else {
      open.lines.push(text);
    }
  });
  if (open) blocks.push({ lang: open.lang, line: open.line, code: open.lines.join("\n") });
  return blocks;
}
