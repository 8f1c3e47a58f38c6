export { runMatrix, renderMatrixMarkdown, renderMatrixJson, matrixConforms } from './matrix';
export type { MatrixAdapter, AdapterContext, MatrixOptions, MatrixResult, MatrixCell, MatrixOutcome, MatrixVariant } from './matrix';
export { referenceAdapter, referenceCalls } from './reference-adapter';
export type { ReferenceCall } from './reference-adapter';
