export { loadRulePolicy, loadConfig, checkConfig, CONFIG_FILE, PACKAGE_KEY, type PushContractsConfig, type LoadedConfig, type RuleSetting } from './load';
export { ruleIdsOf, knownRuleIds, type ConfiguredCommand } from './rule-ids';
