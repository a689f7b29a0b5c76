// openapi-fetch's createClient is its default export. A CommonJS build of this "type": "module"
// package receives that default as the whole module object (esbuild's Node-mode interop), so
// `createClient(...)` would throw "is not a function" there while the ESM build works. Take the
// function from wherever the build put it. `npm run check:package` requires the CJS build for real.
import * as openapiFetch from "openapi-fetch";

type CreateClient = typeof openapiFetch.default;
const imported = openapiFetch as unknown as { default: CreateClient | { default: CreateClient } };

export const createClient: CreateClient =
  typeof imported.default === "function" ? imported.default : imported.default.default;
