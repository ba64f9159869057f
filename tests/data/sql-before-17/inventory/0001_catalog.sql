-- tm-inventory, first slice: the catalogue (categories, products, stores).
-- Owned and written only by tm-inventory. Money is integer cents.
CREATE SCHEMA inventory;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE inventory.categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    parent_id   bigint REFERENCES inventory.categories (id),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT categories_name_key UNIQUE (name),
    CONSTRAINT categories_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE inventory.products (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku              text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category_id      bigint NOT NULL,
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
    unit_cost_cents  bigint NOT NULL CHECK (unit_cost_cents >= 0),
    unit_of_measure  text NOT NULL DEFAULT 'each',
    pack_size        integer NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_sku_key UNIQUE (sku),
    CONSTRAINT products_category_fkey FOREIGN KEY (category_id)
        REFERENCES inventory.categories (id)
);
CREATE INDEX products_category_idx ON inventory.products (category_id, id);
CREATE INDEX products_name_trgm_idx ON inventory.products USING gin (name gin_trgm_ops);
CREATE INDEX products_sku_trgm_idx ON inventory.products USING gin (sku gin_trgm_ops);

CREATE TABLE inventory.stores (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL CHECK (length(code) BETWEEN 2 AND 16),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    city       text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    time_zone  text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stores_code_key UNIQUE (code)
);
