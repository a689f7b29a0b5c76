// Seeded changes of the spec, made in a copy of its folder, for the rating tests: each one what a
// maintainer would really do to follow the API, lint-clean (`npm run generate` takes it).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { Rating } from "../../scripts/release/impact.js";

export interface Mutation {
  name: string;
  /** The rating the change deserves for this client. */
  expected: Rating;
  /** Edits the spec folder `dir` in place. */
  apply: (dir: string) => void;
}

/** Edits one YAML file of the copy through the yaml Document API (comments and layout kept). */
function edit(dir: string, file: string, change: (doc: Document) => void): void {
  const path = join(dir, file);
  const doc = parseDocument(readFileSync(path, "utf8"));
  change(doc);
  writeFileSync(path, doc.toString({ lineWidth: 0 }));
}

const NANOID = "paths/api_v3.1_connected_accounts_{nanoid}.yaml";
const LIST = "paths/api_v3.1_connected_accounts.yaml";

export const MUTATIONS: Mutation[] = [
  {
    name: "remove a response property",
    expected: "major",
    // The deprecated `redirect_uri` of create's answer, as its description announces (and from the
    // answer's examples).
    apply: (dir) => {
      edit(dir, "components/schemas/CreatedConnectedAccount.yaml", (doc) => {
        doc.deleteIn(["properties", "redirect_uri"]);
        const required = doc.get("required") as Node;
        if (isSeq(required))
          required.items = required.items.filter((i) => !(isScalar(i) && i.value === "redirect_uri"));
      });
      edit(dir, LIST, (doc) => {
        for (const example of ["oauth2Initiated", "apiKeyActive"])
          doc.deleteIn([
            "post",
            "responses",
            "201",
            "content",
            "application/json",
            "examples",
            example,
            "value",
            "redirect_uri",
          ]);
      });
    },
  },
  {
    name: "narrow a request enum",
    expected: "major",
    // list's `account_type` query filter loses ALL.
    apply: (dir) =>
      edit(dir, LIST, (doc) => {
        const parameters = doc.getIn(["get", "parameters"]) as Node;
        if (!isSeq(parameters)) throw new Error("no list parameters");
        const filter = parameters.items.find((p) => isMap(p) && p.get("name") === "account_type");
        if (!isMap(filter)) throw new Error("no account_type parameter");
        filter.setIn(["schema", "enum"], doc.createNode(["PRIVATE", "SHARED"]));
      }),
  },
  {
    name: "make a request field required",
    expected: "major",
    apply: (dir) =>
      edit(dir, "components/schemas/ConnectedAccountLinkRequest.yaml", (doc) => {
        (doc.get("required") as { add(value: unknown): void }).add("callback_url");
      }),
  },
  {
    name: "remove an operation",
    expected: "major",
    // DELETE /api/v3.1/connected_accounts/{nanoid}, and the schema only it used.
    apply: (dir) => {
      edit(dir, NANOID, (doc) => doc.delete("delete"));
      edit(dir, "openapi.yaml", (doc) => doc.deleteIn(["components", "schemas", "DeletedConnectedAccount"]));
      rmSync(join(dir, "components/schemas/DeletedConnectedAccount.yaml"));
    },
  },
  {
    name: "add an optional request field",
    expected: "minor",
    apply: (dir) =>
      edit(dir, "components/schemas/ConnectedAccountLinkRequest.yaml", (doc) => {
        doc.setIn(
          ["properties", "locale"],
          doc.createNode({ type: "string", description: "The language of the hosted page (BCP 47)." }),
        );
      }),
  },
  {
    name: "add an operation",
    expected: "minor",
    // A second path like refresh's: POST /api/v3.1/connected_accounts/{nanoid}/reauthorize.
    apply: (dir) => {
      const from = "paths/api_v3.1_connected_accounts_{nanoid}_refresh.yaml";
      const to = "paths/api_v3.1_connected_accounts_{nanoid}_reauthorize.yaml";
      writeFileSync(join(dir, to), readFileSync(join(dir, from), "utf8"));
      edit(dir, to, (doc) => {
        doc.setIn(["post", "operationId"], "reauthorizeConnectedAccount");
        doc.setIn(["post", "x-sdk", "method"], "reauthorize");
        doc.setIn(["post", "summary"], "Re-authorize a connected account");
        doc.deleteIn(["post", "deprecated"]);
      });
      edit(dir, "openapi.yaml", (doc) => {
        doc.setIn(
          ["paths", "/api/v3.1/connected_accounts/{nanoid}/reauthorize"],
          doc.createNode({ $ref: to }),
        );
      });
    },
  },
  {
    name: "add a response enum value",
    expected: "minor",
    // A new status, as the API adds them (ConnectionStatus is x-sdk-open).
    apply: (dir) =>
      edit(dir, "components/schemas/ConnectionStatus.yaml", (doc) => {
        (doc.get("enum") as { add(value: unknown): void }).add("PAUSED");
      }),
  },
  {
    name: "add an auth scheme",
    expected: "minor",
    // A new member of the x-sdk-open ConnectionState union (and of the AuthScheme enum), as the API
    // adds them: create may send it, and responses carry it.
    apply: (dir) => {
      const file = "components/schemas/JwtBearerState.yaml";
      writeFileSync(join(dir, file), readFileSync(join(dir, "components/schemas/NoAuthState.yaml"), "utf8"));
      edit(dir, file, (doc) => {
        doc.set("title", "JWT_BEARER");
        doc.set("description", "A JWT signed by the app, exchanged for a token.");
        doc.setIn(["properties", "authScheme", "const"], "JWT_BEARER");
      });
      edit(dir, "components/schemas/ConnectionState.yaml", (doc) => {
        (doc.get("oneOf") as { add(value: unknown): void }).add(
          doc.createNode({ $ref: "./JwtBearerState.yaml" }),
        );
      });
      edit(dir, "components/schemas/AuthScheme.yaml", (doc) => {
        (doc.get("enum") as { add(value: unknown): void }).add("JWT_BEARER");
      });
      edit(dir, "openapi.yaml", (doc) => {
        doc.setIn(["components", "schemas", "JwtBearerState"], doc.createNode({ $ref: file }));
      });
    },
  },
  {
    name: "edit a description",
    expected: "patch",
    apply: (dir) =>
      edit(dir, "components/schemas/ConnectedAccountLinkRequest.yaml", (doc) => {
        doc.setIn(
          ["properties", "alias", "description"],
          "A name for the account, unique per user and toolkit.",
        );
      }),
  },
];

