/* common/perm.h — who may do what. Every route in the gateway's table names
 * one permission (and whether store scoping applies); roles are granted sets
 * of permissions here, in one table. Store-scoped roles (store_manager, pos)
 * may touch only the stores listed on their user or API key. Pure, constant
 * tables; thread-safe. docs/security.md shows the matrix. */
#ifndef TM_COMMON_PERM_H
#define TM_COMMON_PERM_H

/* X(name, wire name, store-owned): a store-owned permission guards data
 * that belongs to stores (levels, movements, transfers, reservations, stock
 * commits, sales); every route needing one is TM_SCOPE_STORES in its
 * service's table (common/router.h), so scoped roles see their stores only. */
#define TM_PERMS(X)                                                                                \
    X(PUBLIC, "public", 0)                 /* no credentials needed: login, refresh */             \
    X(SELF, "self", 0)                     /* any authenticated principal: me, logout */           \
    X(CATALOG_READ, "catalog.read", 0)     /* products, categories */                              \
    X(CATALOG_WRITE, "catalog.write", 0)   /* create and change products and categories */         \
    X(STORE_READ, "store.read", 0)         /* stores */                                            \
    X(STORE_WRITE, "store.write", 0)       /* change a store (scoped roles: their own) */          \
    X(STORE_ADMIN, "store.admin", 0)       /* open stores */                                       \
    X(USER_ADMIN, "user.admin", 0)         /* users and API keys */                                \
    X(AUDIT_READ, "audit.read", 0)         /* the audit log */                                     \
    X(ANALYTICS_READ, "analytics.read", 0) /* dashboards and read models */                        \
    X(OPS_ADMIN, "ops.admin", 0)           /* scheduled jobs: list, run now */                     \
    X(STOCK_READ, "stock.read", 1)         /* levels, movements, transfers, low stock */           \
    X(STOCK_WRITE, "stock.write", 1)     /* receipts, adjustments, counts, transfers, settings */  \
    X(STOCK_RESERVE, "stock.reserve", 1) /* hold stock for a cart or an order */                   \
    X(STOCK_COMMIT, "stock.commit", 1)   /* take a sale's stock, reverse it */                     \
    X(TXN_READ, "txn.read", 1)           /* sales (scoped roles: their stores' sales) */           \
    X(TXN_WRITE, "txn.write", 1)         /* record and void sales */                               \
    X(CUSTOMER_READ, "customer.read", 0) /* customers */                                           \
    X(CUSTOMER_WRITE, "customer.write", 0) /* register customers */                                \
    X(FRAUD_REVIEW, "fraud.review", 0)     /* the review queue, labels, fraud statistics, rules */ \
    X(FRAUD_ADMIN, "fraud.admin", 0)       /* publish a new fraud rule set */                      \
    X(SUPPLIER_READ, "supplier.read", 0)   /* suppliers, offers, performance, supplier choice */   \
    X(SUPPLIER_WRITE, "supplier.write", 0) /* create and change suppliers and their offers */      \
    X(REORDER_WRITE, "reorder.write", 1)   /* generate, approve and reject reorder suggestions */  \
    X(ALERT_READ, "alert.read", 1)         /* alerts, rules, silences, policies, channels */       \
    X(ALERT_WRITE, "alert.write", 1)       /* manual alerts, acknowledge, resolve, silences */     \
    X(ALERT_ADMIN, "alert.admin", 0)       /* alert rules, escalation policies, channels, delete */

/* X(name, wire name, store-scoped) */
#define TM_ROLES(X)                                                                                \
    X(ADMIN, "admin", 0)                                                                           \
    X(STORE_MANAGER, "store_manager", 1)                                                           \
    X(BUYER, "buyer", 0)                                                                           \
    X(ANALYST, "analyst", 0)                                                                       \
    X(FRAUD_ANALYST, "fraud_analyst", 0)                                                           \
    X(VIEWER, "viewer", 0)                                                                         \
    X(POS, "pos", 1)

enum tm_perm {
#define TM_X_PERM(name, wire, owned) TM_PERM_##name,
    TM_PERMS(TM_X_PERM)
#undef TM_X_PERM
        TM_PERM_COUNT
};

enum tm_role {
#define TM_X_ROLE(name, wire, scoped) TM_ROLE_##name,
    TM_ROLES(TM_X_ROLE)
#undef TM_X_ROLE
        TM_ROLE_COUNT
};

/* Wire names; "unknown" outside the enums. */
const char *tm_perm_name(enum tm_perm p);
const char *tm_role_name(enum tm_role r);

/* Role for a wire name: 1 and *out set when known, else 0. */
int tm_role_parse(const char *name, enum tm_role *out);

/* 1 when role r holds permission p (PUBLIC is held by everyone). */
int tm_role_allows(enum tm_role r, enum tm_perm p);

/* 1 when r may act only on its own stores. */
int tm_role_scoped(enum tm_role r);

/* 1 when p guards store-owned data (see TM_PERMS). */
int tm_perm_store_owned(enum tm_perm p);

#endif
