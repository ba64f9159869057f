/* services/inventory/sample.c — sample catalogue tables and generator.
 * Price bands are typical shelf prices of a general merchandise retailer
 * (cents); cost is 45-78% of price, the usual range of retail gross margins. */
#include "services/inventory/sample.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *code, *name, *city, *tz, *country; /* country: whose public holidays */
} stores[] = {
    {"NYC-01", "Manhattan Flagship", "New York", "America/New_York", "US"},
    {"BOS-01", "Back Bay", "Boston", "America/New_York", "US"},
    {"CHI-01", "Loop", "Chicago", "America/Chicago", "US"},
    {"CHI-02", "Lincoln Park", "Chicago", "America/Chicago", "US"},
    {"HOU-01", "Galleria", "Houston", "America/Chicago", "US"},
    {"DEN-01", "Cherry Creek", "Denver", "America/Denver", "US"},
    {"PHX-01", "Camelback", "Phoenix", "America/Phoenix", "US"},
    {"LAX-01", "Santa Monica", "Los Angeles", "America/Los_Angeles", "US"},
    {"SFO-01", "Union Square", "San Francisco", "America/Los_Angeles", "US"},
    {"SEA-01", "Pike Place", "Seattle", "America/Los_Angeles", "US"},
    {"MIA-01", "Brickell", "Miami", "America/New_York", "US"},
    {"ATL-01", "Midtown", "Atlanta", "America/New_York", "US"},
    {"LON-01", "Oxford Street", "London", "Europe/London", "UK"},
};

struct cat_spec {
    const char *name, *prefix, *uom;
    int64_t min_cents, max_cents;
    const char *nouns[6];
};

