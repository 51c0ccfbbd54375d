import GRDB

/// The schema, one migration per change, from the first schema on. Never edit a shipped migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE pipeline (
                    name TEXT PRIMARY KEY NOT NULL,
                    version INTEGER NOT NULL,
                    declaration TEXT NOT NULL,
                    created REAL NOT NULL,
                    updated REAL NOT NULL
                );
                CREATE TABLE pipeline_version (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    declaration TEXT NOT NULL,
                    created REAL NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE TABLE execution (
                    id TEXT PRIMARY KEY NOT NULL,
                    pipeline TEXT NOT NULL,
                    status TEXT NOT NULL,
                    record TEXT NOT NULL,
                    start_time REAL NOT NULL,
                    last_update_time REAL NOT NULL
                );
                CREATE INDEX execution_by_pipeline ON execution (pipeline, start_time);
                CREATE INDEX execution_by_status ON execution (status);
                CREATE TABLE job (
                    id TEXT PRIMARY KEY NOT NULL,
                    execution_id TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    action TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    data TEXT NOT NULL,
                    result_id TEXT,
                    result TEXT,
                    created REAL NOT NULL,
                    updated REAL NOT NULL
                );
                CREATE INDEX job_by_status ON job (status);
                CREATE TABLE artifact (
                    digest TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL,
                    created REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: pipeline runtime state and client request tokens") { db in
            try db.execute(sql: """
                CREATE TABLE pipeline_runtime (
                    name TEXT PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL
                );
                CREATE TABLE client_token (
                    pipeline TEXT NOT NULL,
                    token TEXT NOT NULL,
                    execution_id TEXT NOT NULL,
                    PRIMARY KEY (pipeline, token)
                );
                """)
        }
        migrator.registerMigration("v3: custom action types") { db in
            try db.execute(sql: """
                CREATE TABLE custom_action_type (
                    category TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    version TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    PRIMARY KEY (category, provider, version)
                );
                """)
        }
        migrator.registerMigration("v4: source connections") { db in
            try db.execute(sql: """
                CREATE TABLE connection (
                    name TEXT PRIMARY KEY NOT NULL,
                    definition TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v5: resource tags and webhooks") { db in
            try db.execute(sql: """
                CREATE TABLE tag (
                    arn TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (arn, key)
                );
                CREATE TABLE webhook (
                    name TEXT PRIMARY KEY NOT NULL,
                    record TEXT NOT NULL
                );
                """)
        }
        // Every job that finished rewrote its row (about 700 bytes, five to a page) wherever it
        // lay, and moved an entry across a status index of every row; every execution that ended
        // did the same in its status index. A group commit of ten results dirtied some eight
        // pages of jobs for it. Now a job's row is written once, as created: open jobs are listed
        // in `job_open` (a page or two), ended ones in `job_end` (narrow rows, in id order, so in
        // time order), and only active executions are in an index by status.
        migrator.registerMigration("v6: open and ended jobs apart from their records; an index of active executions only") { db in
            try db.execute(sql: """
                CREATE TABLE job_open (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                CREATE TABLE job_end (
                    id TEXT PRIMARY KEY NOT NULL,
                    status TEXT NOT NULL,
                    result_id TEXT,
                    ended REAL NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO job_open (id) SELECT id FROM job WHERE status = 'Queued';
                INSERT INTO job_end (id, status, result_id, ended) SELECT id, status, result_id, updated FROM job WHERE status != 'Queued';
                DROP INDEX job_by_status;
                DROP INDEX execution_by_status;
                CREATE INDEX execution_active ON execution (status) WHERE status IN ('InProgress', 'Stopping');
                """)
        }
        return migrator
    }
}
