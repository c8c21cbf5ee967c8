-- An administrator's decision to run KPI queries as a user that source inspection refuses (a
-- superuser, a MySQL user with more than SELECT, EXECUTE and SHOW VIEW ...). Shown as a warning.
ALTER TABLE data_sources ADD COLUMN allow_privileged_user boolean NOT NULL DEFAULT false;
