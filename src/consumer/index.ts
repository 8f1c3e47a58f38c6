export { interaction, retiredInteraction, pushPact, PushPact, PushInteraction, addPlanToPact } from './builder';
export type { PushPactOptions, BoundInteraction, InteractionTest } from './builder';
export { planInteraction, planItemResults, planRetired, planCell, catalogueCells, elicitableCauses, credentialsFor, groupCredentialsFor } from './plan';
export type {
  InteractionPlan, InteractionOptions, RequestExample, RequestOverrides, CredentialKind, ElicitableCause, CatalogueCell,
} from './plan';
