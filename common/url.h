/* common/url.h — the one check of an outgoing URL against an allow-list of
 * hosts: a supplier's API (tm-supplier's --api-hosts) and a webhook channel
 * (tm-alerts' --webhook-hosts) may only name hosts the operator listed, so
 * a client cannot make a daemon call anywhere it likes (SSRF). No state;
 * thread-safe. */
#ifndef TM_COMMON_URL_H
#define TM_COMMON_URL_H

/* 1 when url is http:// or https:// (lower-case scheme), has a host with
 * no user info, a port (if any) of 1..65535, no whitespace anywhere, and the
 * host (without port, case-insensitive) is one of allow_hosts's
 * comma-separated names; 0 otherwise (also for an empty list). */
int tm_url_allowed(const char *url, const char *allow_hosts);

#endif
