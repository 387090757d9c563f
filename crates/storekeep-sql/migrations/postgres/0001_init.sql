-- Documents: one table per resource, an envelope plus the wire JSON body.
CREATE TABLE projects (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);

CREATE TABLE stores (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX stores_key ON stores (project_key, key);

CREATE TABLE customers (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX customers_key ON customers (project_key, key);
CREATE INDEX customers_email ON customers (project_key, (body->>'email'));
CREATE INDEX customers_lower_email ON customers (project_key, (body->>'lowercaseEmail'));
CREATE INDEX customers_number ON customers (project_key, (body->>'customerNumber'));

CREATE TABLE api_clients (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX api_clients_key ON api_clients (project_key, key);

CREATE TABLE carts (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX carts_key ON carts (project_key, key);
CREATE INDEX carts_customer ON carts (project_key, (body->>'customerId'));
CREATE INDEX carts_store ON carts (project_key, (body->'store'->>'key'));

-- Uniqueness claims written with their document (e.g. a customer's email in a scope).
CREATE TABLE claims (
    project_key TEXT NOT NULL,
    coll TEXT NOT NULL,
    scope TEXT NOT NULL,
    value TEXT NOT NULL,
    owner_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (project_key, coll, scope, value)
);
CREATE INDEX claims_value ON claims (project_key, coll, value);
CREATE INDEX claims_owner ON claims (project_key, coll, owner_id);

-- Rows that writers touching the same claim value lock first (serialises them on PostgreSQL).
CREATE TABLE claim_locks (
    project_key TEXT NOT NULL,
    lock_key TEXT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_key, lock_key)
);
