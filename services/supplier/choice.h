/* services/supplier/choice.h — supplier choice for one purchase line (issue
 * 18, item 2): which supplier to order a quantity of one product from, under
 * a policy, with every candidate ranked and each term of its score shown.
 * docs/supplier-choice.md gives the rules with worked numbers.
 *
 * Pure: no I/O, no clock (today is an argument, in epoch days), no
 * allocation, no globals; thread-safe. The caller owns both structs; nothing
 * is kept after the call. Money is int64_t cents.
 *
 * The rules, in short:
 * - Candidates: inputs whose offer is for the request's product and valid on
 *   `today` (valid_from <= today <= valid_to, each bound optional). The rest
 *   are listed in `excluded` with the reason.
 * - Order quantity: q = max(quantity, moq, first break's min_quantity) rounded
 *   up to a multiple of pack_size. The break that applies is the one with the
 *   largest min_quantity <= the quantity ordered.
 * - More for less: the raise options are each higher break's minimum
 *   (rounded up to pack) and, within each break, the least pack multiple
 *   above q whose goods reach the free-shipping threshold. Of q and every
 *   option, the lowest total (goods + shipping) is ordered; on an equal
 *   total the larger quantity. An option is never beyond known availability
 *   or SUP_QUANTITY_MAX.
 * - Shipping: shipping_cost_cents per order, 0 when the order's goods value
 *   is at or above free_shipping_threshold_cents (0 = no threshold). Landed
 *   unit cost = total / quantity; the reported cents round up (so landed x
 *   quantity never understates the total); ranking uses the exact ratio.
 * - Performance: measured values when receipts >= min_receipts, otherwise the
 *   quoted ones (lead time and spread from the offer, on-time and fill rates
 *   from the request's quoted_* values), with `quoted` set.
 * - Terms, each in [0, 1]: price = lowest landed among the candidates /
 *   this landed; reliability = on_time_rate x fill_rate (absolute, not
 *   normalised); delivery = lowest (mean + sd) lead time among the candidates
 *   / this one's (1 when both are 0). score = wp*price + wr*reliability +
 *   wd*delivery with weights in percent (default 40/35/25).
 * - Ranking per policy (then, in every policy: lower landed unit cost, lower
 *   total, lower supplier id): cheapest = landed unit cost; fastest = earlier
 *   arrival, then smaller sd; most_reliable = higher reliability; preferred =
 *   preferred first, then landed unit cost; weighted = higher score, compared
 *   on a grid of 1e-9 (llround(score * 1e9)), so the ranking is a total
 *   order and does not depend on input order.
 * - Winner: the best-ranked candidate whose availability covers its order
 *   quantity (available < 0 = unknown, taken as unlimited). When none covers,
 *   the quantity is split in ranking order, each allocation a pack multiple
 *   of at least the moq and at most the supplier's availability, and any
 *   uncovered remainder is reported.
 * - Arrival day = today + ceil(lead-time mean). */
#ifndef TM_SUPPLIER_CHOICE_H
#define TM_SUPPLIER_CHOICE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#define SUP_CANDIDATES_MAX 32       /* suppliers considered for one line */
#define SUP_BREAKS_MAX 16           /* price breaks in one offer */
#define SUP_QUANTITY_MAX 10000000LL /* units: quantity, moq, pack, break minimum */
#define SUP_MONEY_MAX 100000000LL   /* cents: a unit price, shipping, threshold */
#define SUP_LEAD_DAYS_MAX 3650      /* days: quoted or measured lead time, spread */
#define SUP_REASON_MAX 256          /* bytes of the winner's reason, with NUL */
/* The documented weighted policy: 0.40 price + 0.35 reliability + 0.25 delivery. */
#define SUP_WEIGHT_PRICE_DEFAULT 40
#define SUP_WEIGHT_RELIABILITY_DEFAULT 35
#define SUP_WEIGHT_DELIVERY_DEFAULT 25

enum sup_policy {
    SUP_CHEAPEST,
    SUP_FASTEST,
    SUP_MOST_RELIABLE,
    SUP_PREFERRED,
    SUP_WEIGHTED,
    SUP_POLICIES
};

/* Policy names ("cheapest", ..., "weighted") by policy, then NULL; for
 * tm_err_one_of in a decoder. */
extern const char *const sup_policy_names[SUP_POLICIES + 1];

/* One price break: from min_quantity units up, each unit costs unit_price. */
struct sup_break {
    int64_t min_quantity;     /* >= 1; strictly increasing within an offer */
    int64_t unit_price_cents; /* 0..SUP_MONEY_MAX */
};

struct sup_offer {
    int64_t product_id;
    int n_breaks; /* 1..SUP_BREAKS_MAX */
    struct sup_break breaks[SUP_BREAKS_MAX];
    int64_t moq;                           /* minimum order quantity; 0 = none */
    int64_t pack_size;                     /* >= 1: orders are multiples of it */
    double lead_time_days;                 /* quoted lead time */
    double lead_time_sd_days;              /* quoted spread (standard deviation); 0 if none */
    int64_t shipping_cost_cents;           /* per order */
    int64_t free_shipping_threshold_cents; /* goods at or above ship free; 0 = never */
    bool has_valid_from, has_valid_to;     /* unset = open on that side */
    int64_t valid_from_day, valid_to_day;  /* epoch days, inclusive */
};

