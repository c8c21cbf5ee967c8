-- Before the core refused ±Infinity and NaN, a number field could hold one: the row kept the number,
-- while its event (JSON) got null. The rows now say what replay reads from those events: an endless
-- threshold is none (null, which never breaches either); an endless deviation is left to 0702 (null,
-- "no percentage rule", needs the column to allow null). Run history and alerts lose the number (null:
-- no value), as their events did. One pass over each table.
UPDATE kpis
   SET min_threshold = CASE WHEN min_threshold IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE min_threshold END,
       max_threshold = CASE WHEN max_threshold IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE max_threshold END
 WHERE min_threshold IN ('Infinity', '-Infinity', 'NaN') OR max_threshold IN ('Infinity', '-Infinity', 'NaN');

-- Run history and alerts have the same three numbers.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['executions', 'alerts'] LOOP
    EXECUTE format($sql$
      UPDATE %I
         SET value = CASE WHEN value IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE value END,
             baseline = CASE WHEN baseline IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE baseline END,
             deviation_percent = CASE WHEN deviation_percent IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE deviation_percent END
       WHERE value IN ('Infinity', '-Infinity', 'NaN') OR baseline IN ('Infinity', '-Infinity', 'NaN')
          OR deviation_percent IN ('Infinity', '-Infinity', 'NaN')$sql$, t);
  END LOOP;
END $$;

UPDATE kpi_runs SET last_value = NULL WHERE last_value IN ('Infinity', '-Infinity', 'NaN');
