export { ConfigError, defineEnv, describeEnv, loadConfig, type EnvSpec, type VariableDoc } from './lib/load-config';
export { commonEnvDocs, commonEnvShape } from './lib/common-env';
