// The Markdown reading behind the README checks: fenced code blocks (the samples test), link
// targets (check:package's packed-README check, the links test) and heading anchors (the links test).
import { describe, expect, it } from "vitest";
import { codeBlocks, headingAnchors, linkTargets, relativeFile } from "../scripts/package/markdown.js";

describe("codeBlocks", () => {
  it("finds backtick and tilde fences with their language and first line of code", () => {
    const md = ["# t", "```ts", "a;", "```", "", "~~~sh title", "b", "~~~", "````md", "```ts", "````"].join(
      "\n",
    );
    expect(codeBlocks(md)).toEqual([
      { lang: "ts", line: 3, code: "a;" },
      { lang: "sh", line: 7, code: "b" },
      { lang: "md", line: 10, code: "```ts" },
    ]);
  });
});

describe("linkTargets", () => {
  const md = [
    "See [the docs](docs/index.html) and ![shot](docs/reference.png 'a title').", // 1
    "[![badge](https://example.com/b.svg)](https://example.com) [log](<CHANGELOG.md#0.1.0>)", // 2
    '<img src="docs/bench/chart.svg" alt="chart"> <a class="x" href=\'api/\'>api</a>', // 3
    "[ref]: LICENSE", // 4
    "Not links: `[x](in/code.span)` and [in-page](#errors), mail [me](mailto:a@b.c)", // 5
    "```ts", // 6
    "const a = b[0](fenced/code.ts);", // 7
    "```", // 8
  ].join("\n");

  it("reads inline links and images, <…> targets, HTML src and href, and reference definitions", () => {
    expect(linkTargets(md)).toEqual([
      { target: "docs/index.html", line: 1 },
      { target: "docs/reference.png", line: 1 },
      { target: "https://example.com/b.svg", line: 2 },
      { target: "https://example.com", line: 2 },
      { target: "CHANGELOG.md#0.1.0", line: 2 },
      { target: "docs/bench/chart.svg", line: 3 },
      { target: "api/", line: 3 },
      { target: "LICENSE", line: 4 },
      { target: "#errors", line: 5 },
      { target: "mailto:a@b.c", line: 5 },
    ]);
  });

  it("names the file of a relative target only", () => {
    const files = linkTargets(md).map(({ target }) => relativeFile(target));
    expect(files).toEqual([
      "docs/index.html",
      "docs/reference.png",
      undefined,
      undefined,
      "CHANGELOG.md",
      "docs/bench/chart.svg",
      "api/",
      "LICENSE",
      undefined,
      undefined,
    ]);
    expect(relativeFile("//cdn.example.com/x.js")).toBeUndefined();
    expect(relativeFile("docs/a%20b.png?raw=1")).toBe("docs/a b.png");
  });
});

describe("headingAnchors", () => {
  it("slugs headings as GitHub does: markup and punctuation out, spaces to hyphens, repeats numbered", () => {
    const md = [
      "# composio-connected-accounts",
      "## `/raw`: the openapi-fetch client",
      "### The maintainer's loop",
      "## Set up (fresh machine, Node ≥ 20.19)",
      "```md",
      "## not a heading",
      "```",
      "## [Linked](https://example.com) _heading_ ##",
      "## Errors",
      "## Errors",
      "#no-space is text",
      "## `x_sdk` and snake_case",
    ].join("\n");
    expect(headingAnchors(md)).toEqual([
      "composio-connected-accounts",
      "raw-the-openapi-fetch-client",
      "the-maintainers-loop",
      "set-up-fresh-machine-node--2019",
      "linked-heading",
      "errors",
      "errors-1",
      "x_sdk-and-snake_case",
    ]);
  });
});