/**
 * The same spec written differently: every file re-indented (4 spaces), quotes changed (plain and
 * block scalars double-quoted, double-quoted ones single-quoted, single-quoted ones double-quoted),
 * block and flow style swapped (flow collections written as blocks, blocks of scalars written
 * inline), and comments added. What it means is unchanged.
 */
export function reformat(dir: string): void {
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!name.endsWith(".yaml")) continue;
    const path = join(dir, name);
    const doc = parseDocument(readFileSync(path, "utf8"));
    const visit = (node: unknown, insideFlow: boolean): void => {
      if (isScalar(node)) {
        if (typeof node.value === "string")
          node.type = node.type === "QUOTE_DOUBLE" ? "QUOTE_SINGLE" : "QUOTE_DOUBLE";
        return;
      }
      if (!isMap(node) && !isSeq(node)) return;
      const children = isMap(node) ? node.items.flatMap((pair) => [pair.key, pair.value]) : node.items;
      const leaf = children.every((child) => isScalar(child));
      // Flow becomes block (where YAML allows it), a block of scalars becomes flow.
      node.flow = insideFlow || node.items.length === 0 || (!node.flow && leaf);
      if (!node.flow && isMap(node)) node.items[0]!.key = withComment(node.items[0]!.key);
      for (const child of children) visit(child, node.flow);
    };
    visit(doc.contents, false);
    doc.commentBefore = ` ${name}, reformatted: the same meaning`;
    writeFileSync(path, doc.toString({ indent: 4, lineWidth: 0 }));
  }
}

const withComment = (key: unknown): unknown => {
  if (isScalar(key)) key.commentBefore = " a comment";
  return key;
};

/** A copy of spec/ in a temporary folder; `cleanup` removes it. */
export function copySpec(from = "spec"): { dir: string; root: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "composio-spec-mutation-"));
  cpSync(from, dir, { recursive: true });
  return {
    dir,
    root: join(dir, "openapi.yaml"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
