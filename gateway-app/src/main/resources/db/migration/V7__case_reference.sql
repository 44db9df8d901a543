-- The case references each national service has used in the messages it sent, so that a partner's message about
-- one of those cases is delivered to that service. The primary key keeps one row per case and service even when
-- two gateway instances record the same pair at once.
create table case_reference (
    case_reference varchar(64) not null,
    service        varchar(32) not null,
    first_seen     timestamp with time zone not null,
    primary key (case_reference, service)
);
