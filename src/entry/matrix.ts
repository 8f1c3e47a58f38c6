/**
 * push-contracts/matrix, for client authors: drive any client, through an adapter, against every
 * status of every endpoint it uses, and classify what it does.
 */
export { runMatrix, runAdapterModule, loadAdapter, matrixConforms, renderMatrixMarkdown, renderMatrixJson, referenceAdapter, EXPECTATIONS } from '../matrix';
export type {
  MatrixAdapter, AdapterContext, MatrixOptions, MatrixResult, MatrixCell, MatrixOutcome, MatrixVariant, MatrixExpectation, MatrixViolation,
  TransportFault,
} from '../matrix';
