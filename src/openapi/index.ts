export { buildOpenApi, OPENAPI_VERSION } from './export';
export { renderOpenApi, exportOpenApi, writeExported, driftOf, openApiFileName, OPENAPI_FORMATS, type OpenApiFormat, type ExportedFile } from './files';
