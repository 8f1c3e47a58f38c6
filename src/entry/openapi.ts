/**
 * push-contracts/openapi, for API tooling: the policy and catalogue of contracts/ as OpenAPI 3.1
 * documents, and the drift between them and committed copies.
 */
export { buildOpenApi, renderOpenApi, exportOpenApi, driftOf, OPENAPI_VERSION } from '../openapi';
export type { OpenApiFormat, ExportedFile } from '../openapi';