/* Measured from the supplier's receipts for this product (or in general). */
struct sup_perf {
    int receipts;               /* receipts measured */
    double on_time_rate;        /* 0..1: received by the promised day */
    double fill_rate;           /* 0..1: units received / units ordered */
    double lead_time_mean_days; /* order to receipt */
    double lead_time_sd_days;
};

struct sup_input {
    int64_t supplier_id; /* > 0, unique within a request */
    bool preferred;
    struct sup_offer offer;
    struct sup_perf perf;
    int64_t available_units; /* what it can ship now; < 0 = unknown (unlimited) */
};

struct sup_request {
    int64_t product_id;
    int64_t quantity;  /* 1..SUP_QUANTITY_MAX */
    int64_t today_day; /* epoch day */
    enum sup_policy policy;
    int min_receipts;           /* below this many receipts, quoted values are used */
    double quoted_on_time_rate; /* 0..1, credited to a supplier not yet measured */
    double quoted_fill_rate;    /* 0..1, likewise */
    int weight_price_pct, weight_reliability_pct, weight_delivery_pct; /* each 0..100, sum
                                                                           100; all 0 = default */
    int n;                                                             /* 0..SUP_CANDIDATES_MAX */
    struct sup_input in[SUP_CANDIDATES_MAX];
};

/* One ranked candidate. The terms are in [0, 1]; score is their weighted sum
 * (weights as fractions), computed under every policy. */
struct sup_candidate {
    int64_t supplier_id;
    int input;                      /* index into sup_request.in */
    int64_t order_quantity;         /* units to order from it for the whole line */
    int64_t unit_price_cents;       /* the break that applies at order_quantity */
    int64_t goods_cents;            /* order_quantity x unit_price_cents */
    int64_t shipping_cents;         /* 0 when the threshold is reached */
    int64_t total_cost_cents;       /* goods + shipping */
    int64_t landed_unit_cost_cents; /* ceil(total / order_quantity) */
    bool raised;                    /* order_quantity raised: more for no more money */
    int64_t base_quantity;          /* the quantity before raising */
    int64_t base_total_cents;       /* the total at base_quantity */
    bool quoted;                    /* performance below is quoted, not measured */
    double on_time_rate, fill_rate, lead_time_mean_days, lead_time_sd_days;
    int64_t arrival_day;                 /* today + ceil(lead_time_mean_days) */
    bool covers;                         /* availability covers order_quantity */
    double price, reliability, delivery; /* the terms */
    double score;
};

/* A share of a split order. */
struct sup_allocation {
    int64_t supplier_id;
    int64_t quantity;
    int64_t unit_price_cents;
    int64_t shipping_cents;
    int64_t total_cost_cents;
    int64_t arrival_day;
};

enum sup_exclusion { SUP_OTHER_PRODUCT, SUP_NOT_YET_VALID, SUP_EXPIRED };

struct sup_excluded {
    int64_t supplier_id;
    enum sup_exclusion why;
};

struct sup_choice {
    int n; /* candidates, best first */
    struct sup_candidate ranked[SUP_CANDIDATES_MAX];
    int n_excluded;
    struct sup_excluded excluded[SUP_CANDIDATES_MAX];
    int winner;        /* index into ranked; -1 when split or no candidate */
    int64_t winner_id; /* 0 when none */
    bool split;        /* no candidate covers the quantity alone */
    int n_alloc;       /* allocations of a split, in ranking order */
    struct sup_allocation alloc[SUP_CANDIDATES_MAX];
    int64_t uncovered; /* units no allocation covers (the quantity when no candidate) */
    double weight_price, weight_reliability, weight_delivery; /* as used, fractions */
    char reason[SUP_REASON_MAX]; /* why the winner won, or why split / none */
};

/* Chooses among req's inputs; fills *out (all of it, on success). TM_OK also
 * when no input is a candidate (winner -1, uncovered = quantity, a reason).
 * TM_INVALID naming the field ("quantity", "policy", "weights",
 * "in[2].offer.price_breaks", "in[0].offer.valid_to", ...) when the request
 * is malformed: quantity outside 1..SUP_QUANTITY_MAX, breaks absent, out of
 * order or duplicated, pack size < 1, valid_to before valid_from, a rate
 * outside 0..1, a negative amount, a duplicated supplier id, a weight
 * outside 0..100 or weights that do not sum to 100 (or 0);
 * valid_to == valid_from is a one-day offer, not an error. *out is then
 * unspecified. */
TM_MUSTCHECK enum tm_code sup_choose(const struct sup_request *req, struct sup_choice *out,
                                     struct tm_err *err);

/* The order a supplier would take for `quantity` units under offer o, as
 * described above (rounding, break, raising within `available_units`, < 0 =
 * unlimited). o must be valid (sup_choose checks). Exposed for the daemon's
 * purchase-order builder and for tests. */
void sup_price_order(const struct sup_offer *o, int64_t quantity, int64_t available_units,
                     struct sup_candidate *c);

/* The cost of ordering exactly n units under o, with no rounding and no
 * raising (order_quantity, unit_price_cents from the break that applies,
 * goods, shipping, total, landed): a purchase order's line. */
void sup_cost_at(const struct sup_offer *o, int64_t n, struct sup_candidate *c);

/* The least order o takes: max(moq, first break's minimum) rounded up to
 * pack_size. */
int64_t sup_least_order(const struct sup_offer *o);

#endif
