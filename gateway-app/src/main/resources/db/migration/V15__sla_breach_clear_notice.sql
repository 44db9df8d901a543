-- SLA alarms: the webhook is also told when an alarm it received clears. clear_notified_at is when it accepted that
-- notice, clear_notify_claimed_at the short lease of the instance posting it, as for the alarm itself.
alter table sla_breach add column clear_notified_at timestamp with time zone;
alter table sla_breach add column clear_notify_claimed_at timestamp with time zone;

-- Alarms cleared before this version are not announced now, long after the fact.
update sla_breach set clear_notified_at = cleared_at where cleared_at is not null;
