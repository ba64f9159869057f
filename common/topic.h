/* common/topic.h — every event topic TechMart publishes, in one table: its
 * name on the wire and the service whose outbox writes it. proto/events.md
 * documents each one; tests/unit/common/topic_test.c reads that file and
 * checks the two agree both ways (every documented topic is here, with the
 * same source, and every topic here is documented). Publishers name a topic
 * by its constant, never by a string literal, so a misspelt topic does not
 * compile. No state; thread-safe. */
#ifndef TM_COMMON_TOPIC_H
#define TM_COMMON_TOPIC_H

/* X(name, topic, source) — `<entity>.<verb>` (proto/events.md, "Shape") */
#define TM_TOPICS(X)                                                                               \
    X(CATEGORY_CREATED, "category.created", "inventory")                                           \
    X(CATEGORY_UPDATED, "category.updated", "inventory")                                           \
    X(PRODUCT_CREATED, "product.created", "inventory")                                             \
    X(PRODUCT_UPDATED, "product.updated", "inventory")                                             \
    X(STORE_CREATED, "store.created", "inventory")                                                 \
    X(STORE_UPDATED, "store.updated", "inventory")                                                 \
    X(STOCK_CHANGED, "stock.changed", "inventory")                                                 \
    X(STOCK_LOW, "stock.low", "inventory")                                                         \
    X(STOCK_OUT, "stock.out", "inventory")                                                         \
    X(STOCK_LEDGER_MISMATCH, "stock.ledger_mismatch", "inventory")                                 \
    X(FORECAST_UPDATED, "forecast.updated", "inventory")                                           \
    X(REORDER_SUGGESTED, "reorder.suggested", "inventory")                                         \
    X(REORDER_APPROVED, "reorder.approved", "inventory")                                           \
    X(REORDER_REJECTED, "reorder.rejected", "inventory")                                           \
    X(REORDER_EXPIRED, "reorder.expired", "inventory")                                             \
    X(TXN_CREATED, "txn.created", "txn")                                                           \
    X(TXN_DECLINED, "txn.declined", "txn")                                                         \
    X(TXN_VOIDED, "txn.voided", "txn")                                                             \
    X(TXN_REVIEWED, "txn.reviewed", "txn")                                                         \
    X(FRAUD_RULES_CHANGED, "fraud.rules_changed", "txn")                                           \
    X(SUPPLIER_CREATED, "supplier.created", "supplier")                                            \
    X(SUPPLIER_UPDATED, "supplier.updated", "supplier")                                            \
    X(OFFER_CREATED, "offer.created", "supplier")                                                  \
    X(OFFER_UPDATED, "offer.updated", "supplier")                                                  \
    X(OFFER_DELETED, "offer.deleted", "supplier")                                                  \
    X(PO_CREATED, "purchase_order.created", "supplier")                                            \
    X(PO_SENT, "purchase_order.sent", "supplier")                                                  \
    X(PO_CONFIRMED, "purchase_order.confirmed", "supplier")                                        \
    X(PO_RECEIPT, "purchase_order.receipt", "supplier")                                            \
    X(PO_CANCELLED, "purchase_order.cancelled", "supplier")                                        \
    X(SUPPLIER_API_CIRCUIT, "supplier.api_circuit", "supplier")                                    \
    X(ALERT_FIRED, "alert.fired", "alerts")                                                        \
    X(ALERT_ACKNOWLEDGED, "alert.acknowledged", "alerts")                                          \
    X(ALERT_RESOLVED, "alert.resolved", "alerts")                                                  \
    X(ALERT_ESCALATED, "alert.escalated", "alerts")

enum tm_topic {
#define TM_X_ENUM(name, topic, source) TM_TOPIC_##name,
    TM_TOPICS(TM_X_ENUM)
#undef TM_X_ENUM
        TM_TOPIC_COUNT
};

/* The topic as it travels ("stock.low"), for tm_outbox_add. A value outside
 * the enum is a programming error: asserted. */
const char *tm_topic_name(enum tm_topic t);

/* The source that publishes it ("inventory", "txn"); asserted like the name. */
const char *tm_topic_source(enum tm_topic t);

#endif
