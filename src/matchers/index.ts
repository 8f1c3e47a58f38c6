export { matcherFromSchema, deriveMatcher, escapeRustLiteral } from './derive';
export type { MatcherTemplate, MatcherOptions, MatcherNote, DerivedMatcher } from './derive';
export { errorEnvelopeMatcher, successBodyMatcher, headersMatcher, rateLimitHeadersMatcher } from './api';
export type { ErrorEnvelopeOptions } from './api';
export { toRustRegex } from './regex';
export type { RegexTranslation } from './regex';
