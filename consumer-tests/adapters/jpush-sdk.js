'use strict';
/**
 * Matrix adapter for the official jpush-sdk npm client (3.5.0, the callback API), written in plain JS the way
 * a user would: `push-contracts matrix --adapter consumer-tests/adapters/jpush-sdk.js`.
 *
 * jpush-sdk builds every URL from module-private https constants and has no host option (its `proxy` is an
 * HTTP proxy, which tunnels https with CONNECT), so, as for jpush-async, the adapter runs copies of the package's
 * own JPush.js with the https origins replaced by the matrix's origin (origin-copies.js). Nothing else of the
 * client changes.
 */
const fs = require('node:fs');
const { copiesPerOrigin } = require('./origin-copies');

const FILE = require.resolve('jpush-sdk/lib/JPush/JPush.js');
const VERSION = JSON.parse(fs.readFileSync(require.resolve('jpush-sdk/package.json'), 'utf8')).version;
/** PUSH, REPORT, SCHEDULE and the device host. */
const EXPECTED_ORIGINS = 4;

// Loaded once at module load (it pulls in `request`, slow to load), so no cell's hang timeout pays for it; the
// copies below share its requires through Node's module cache.
require(FILE);

const load = copiesPerOrigin(FILE, EXPECTED_ORIGINS, `jpush-sdk ${VERSION}`);

/** The callback API as a promise: what a user wraps it in. */
const call = (fn) => (ctx) =>
  new Promise((resolve, reject) => {
    // readTimeOut well below the matrix's hang timeout (and its slow-headers delay, 3/5 of it).
    const client = load(ctx.baseUrl).buildClient({ appKey: ctx.credentials.appKey, masterSecret: ctx.credentials.masterSecret, readTimeOut: Math.floor(ctx.hangTimeoutMs / 4) });
    fn(client, ctx.example, (err, res) => (err ? reject(err) : resolve(res)));
  });

const json = (ex) => JSON.stringify(ex.body); // the client sends `body` as is: it must be a string
const q = (ex, name) => (ex.query || {})[name];

exports.adapter = {
  name: `jpush-sdk ${VERSION}`,
  api: 'jpush-v3',
  calls: {
    push: call((c, ex, cb) => c.sendPush(json(ex), cb)),
    'push.validate': call((c, ex, cb) => c.validate(json(ex), cb)),
    'report.received': call((c, ex, cb) => c.getReportReceiveds(q(ex, 'msg_ids'), cb)),
    'report.messages': call((c, ex, cb) => c.getReportMessages(q(ex, 'msg_ids'), cb)),
    'device.get': call((c, ex, cb) => c.getDeviceTagAlias(ex.params.registration_id, cb)),
    'device.update': call((c, ex, cb) => {
      const tags = ex.body.tags || {};
      c.updateDeviceTagAlias(ex.params.registration_id, ex.body.alias == null ? null : ex.body.alias, false, tags.add || [], tags.remove || [], cb);
    }),
    'tags.list': call((c, ex, cb) => c.getTagList(cb)),
    'tags.has-device': call((c, ex, cb) => c.isDeviceInTag(ex.params.tag, ex.params.registration_id, cb)),
    // deleteTag is left out: with a platform it sends `/v3/tags/<tag>/?platform=`, a trailing slash a pact
    // mock server does not match, so no cell could show how it handles a status.
    'report.users': call((c, ex, cb) => c.getReportUsers(q(ex, 'time_unit'), q(ex, 'start'), q(ex, 'duration'), cb)),
    'tags.update': call((c, ex, cb) => {
      const ids = ex.body.registration_ids || {};
      c.addRemoveDevicesFromTag(ex.params.tag, ids.add || null, ids.remove || null, cb);
    }),
    'aliases.get': call((c, ex, cb) => c.getAliasDeviceList(ex.params.alias, q(ex, 'platform'), cb)),
    'aliases.delete': call((c, ex, cb) => c.deleteAlias(ex.params.alias, q(ex, 'platform'), cb)),
    'schedules.create': call((c, ex, cb) => c.setSchedule(json(ex), cb)),
    'schedules.list': call((c, ex, cb) => c.getScheduleList(Number(q(ex, 'page')), cb)), // query values are strings
    'schedules.get': call((c, ex, cb) => c.getSchedule(ex.params.schedule_id, cb)),
    'schedules.update': call((c, ex, cb) => c.updateSchedule(ex.params.schedule_id, json(ex), cb)),
    'schedules.delete': call((c, ex, cb) => c.delSchedule(ex.params.schedule_id, cb)),
  },
  // Every compiled copy requires the package's one JPushError.js, so its classes are the ones all copies throw.
  isTypedError: (e) => {
    const JError = require('jpush-sdk/lib/JPush/JPushError.js');
    return e instanceof JError.APIRequestError || e instanceof JError.APIConnectionError || e instanceof JError.InvalidArgumentError;
  },
  statusOf: (e) => (e && typeof e.httpCode === 'number' ? e.httpCode : undefined),
  codeOf: (e) => {
    try {
      const body = JSON.parse(e.response);
      return body.error ? body.error.code : body.code;
    } catch {
      return undefined;
    }
  },
  // "Connect timeout. Please retry later." tells the caller to send again; "Response timeout … check whether or
  // not to push" does not.
  retryAdvisedOf: (e) => (e && e.name === 'APIConnectionError' ? /retry later/i.test(e.message) : undefined),
};
