-- What is known in advance about demand (issue 23, docs/forecasting.md,
-- "What the service feeds the engine"): a store's public-holiday country,
-- the calendar events people record (closures, local events, holidays the
-- built-in calendar lacks) and promotions of a product at one store or
-- every store. The forecasts of a store's products read them as
-- regressors, for the history and the horizon alike.
--
-- Recording, ending or deleting one marks the levels it touches due
-- (forecast_due_on = today, demand_moved_at = now(): the refresh that
-- clears a mark compares demand_moved_at, so a refresh that read the
-- calendar before the change leaves the level due), so the forecast-refresh
-- job recomputes them; demand_moved_at therefore means "when the level's
-- demand or what is known of it last changed".

-- "US" | "UK" | "" (none): whose public holidays the store observes
-- (services/inventory/holidays.h)
ALTER TABLE inventory.stores
    ADD COLUMN holiday_country text NOT NULL DEFAULT ''
        CHECK (holiday_country IN ('', 'US', 'UK'));

-- A day or a span of days (starts_on..ends_on, both included, at most 366
-- days) at one store (store_id) or every store (NULL).
--   kind  closure  the store is closed: no sales to be had
--         event    something that moves demand (a game, a festival, a fair)
--         holiday  a public or regional holiday the built-in calendar lacks
CREATE TABLE inventory.calendar_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id   bigint REFERENCES inventory.stores (id),
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind       text NOT NULL CHECK (kind IN ('closure', 'event', 'holiday')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calendar_events_span CHECK (ends_on >= starts_on AND ends_on - starts_on < 366)
);
CREATE INDEX calendar_events_days_idx ON inventory.calendar_events (starts_on, ends_on);
CREATE INDEX calendar_events_store_idx ON inventory.calendar_events (store_id, id);

-- A promotion of a product (at one store, or every store when store_id is
-- NULL) on the days starts_on..ends_on (both included, at most 92 days): a
-- price cut (promo_price_cents, below regular_price_cents, the product's
-- price when the promotion was recorded) and/or a merchandising flag
-- (feature: in the ad or flyer; display: an end cap or in-store display;
-- deal: a multi-buy or coupon deal with no single price). Ending one that
-- has begun moves ends_on to yesterday; one that has not begun is
-- cancelled (cancelled_at) and feeds no forecast.
CREATE TABLE inventory.promotions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id          bigint NOT NULL REFERENCES inventory.products (id),
    store_id            bigint REFERENCES inventory.stores (id),
    starts_on           date NOT NULL,
    ends_on             date NOT NULL,
    promo_price_cents   bigint CHECK (promo_price_cents > 0),
    regular_price_cents bigint NOT NULL CHECK (regular_price_cents >= 0),
    feature             boolean NOT NULL DEFAULT false,
    display             boolean NOT NULL DEFAULT false,
    deal                boolean NOT NULL DEFAULT false,
    created_by          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    cancelled_at        timestamptz,
    CONSTRAINT promotions_span CHECK (ends_on >= starts_on AND ends_on - starts_on < 92),
    CONSTRAINT promotions_something CHECK (promo_price_cents IS NOT NULL OR feature OR display
                                           OR deal),
    CONSTRAINT promotions_cut CHECK (promo_price_cents IS NULL
                                     OR promo_price_cents < regular_price_cents)
);
CREATE INDEX promotions_product_idx ON inventory.promotions (product_id, starts_on);
CREATE INDEX promotions_store_idx ON inventory.promotions (store_id, id);
