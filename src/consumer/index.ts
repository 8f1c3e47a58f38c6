export { interaction, retiredInteraction, pushPact, PushPact, PushInteraction, addPlanToPact } from './builder';
export type { PushPactOptions, BoundInteraction, InteractionTest } from './builder';
export { planInteraction, planRetired, planCell, catalogueCells, elicitableCauses, credentialsFor } from './plan';
export type {
  InteractionPlan, InteractionOptions, RequestExample, RequestOverrides, CredentialKind, ElicitableCause, CatalogueCell,
} from './plan';
