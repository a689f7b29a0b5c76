// Just enough Markdown for the checks on README.md, CONTRIBUTING.md and docs/: fenced code blocks
// (the samples, which a test type-checks), link and image targets (which check:package finds in the
// packed tarball, and a test in the repository), and the anchors headings get (for `#fragment` links).
// Line-based, CommonMark's rules for fences; no dependency.

/** A fenced code block: its info string's first word, its first line of code (1-based), its text. */
export interface CodeBlock {
  lang: string;
  line: number;
  code: string;
}

/** A link or image target and the line (1-based) it is on. */
export interface LinkTarget {
  target: string;
  line: number;
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

/** The lines (1-based) of every fenced code block: the fence lines themselves and the code between. */
function fencedLines(markdown: string): Set<number> {
  const fenced = new Set<number>();
  for (const block of codeBlocks(markdown)) {
    const last = block.line + block.code.split("\n").length;
    for (let n = block.line - 1; n <= last; n++) fenced.add(n);
  }
  return fenced;
}

/**
 * The target of every link and image outside code: inline `[x](y)` and `![x](y)` (with or without
 * a title, `<y>` too), reference definitions `[x]: y`, and HTML `<a href>`, `<img src>` and
 * `<source srcset>`. Targets are as written, fragment and all.
 */
export function linkTargets(markdown: string): LinkTarget[] {
  const targets: LinkTarget[] = [];
  const lines = markdown.split(/\r?\n/);
  const fenced = fencedLines(markdown);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (fenced.has(line)) return;
    // Code spans are text, not links: blank them out (a span is closed by a run of equal length).
    const text = raw.replace(/(`+)[\s\S]*?\1/g, (span) => " ".repeat(span.length));
    for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)/g)) {
      targets.push({ target: m[1]!.replace(/^<|>$/g, ""), line });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (definition) targets.push({ target: definition[1]!.replace(/^<|>$/g, ""), line });
    for (const m of text.matchAll(
      /<(?:a|img|source)\b[^>]*?\s(?:href|src|srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
    )) {
      targets.push({
        target: m[1]!
          .replace(/^["']|["']$/g, "")
          .trim()
          .split(/\s+/)[0]!,
        line,
      });
    }
  });
  return targets;
}

/**
 * The file a target names, relative to the Markdown file's folder, or undefined when it names
 * none there: a URL with a scheme (`https:`, `mailto:`), a protocol-relative `//host`, or a
 * fragment of this page (`#errors`).
 */
export function relativeFile(target: string): string | undefined {
  if (
    target === "" ||
    target.startsWith("#") ||
    target.startsWith("//") ||
    /^[a-z][a-z\d+.-]*:/i.test(target)
  )
    return undefined;
  const path = target.replace(/[?#].*$/, "");
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/**
 * The `#fragment` each heading outside code gets on GitHub, in order: its text without inline
 * markup, lower-cased, punctuation and symbols dropped, each space a hyphen; a repeated one gets
 * `-1`, `-2` … as github-slugger does.
 */
export function headingAnchors(markdown: string): string[] {
  const fenced = fencedLines(markdown);
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  markdown.split(/\r?\n/).forEach((raw, index) => {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(raw);
    if (!heading || fenced.has(index + 1)) return;
    // Code spans keep their text as written; elsewhere links, images, tags and emphasis give theirs.
    const text = heading[1]!
      .split(/(`+[^`]*`+)/)
      .map((part, i) =>
        i % 2
          ? part.replace(/^`+|`+$/g, "")
          : part
              .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
              .replace(/<[^>]+>/g, "")
              .replace(/(^|[^\p{L}\p{N}])(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\2(?![\p{L}\p{N}])/gu, "$1$3"),
      )
      .join("");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.push(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}
