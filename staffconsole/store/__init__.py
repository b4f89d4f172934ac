"""The database: schema and migrations, one module per group of tables. Functions take `db` and `now`."""
