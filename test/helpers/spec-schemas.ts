// Checks values against the spec's component schemas with ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1) and ajv-formats, so that what a fake server answers is held to what the spec says,
// formats (uri, date-time, uuid) included. `x-` extensions and other annotations are ignored.
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { loadSpec } from "../../scripts/lib/spec.js";

const ID = "urn:composio:spec";

/** A checker: the problems of `value` against `#/components/schemas/<schema>`, none when it fits. */
export type SchemaCheck = (schema: string, value: unknown) => string[];

export function specSchemas(specPath = "spec/openapi.yaml"): SchemaCheck {
  const { doc } = loadSpec(specPath);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under Node ESM its default export arrives as the module object.
  formats.default(ajv);
  // The refs of the loaded spec are local (#/components/schemas/…): they resolve against this root.
  ajv.addSchema({ $id: ID, components: doc.components });
  return (schema, value) => {
    const validate = ajv.getSchema(`${ID}#/components/schemas/${schema}`);
    if (!validate) throw new Error(`no schema ${schema} in ${specPath}`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message ?? e.keyword}`);
  };
}
