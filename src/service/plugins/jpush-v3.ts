import type { FastifyPluginAsync } from 'fastify';
import type { GatewayDeps } from '../gateway/context';
import { registerApi } from './api-plugin';

/** JPush REST API v3: every endpoint of contracts/endpoints/jpush-v3.json. Register with prefix /v3. */
export const jpushV3: FastifyPluginAsync<GatewayDeps> = async (scope, deps) => {
  registerApi(scope, deps, 'jpush-v3');
};
