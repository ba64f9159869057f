/* common/perm.c — the role → permission matrix. Checked on every API
 * request: a bit test in a constant table. */
#include "common/perm.h"

#include <string.h>

#define BIT(p) (1u << TM_PERM_##p)
#define EVERYONE (BIT(PUBLIC) | BIT(SELF) | BIT(CATALOG_READ) | BIT(STORE_READ) | BIT(STOCK_READ))
#define STAFF (EVERYONE | BIT(ANALYTICS_READ)) /* people, not POS keys */
/* see and handle alerts (alert.admin, the rules and routes, is admin's) */
#define ALERTS (BIT(ALERT_READ) | BIT(ALERT_WRITE))

_Static_assert(TM_PERM_COUNT <= 32, "grants are bits of an unsigned");

static const unsigned grants[TM_ROLE_COUNT] = {
    [TM_ROLE_ADMIN] = ~0u,
    [TM_ROLE_STORE_MANAGER] = STAFF | BIT(STORE_WRITE) | BIT(STOCK_WRITE) | BIT(STOCK_RESERVE) |
                              BIT(TXN_READ) | BIT(TXN_WRITE) | BIT(CUSTOMER_READ) |
                              BIT(CUSTOMER_WRITE) | BIT(SUPPLIER_READ) | BIT(REORDER_WRITE) |
                              ALERTS,
    [TM_ROLE_BUYER] = STAFF | BIT(CATALOG_WRITE) | BIT(SUPPLIER_READ) | BIT(SUPPLIER_WRITE) |
                      BIT(REORDER_WRITE) | ALERTS,
    [TM_ROLE_ANALYST] =
        STAFF | BIT(TXN_READ) | BIT(CUSTOMER_READ) | BIT(SUPPLIER_READ) | BIT(ALERT_READ),
    [TM_ROLE_FRAUD_ANALYST] =
        STAFF | BIT(TXN_READ) | BIT(CUSTOMER_READ) | BIT(FRAUD_REVIEW) | ALERTS,
    [TM_ROLE_VIEWER] = STAFF | BIT(ALERT_READ),
    /* a till: no customer.read (emails, risk scores, fraud labels of every
     * store's customers); it registers a new customer and sells to an id */
    [TM_ROLE_POS] =
        EVERYONE | BIT(STOCK_RESERVE) | BIT(STOCK_COMMIT) | BIT(TXN_WRITE) | BIT(CUSTOMER_WRITE),
};

static const struct {
    const char *name;
    int store_owned;
} perms[] = {
#define TM_X_PERM(name, wire, owned) {wire, owned},
    TM_PERMS(TM_X_PERM)
#undef TM_X_PERM
};

static const struct {
    const char *name;
    int scoped;
} roles[] = {
#define TM_X_ROLE(name, wire, scoped) {wire, scoped},
    TM_ROLES(TM_X_ROLE)
#undef TM_X_ROLE
};

const char *
tm_perm_name(enum tm_perm p)
{
    return (unsigned)p < TM_PERM_COUNT ? perms[p].name : "unknown";
}

const char *
tm_role_name(enum tm_role r)
{
    return (unsigned)r < TM_ROLE_COUNT ? roles[r].name : "unknown";
}

int
tm_role_parse(const char *name, enum tm_role *out)
{
    for (int i = 0; i < TM_ROLE_COUNT; i++) {
        if (name && strcmp(name, roles[i].name) == 0) {
            *out = (enum tm_role)i;
            return 1;
        }
    }
    return 0;
}

int
tm_role_allows(enum tm_role r, enum tm_perm p)
{
    if ((unsigned)p >= TM_PERM_COUNT)
        return 0;
    if (p == TM_PERM_PUBLIC)
        return 1;
    return (unsigned)r < TM_ROLE_COUNT && (grants[r] & (1u << p)) != 0;
}

int
tm_role_scoped(enum tm_role r)
{
    return (unsigned)r < TM_ROLE_COUNT && roles[r].scoped;
}

int
tm_perm_store_owned(enum tm_perm p)
{
    return (unsigned)p < TM_PERM_COUNT && perms[p].store_owned;
}