static const struct cat_spec cats[] = {
    {"Laptops",
     "LAP",
     "each",
     39900,
     249900,
     {"Laptop", "Ultrabook", "Notebook", "Chromebook", "Workstation", "2-in-1"}},
    {"Smartphones",
     "PHN",
     "each",
     14900,
     129900,
     {"Smartphone", "Phone", "Phone Mini", "Phone Pro", "Phone Max", "Flip Phone"}},
    {"Tablets",
     "TAB",
     "each",
     12900,
     109900,
     {"Tablet", "Tablet Mini", "Tablet Pro", "E-Reader", "Kids Tablet", "Drawing Tablet"}},
    {"Audio",
     "AUD",
     "each",
     1999,
     39999,
     {"Headphones", "Earbuds", "Speaker", "Soundbar", "Turntable", "Headset"}},
    {"Televisions",
     "TV",
     "each",
     19999,
     299999,
     {"LED TV", "OLED TV", "QLED TV", "Smart TV", "Projector", "Monitor"}},
    {"Cameras",
     "CAM",
     "each",
     9999,
     249999,
     {"Mirrorless Camera", "DSLR", "Action Camera", "Lens", "Tripod", "Camera Bag"}},
    {"Gaming",
     "GAM",
     "each",
     1999,
     59999,
     {"Console", "Controller", "Game", "Gaming Mouse", "Gaming Keyboard", "Gaming Chair"}},
    {"Computer Accessories",
     "ACC",
     "each",
     999,
     14999,
     {"Mouse", "Keyboard", "USB Hub", "Webcam", "Laptop Stand", "Docking Station"}},
    {"Storage",
     "STO",
     "each",
     1499,
     39999,
     {"SSD", "External Drive", "USB Stick", "SD Card", "NAS", "Memory Card"}},
    {"Networking",
     "NET",
     "each",
     1999,
     49999,
     {"Router", "Mesh System", "Switch", "Wi-Fi Extender", "Modem", "Access Point"}},
    {"Small Kitchen Appliances",
     "KIT",
     "each",
     1999,
     49999,
     {"Blender", "Toaster", "Coffee Maker", "Air Fryer", "Kettle", "Stand Mixer"}},
    {"Home Appliances",
     "HOM",
     "each",
     4999,
     89999,
     {"Vacuum", "Robot Vacuum", "Air Purifier", "Fan", "Heater", "Dehumidifier"}},
    {"Cookware",
     "COO",
     "each",
     1499,
     29999,
     {"Frying Pan", "Saucepan", "Dutch Oven", "Knife Set", "Baking Tray", "Wok"}},
    {"Furniture",
     "FUR",
     "each",
     4999,
     129999,
     {"Desk", "Office Chair", "Bookshelf", "Sofa", "Coffee Table", "Bed Frame"}},
    {"Lighting",
     "LIG",
     "each",
     999,
     19999,
     {"Desk Lamp", "Floor Lamp", "Smart Bulb", "LED Strip", "Pendant Light", "Night Light"}},
    {"Bedding",
     "BED",
     "each",
     1999,
     24999,
     {"Duvet", "Pillow", "Sheet Set", "Mattress Topper", "Blanket", "Duvet Cover"}},
    {"Apparel",
     "APP",
     "each",
     999,
     14999,
     {"T-Shirt", "Hoodie", "Jeans", "Jacket", "Sweater", "Polo Shirt"}},
    {"Footwear",
     "FOO",
     "pair",
     2999,
     24999,
     {"Running Shoes", "Sneakers", "Boots", "Sandals", "Loafers", "Hiking Boots"}},
    {"Sports & Outdoors",
     "SPO",
     "each",
     999,
     59999,
     {"Yoga Mat", "Dumbbells", "Tent", "Bicycle", "Backpack", "Water Bottle"}},
    {"Toys",
     "TOY",
     "each",
     599,
     14999,
     {"Building Set", "Puzzle", "Board Game", "Doll", "RC Car", "Plush Toy"}},
    {"Beauty",
     "BEA",
     "each",
     499,
     9999,
     {"Moisturiser", "Shampoo", "Hair Dryer", "Perfume", "Lipstick", "Electric Shaver"}},
    {"Health",
     "HEA",
     "each",
     499,
     19999,
     {"Vitamins", "Thermometer", "Blood Pressure Monitor", "First Aid Kit", "Scale",
      "Electric Toothbrush"}},
    {"Grocery",
     "GRO",
     "each",
     199,
     2999,
     {"Coffee Beans", "Olive Oil", "Pasta", "Tea", "Chocolate", "Granola"}},
    {"Beverages",
     "BEV",
     "pack",
     299,
     4999,
     {"Sparkling Water", "Orange Juice", "Cola", "Energy Drink", "Iced Tea", "Kombucha"}},
    {"Pet Supplies",
     "PET",
     "each",
     399,
     9999,
     {"Dog Food", "Cat Food", "Pet Bed", "Leash", "Cat Litter", "Chew Toy"}},
    {"Office Supplies",
     "OFF",
     "box",
     199,
     4999,
     {"Notebook", "Pens", "Stapler", "Printer Paper", "Sticky Notes", "Folders"}},
};

static const char *const brands[] = {"Acme",     "Northwind", "Contoso", "Fabrikam", "Globex",
                                     "Initech",  "Umbrella",  "Stark",   "Wayne",    "Tyrell",
                                     "Aperture", "Cyberdyne", "Hooli",   "Vandelay", "Soylent"};
static const char *const variants[] = {"Classic", "Plus", "Pro", "Lite", "Max", "Eco",
                                       "Mini",    "XL",   "Air", "One",  "S",   "Ultra"};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

