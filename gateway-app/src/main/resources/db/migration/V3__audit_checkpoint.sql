-- Signed checkpoints of the audit chain: the hash of record seq, signed (CMS SignedData, base64 of the DER)
-- with the gateway's signing key, so that a third party holding only the gateway's certificate can check it.
create table audit_checkpoint (
    seq         bigint         not null primary key,
    record_hash varchar(64)    not null,
    signed_at   timestamp with time zone not null,
    signature   varchar(16000) not null
);
