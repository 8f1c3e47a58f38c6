import type { FastifyPluginAsync } from 'fastify';
import type { GatewayDeps } from '../gateway/context';
import { registerApi } from './api-plugin';

/** EngageLab MTPush REST API v4: every endpoint of contracts/endpoints/mtpush-v4.json. Register with prefix /v4. */
export const mtpushV4: FastifyPluginAsync<GatewayDeps> = async (scope, deps) => {
  registerApi(scope, deps, 'mtpush-v4');
};