void
inv_rng_seed(struct inv_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t
inv_rng_next(struct inv_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int64_t
inv_rng_range(struct inv_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;

    return lo + (int64_t)(inv_rng_next(r) % span);
}

int
inv_sample_n_stores(void)
{
    return N(stores);
}

int
inv_sample_n_categories(void)
{
    return N(cats);
}

void
inv_sample_store(int i, struct inv_store *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->code, sizeof out->code, "%s", stores[i].code);
    snprintf(out->name, sizeof out->name, "%s", stores[i].name);
    snprintf(out->city, sizeof out->city, "%s", stores[i].city);
    snprintf(out->time_zone, sizeof out->time_zone, "%s", stores[i].tz);
    snprintf(out->holiday_country, sizeof out->holiday_country, "%s", stores[i].country);
    out->active = 1;
}

void
inv_sample_category(int i, struct inv_category *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", cats[i].name);
    snprintf(out->description, sizeof out->description, "%s (sample data)", cats[i].name);
    out->active = 1;
}

void
inv_sample_product(struct inv_rng *r, int i, struct inv_product *out, int *category_index)
{
    int c = (int)inv_rng_range(r, 0, N(cats) - 1);
    const struct cat_spec *cs = &cats[c];
    double lo = log((double)cs->min_cents), hi = log((double)cs->max_cents);
    double u = (double)(inv_rng_next(r) >> 11) / 9007199254740992.0; /* [0, 1) */
    int64_t price = (int64_t)exp(lo + u * (hi - lo));
    int64_t margin_pct = inv_rng_range(r, 22, 55);

    /* Shelf prices end in 99 cents (or 9.99 above 100.00). */
    price = price >= 10000 ? (price / 1000) * 1000 + 999 : (price / 100) * 100 + 99;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s %s %s", brands[inv_rng_range(r, 0, N(brands) - 1)],
             cs->nouns[inv_rng_range(r, 0, 5)], variants[inv_rng_range(r, 0, N(variants) - 1)]);
    snprintf(out->sku, sizeof out->sku, "%s-%05d", cs->prefix, i + 1);
    snprintf(out->unit_of_measure, sizeof out->unit_of_measure, "%s", cs->uom);
    out->unit_price_cents = price;
    out->unit_cost_cents = price * (100 - margin_pct) / 100;
    out->pack_size = strcmp(cs->uom, "pack") == 0  ? 6 * inv_rng_range(r, 1, 4)
                     : strcmp(cs->uom, "box") == 0 ? 10 * inv_rng_range(r, 1, 5)
                                                   : 1;
    out->active = 1;
    *category_index = c;
}

static double
unit(struct inv_rng *r)
{
    return (double)(inv_rng_next(r) >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* Poisson variate (Knuth's product of uniforms; rates here stay small). */
static int64_t
poisson(struct inv_rng *r, double lambda)
{
    double limit = exp(-lambda), p = 1.0;
    int64_t k = -1;

    if (lambda <= 0)
        return 0;
    if (lambda > 60) /* normal approximation far from zero */
        return (int64_t)fmax(0, lambda + sqrt(lambda) * (unit(r) + unit(r) + unit(r) - 1.5) * 2);
    do {
        k++;
        p *= unit(r);
    } while (p > limit);
    return k;
}

int
inv_sample_history(struct inv_rng *r, int days, int first_dow, int max, struct inv_sample_move *out,
                   struct inv_sample_policy *policy)
{
    /* Monday .. Sunday: weekends sell more, Sunday trades short hours */
    static const double dow[7] = {0.85, 0.9, 0.95, 1.0, 1.15, 1.35, 0.8};
    /* log-normal popularity: many slow items, a few fast ones */
    double z = (unit(r) + unit(r) + unit(r) + unit(r) - 2.0) * 1.73;
    double rate = fmin(25.0, fmax(0.03, exp(-0.6 + 1.2 * z)));
    int lead = (int)inv_rng_range(r, 3, 7);
    double cover = rate * (lead + 2);
    int64_t safety = (int64_t)ceil(1.65 * sqrt(cover));
    int64_t rp = (int64_t)ceil(cover) + safety;
    int64_t up_to = rp + (int64_t)ceil(rate * 14) + 1;
    int64_t on_hand = 0, on_order = 0;
    int arrive = -1, n = 0;

    policy->rate = rate;
    policy->reorder_point = rp;
    policy->safety_stock = safety;
    policy->min_qty = safety;
    policy->max_qty = up_to;
    for (int d = 0; d < days && n < max; d++) {
        int64_t demand, sold;

        if (d == 0 || d == arrive) {
            int64_t q = d == 0 ? up_to : on_order;
            on_hand += q;
            on_order = 0;
            arrive = -1;
            out[n++] = (struct inv_sample_move){d, 8, 0, q, on_hand};
            if (n == max)
                break;
        }
        demand = poisson(r, rate * dow[(first_dow + d) % 7]);
        sold = demand < on_hand ? demand : on_hand;
        if (sold > 0) {
            on_hand -= sold;
            out[n++] =
                (struct inv_sample_move){d, (int)inv_rng_range(r, 14, 23), 1, -sold, on_hand};
        }
        if (arrive < 0 && on_hand <= rp && d + lead < days) {
            on_order = up_to - on_hand;
            arrive = d + lead;
        }
    }
    return n;
}
