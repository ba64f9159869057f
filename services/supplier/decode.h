/* services/supplier/decode.h — tm-supplier's strict body decoders: a
 * supplier (create or change) and an offer (create or change), from cJSON
 * trees to plain structs. Unknown members and wrong types are refused;
 * every refusal is TM_INVALID naming the field. A PATCH body (create = 0)
 * may leave out any member; `set` says which were given, and `clear` which
 * optional ones it sets to null (contact, api_url, api_key; an offer's
 * valid_from and valid_to). cJSON ends here.
 * No I/O, no state; thread-safe. */
#ifndef TM_SUPPLIER_DECODE_H
#define TM_SUPPLIER_DECODE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/err.h"

#include "services/supplier/choice.h"

#define SUP_CODE_MAX 32     /* bytes of a supplier's code */
#define SUP_NAME_MAX 200    /* bytes of its name */
#define SUP_CONTACT_MAX 500 /* bytes of its contact */
#define SUP_URL_MAX 500     /* bytes of its API URL */
#define SUP_KEY_MAX 500     /* bytes of its API key */
#define SUP_DATE_MAX 10     /* "YYYY-MM-DD" */

/* Bits of sup_supplier_in.set */
enum {
    SUP_S_CODE = 1 << 0,
    SUP_S_NAME = 1 << 1,
    SUP_S_CONTACT = 1 << 2,
    SUP_S_CURRENCY = 1 << 3,
    SUP_S_ACTIVE = 1 << 4,
    SUP_S_API_URL = 1 << 5,
    SUP_S_API_KEY = 1 << 6,
    SUP_S_PREFERRED = 1 << 7,
};

struct sup_supplier_in {
    unsigned set;   /* SUP_S_* bits: members given */
    unsigned clear; /* SUP_S_CONTACT, _API_URL, _API_KEY given as null: cleared (PATCH) */
    char code[SUP_CODE_MAX + 1];
    char name[SUP_NAME_MAX + 1];
    char contact[SUP_CONTACT_MAX + 1];
    char currency[4];
    char api_url[SUP_URL_MAX + 1];
    char api_key[SUP_KEY_MAX + 1];
    int active, preferred;
};

/* Bits of sup_offer_in.set */
enum {
    SUP_O_PRODUCT = 1 << 0,
    SUP_O_BREAKS = 1 << 1,
    SUP_O_MOQ = 1 << 2,
    SUP_O_PACK = 1 << 3,
    SUP_O_LEAD = 1 << 4,
    SUP_O_SPREAD = 1 << 5,
    SUP_O_SHIPPING = 1 << 6,
    SUP_O_THRESHOLD = 1 << 7,
    SUP_O_FROM = 1 << 8,
    SUP_O_TO = 1 << 9,
};

struct sup_offer_in {
    unsigned set;   /* SUP_O_* bits: members given */
    unsigned clear; /* SUP_O_FROM, SUP_O_TO given as null: cleared (PATCH) */
    int64_t product_id;
    int n_breaks;
    struct sup_break breaks[SUP_BREAKS_MAX];
    int64_t moq, pack_size;
    int64_t lead_time_days, lead_time_spread_days;
    int64_t shipping_cost_cents, free_shipping_threshold_cents;
    char valid_from[SUP_DATE_MAX + 1], valid_to[SUP_DATE_MAX + 1];
};

/* A supplier body: code ([A-Za-z0-9][A-Za-z0-9_.-]{0,31}), name, currency
 * ([A-Z]{3}) required on create; contact?, active?, preferred?, api_url?
 * (an http or https URL whose host is on allow_hosts: tm_url_allowed, common/url.h), api_key?.
 * Borrows body. */
TM_MUSTCHECK enum tm_code sup_decode_supplier(const cJSON *body, int create,
                                              const char *allow_hosts, struct sup_supplier_in *out,
                                              struct tm_err *err);

/* An offer body: product_id (create only) and price_breaks (1..SUP_BREAKS_MAX
 * of {min_quantity >= 1, unit_price_cents >= 1}, min_quantity strictly
 * increasing, so none twice) and lead_time_days required on create; moq >= 1,
 * pack_size >= 1, lead_time_spread_days, shipping_cost_cents,
 * free_shipping_threshold_cents >= 0, valid_from?, valid_to? (dates,
 * valid_to after valid_from when both are given). Borrows body. */
TM_MUSTCHECK enum tm_code sup_decode_offer(const cJSON *body, int create, struct sup_offer_in *out,
                                           struct tm_err *err);

/* A date "YYYY-MM-DD" (a real day) into epoch days; 0 on success, -1 not. */
int sup_date_days(const char *s, int64_t *days);

#endif
