-- SLA alarms: one row per outbound copy (messageId, partner) of an URGENT or IMMEDIATE message that its partner did
-- not acknowledge in time. The primary key makes gateway instances sharing the database raise each breach once:
-- the first insert wins. notify_claimed_at is a short lease so that one instance at a time calls the webhook.
create table sla_breach (
    message_id        varchar(64) not null,
    partner           varchar(32) not null,
    priority          varchar(16) not null,
    stored_at         timestamp with time zone not null,
    deadline          timestamp with time zone not null,
    raised_at         timestamp with time zone not null,
    cleared_at        timestamp with time zone,
    notified_at       timestamp with time zone,
    notify_claimed_at timestamp with time zone,
    primary key (message_id, partner)
);

create index sla_breach_open on sla_breach (cleared_at, partner);

-- The watch looks for outbound copies of one priority that no partner acknowledged yet, stored before a deadline.
create index message_store_waiting on message_store (direction, priority, delivered_at, stored_at);
