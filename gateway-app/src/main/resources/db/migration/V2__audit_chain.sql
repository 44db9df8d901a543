-- The head of the audit hash chain: the last sequence number and its hash. Appending locks this row, so that
-- gateway instances sharing the database append one after another and keep one chain.
create table audit_head (
    id        integer     not null primary key,
    last_seq  bigint      not null,
    last_hash varchar(64) not null
);

insert into audit_head (id, last_seq, last_hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
