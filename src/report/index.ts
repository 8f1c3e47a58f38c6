export { caseVerdict, runPassed, summarize, allFindings, groupOf } from './model';
export type { RunModel, ReportCase, RunMetadata, PactOutcome, EndpointRef, CaseVerdict, GroupSummary, NotCoveredStatus } from './model';
export { conformanceMatrix, type ConformanceMatrix, type ConformanceRow, type ConformanceCell, type CellState } from './matrix';
export { renderJunit, writeJunit, type JunitOptions } from './junit';
export { renderHtml } from './html';
export { renderJson } from './json';
export { renderSummary, renderMatrixText } from './summary';
export { writeReports, type ReportTargets, type WrittenReports } from './write';
