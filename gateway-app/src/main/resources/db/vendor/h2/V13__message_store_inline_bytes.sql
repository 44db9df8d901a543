-- The stored copies as binary strings kept in the row, no longer as BLOBs: H2 writes each BLOB to its LOB store
-- apart from the row, two of them per copy, which took a good part of storing a message. A binary string holds up
-- to 1,000,000,000 bytes in H2, far above the gateway's largest message. PostgreSQL's bytea is already in the row.
alter table message_store alter column sealed set data type varbinary(1000000000);
alter table message_store alter column plaintext_sealed set data type varbinary(1000000000);
alter table message_store alter column receipt set data type varbinary(1000000000);
