// Compile-time tests, checked by `tsc --noEmit`: the catalogue's literal types decide which
// (api, endpoint, status) combinations a consumer can write.
import { interaction, pushPact } from './builder';

// Allowed combinations compile.
interaction('jpush-v3', 'push', 401);
interaction('jpush-v3', 'device.get', 404);
interaction('mtpush-v4', 'device.delete', 404);
interaction('jpush-v3', 'schedules.delete', 200, { cause: undefined });
interaction('jpush-v3', 'push', 403, { cause: 'app.blacklisted' });

// @ts-expect-error tags.list has no 404 in the catalogue
interaction('jpush-v3', 'tags.list', 404);
// @ts-expect-error tags.list takes no request, so it cannot answer 400
interaction('jpush-v3', 'tags.list', 400);
// @ts-expect-error push never answers 404
interaction('jpush-v3', 'push', 404);
// @ts-expect-error a group report judges no app of the group, so it never answers 403
interaction('jpush-v3', 'report.group-users', 403);
// @ts-expect-error the group reports are JPush v3 endpoints only
interaction('mtpush-v4', 'report.group-messages-detail', 200);
// @ts-expect-error the scheduled template push is a JPush v3 endpoint only
interaction('mtpush-v4', 'push.template-schedule', 200);
// @ts-expect-error 418 is not one of the twelve statuses
interaction('jpush-v3', 'push', 418);
// @ts-expect-error push.cid is a JPush v3 endpoint only
interaction('mtpush-v4', 'push.cid', 200);
// @ts-expect-error device.delete is an MTPush v4 endpoint only
interaction('jpush-v3', 'device.delete', 200);
// @ts-expect-error no such endpoint
interaction('jpush-v3', 'push.nope', 200);
// @ts-expect-error no such API
interaction('jpush-v2', 'push', 200);

const v4 = pushPact({ consumer: 'types', api: 'mtpush-v4' });
v4.interaction('schedules.get', 404);
v4.interaction('push.withdraw', 200);
// @ts-expect-error schedules.get takes no body, so it cannot answer 400
v4.interaction('schedules.get', 400);
// @ts-expect-error the pact is bound to mtpush-v4, which has no push.cid
v4.interaction('push.cid', 200);

// Causes are the closed vocabulary of contracts/causes.json.
interaction('jpush-v3', 'push', 401, { cause: 'auth.missing' });
// @ts-expect-error a misspelt cause
interaction('jpush-v3', 'push', 403, { cause: 'app.blacklistd' });
