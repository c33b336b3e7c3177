-- The daily reset rewrites every timer's count and every task's next run once a day, 100,000 of
-- them at the same local midnight for one zone (bench/daily_reset.sh). Room left on each page lets
-- a timer's new row version stay on its page without touching its indexes (a HOT update: none of
-- the columns the reset changes is indexed), and keeps a task's new version beside the old one.
ALTER TABLE personal_timers SET (fillfactor = 80);
ALTER TABLE scheduled_tasks SET (fillfactor = 80);
