-- Four-eyes review: one decision per message held in gateway.review, by a person other than its submitter.
create table review_decision (
    message_id  varchar(64)   not null primary key,
    approved    boolean       not null,
    decided_by  varchar(64)   not null,
    decided_at  timestamp with time zone not null,
    comment     varchar(2000)
);
