-- Schema of the customer database (PostgreSQL 16), owned by the shop API.
--
-- @handles pii on #customer-db -- "names, e-mail, phone, addresses, date of birth"
-- @handles secrets on #customer-db -- "Argon2id password hashes, never the passwords"
-- @assumes #customer-db -- "only the shop_api role connects; people read replicas through the back office"

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE customers (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email          citext NOT NULL UNIQUE,
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    full_name      text NOT NULL,
    -- @audit #customer-db -- "drop date_of_birth and make phone optional when signup-data-minimisation ships"
    date_of_birth  date NOT NULL,
    phone          text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE addresses (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('shipping', 'billing')),
    line1        text NOT NULL,
    line2        text,
    postal_code  text NOT NULL,
    city         text NOT NULL,
    country      char(2) NOT NULL
);

-- Invoice ids are random, so they cannot be iterated, and every query the shop API runs
-- filters on customer_id as well (services/billing/invoices.go).
CREATE TABLE invoices (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id  uuid NOT NULL REFERENCES customers (id),
    order_id     uuid NOT NULL UNIQUE,
    number       text NOT NULL UNIQUE,          -- printed on the PDF, never used to look it up
    total_cents  bigint NOT NULL CHECK (total_cents >= 0),
    vat_cents    bigint NOT NULL CHECK (vat_cents >= 0),
    pdf_key      text NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX invoices_by_customer ON invoices (customer_id, issued_at DESC);

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON customers, addresses, invoices TO shop_api;
