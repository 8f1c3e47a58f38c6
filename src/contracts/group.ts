/**
 * A group push authenticates as the group (`group-<GroupKey>`), then pushes to each app of the group.
 * What refuses one app (it is blacklisted, the caller is not in its IP whitelist) then refuses that app
 * only: its own item of the 200 carries the error, and the other apps are pushed to. So for an endpoint
 * with `auth: "group"` these causes are item causes, never the status of the whole request. A group
 * report (the same credentials, no items) answers for the group as a whole and judges no app.
 */
export const MEMBER_APP_CAUSES = ['app.blacklisted', 'app.ip-not-whitelisted'] as const;

export type MemberAppCause = (typeof MEMBER_APP_CAUSES)[number];

